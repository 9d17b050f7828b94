export * from './errors.js';
export * from './local-store.js';
export * from './object-store.js';
export * from './s3-store.js';
export * from './storage-config.js';
