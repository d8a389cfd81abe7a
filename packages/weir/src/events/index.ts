/** The events layer: what execution emits and storage keeps, and the one fold every reader applies to it. */
export * from './check-outcome.js';
export * from './event-type.js';
export * from './labels.js';
export * from './run.js';
export * from './run-event.js';
export * from './run-fold.js';
export * from './step-summary.js';
export * from './step-vocabulary.js';
export * from './alert-signal.js';
export * from './alert-message.js';
