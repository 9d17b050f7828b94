export * from './find-package-root.js';
