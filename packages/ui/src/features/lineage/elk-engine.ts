/**
 * ELK in a web worker for the browser: layouts never block scrolling or typing, and the 1.5 MB engine is fetched
 * only when the lineage page first needs it (a dynamic import).
 */
import type { ElkGraph, LayoutEngine } from './lineage-layout.ts';

let engine: Promise<LayoutEngine> | undefined;

export function elkEngine(): Promise<LayoutEngine> {
  engine ??= Promise.all([import('elkjs/lib/elk-api.js'), import('elkjs/lib/elk-worker.min.js?url')]).then(([{ default: ELK }, { default: workerUrl }]) => {
    // elkjs is CommonJS: its default export is the class (the NodeNext types see a namespace).
    const Elk = ELK as unknown as new (options: { workerUrl: string }) => { layout(graph: unknown): Promise<unknown> };
    const elk = new Elk({ workerUrl });
    return { layout: (graph: ElkGraph) => elk.layout(graph as never) as unknown as Promise<ElkGraph> };
  });
  return engine;
}
