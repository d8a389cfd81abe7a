/** The selection syntax of the lineage page (`+orders+`, `2+revenue`, `web_*`), resolved on the client for highlighting. */

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

/**
 * Every key reachable from `start` along `next`, at most `depth` hops away (Infinity: all), `start` excluded.
 *
 * @example
 * walk('a', adjacency([{ source: 'a', target: 'b' }, { source: 'b', target: 'c' }]).downstream, 1) // Set {'b'}
 */
export function walk(start: string, next: Map<string, string[]>, depth = Infinity): Set<string> {
  const seen = new Set<string>();
  let frontier = [start];
  for (let d = 0; d < depth && frontier.length; d++) {
    const following: string[] = [];
    for (const key of frontier) {
      for (const n of next.get(key) ?? []) {
        if (n !== start && !seen.has(n)) {
          seen.add(n);
          following.push(n);
        }
      }
    }
    frontier = following;
  }
  return seen;
}

export interface SelectionResult {
  /** Keys the selection names, in the order of `keys`. */
  keys: string[];
  /** Terms that matched nothing, to show under the search box. */
  unmatched: string[];
}

const TERM = /^(@)?(?:(\d*)\+)?(.+?)(?:\+(\d*))?$/;

/**
 * Resolves a dbt-style selection: space-separated terms (union), each `[n]+key[+n]`, `@key` (its downstream and all
 * their upstream), `*` as a wildcard. The same grammar the server applies when the selection is launched.
 *
 * @example
 * const adj = adjacency([{ source: 'raw', target: 'orders' }, { source: 'orders', target: 'revenue' }]);
 * selectKeys('+orders', ['raw', 'orders', 'revenue'], adj) // { keys: ['raw', 'orders'], unmatched: [] }
 * selectKeys('orders+', ['raw', 'orders', 'revenue'], adj).keys // ['orders', 'revenue']
 */
export function selectKeys(selection: string, keys: readonly string[], adj: Adjacency): SelectionResult {
  const chosen = new Set<string>();
  const unmatched: string[] = [];
  const known = new Set(keys);
  for (const term of selection.trim().split(/\s+/).filter(Boolean)) {
    const m = TERM.exec(term);
    if (!m) continue;
    const [, at, up, name, down] = m;
    const roots = name!.includes('*')
      ? keys.filter((k) => wildcard(name!).test(k))
      : known.has(name!) ? [name!] : [];
    if (!roots.length) unmatched.push(term);
    const upDepth = up === undefined ? 0 : up === '' ? Infinity : Number(up);
    const downDepth = down === undefined ? 0 : down === '' ? Infinity : Number(down);
    for (const root of roots) {
      chosen.add(root);
      if (at) {
        const below = walk(root, adj.downstream);
        for (const k of [root, ...below]) {
          chosen.add(k);
          for (const u of walk(k, adj.upstream)) chosen.add(u);
        }
        continue;
      }
      if (upDepth) for (const k of walk(root, adj.upstream, upDepth)) chosen.add(k);
      if (downDepth) for (const k of walk(root, adj.downstream, downDepth)) chosen.add(k);
    }
  }
  return { keys: keys.filter((k) => chosen.has(k)), unmatched };
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
