export * from './api-docs.js';
export * from './error-handler.js';
export * from './http-errors.js';
export * from './openapi.js';
export * from './parse-input.js';
export * from './validation-issues.js';
