/** The plan: an immutable, topologically ordered list of steps for one run. Pure: no I/O. */

import type { StepKind } from '../events/step-vocabulary.js';

export type { StepKind };

export interface PlannedStep {
  /** The asset key: one step per asset. */
  key: string;
  kind: StepKind;
  /** Steps of this plan that must finish first. Upstream assets outside the selection are read as published. */
  upstream: readonly string[];
}

export interface ExecutionPlan {
  steps: readonly PlannedStep[];
}

/** What the planner needs from the graph. */
export interface PlanGraph {
  topologicalOrder(): string[];
  get(key: string): { kind: 'asset' | 'external'; upstream: readonly string[] } | undefined;
}

/**
 * Plans the selected assets, adding an observe step for every external input they read, so each run records
 * exactly which input bytes it used.
 *
 * @example
 * planRun(graph, new Set(['revenue'])).steps.map((s) => s.key) // ['erp_export', 'revenue'] when revenue reads erp_export
 */
export function planRun(graph: PlanGraph, selected: ReadonlySet<string>): ExecutionPlan {
  const included = new Set<string>();
  for (const key of selected) {
    const node = graph.get(key);
    if (!node) continue;
    included.add(key);
    if (node.kind === 'asset') {
      for (const up of node.upstream) if (graph.get(up)?.kind === 'external') included.add(up);
    }
  }
  const steps = graph.topologicalOrder()
    .filter((key) => included.has(key))
    .map((key): PlannedStep => {
      const node = graph.get(key)!;
      return Object.freeze({
        key,
        kind: node.kind === 'external' ? 'observe' : 'asset',
        upstream: Object.freeze(node.upstream.filter((up) => included.has(up))),
      });
    });
  return Object.freeze({ steps: Object.freeze(steps) });
}
