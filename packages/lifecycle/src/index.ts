export * from './coded-error.js';
export * from './create-logger.js';
export * from './env-types.js';
export * from './exit-on-signals.js';
export * from './parse-config.js';
export * from './shutdown.js';
