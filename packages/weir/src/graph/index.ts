/** The graph layer: the validated asset graph, its order and lineage, and the selection syntax over it. */
export * from './asset-graph.js';
export * from './selection.js';
export * from './published-locations.js';
