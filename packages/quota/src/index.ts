export * from './effective-quota.js';
export * from './project-quota.js';
export * from './quota-cache.js';
export * from './quota-keys.js';
export * from './usage.js';
