export * from './coded-error.js';
export * from './create-logger.js';
export * from './env-types.js';
export * from './exit-on-signals.js';
export * from './parse-config.js';
export * from './periodic-probe.js';
export * from './periodic-task.js';
export * from './shutdown.js';
