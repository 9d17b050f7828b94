export * from './generated-file.js';
export * from './metric-value.js';
export * from './random-name.js';
export * from './service-process.js';
export * from './temp-dir.js';
export * from './test-env.js';
export * from './wait-for.js';
