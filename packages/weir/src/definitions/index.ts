/** The definitions layer: data only, no I/O. */
export * from './asset.js';
export * from './asset-context.js';
export * from './asset-key.js';
export * from './brand.js';
export * from './check.js';
export * from './definitions.js';
export * from './external-asset.js';
export * from './io.js';
export * from './materialize.js';
export * from './project.js';
export * from './resources.js';
export * from './loading-project.js';
export * from './partitions.js';
export * from './partition-mapping.js';
