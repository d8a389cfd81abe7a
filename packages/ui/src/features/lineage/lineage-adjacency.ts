/**
 * Upstream and downstream neighbours of each asset, for the side panel's lists. Selections are not resolved here:
 * the server's parser does that (GET /api/selection), so the page accepts exactly what `weir run --select` does.
 */

export interface Edge {
  /** Upstream. */
  source: string;
  /** Downstream. */
  target: string;
}

/** Upstream and downstream neighbours of each key, built once per graph. */
export interface Adjacency {
  upstream: Map<string, string[]>;
  downstream: Map<string, string[]>;
}

/**
 * @example
 * adjacency([{ source: 'a', target: 'b' }]).downstream.get('a') // ['b']
 */
export function adjacency(edges: readonly Edge[]): Adjacency {
  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>();
  for (const { source, target } of edges) {
    (downstream.get(source) ?? downstream.set(source, []).get(source)!).push(target);
    (upstream.get(target) ?? upstream.set(target, []).get(target)!).push(source);
  }
  return { upstream, downstream };
}
