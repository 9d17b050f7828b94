export * from './counter-definition.js';
export * from './crash-series.js';
export * from './fingerprint.js';
export * from './match-counter.js';
export * from './search-words.js';
