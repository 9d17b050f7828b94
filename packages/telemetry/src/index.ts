export * from './metrics-registry.js';
export * from './ops-routes.js';
export * from './tracing.js';
