export * from './crash-report.js';
export * from './event-input.js';
export * from './event-message.js';
export * from './event-project.js';
export * from './job.js';
export * from './log-chunk.js';
export * from './topics.js';
export * from './topics-env.js';
