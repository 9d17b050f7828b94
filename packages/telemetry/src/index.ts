export * from './kafka-spans.js';
export * from './metrics-registry.js';
export * from './ops-routes.js';
export * from './request-tracing.js';
export * from './service-runtime.js';
export * from './stall-watch.js';
export * from './trace-context.js';
export * from './tracing.js';
