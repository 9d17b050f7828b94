export type { Redis } from 'ioredis';
export * from './connect-redis.js';
export * from './crash-keys.js';
export * from './create-redis.js';
export * from './job-keys.js';
export * from './lua-scripts.js';
export * from './pipeline-keys.js';
export * from './redis-env.js';
export * from './redis-probe.js';
