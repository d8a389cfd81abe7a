/** `GET /api/lineage`: the graph for the lineage page: nodes, edges, groups and a structure hash to cache layouts by. */
import { assetStates } from '../../engine/asset-status.js';
import { compareKeys } from '../../graph/asset-graph.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import { lineageSchema, type Lineage } from '../api-schemas.js';

/**
 * @example
 * // GET /api/lineage
 * // {"hash":"9f2c…","nodes":[{"key":"orders","group":"sales","status":"fresh",…}],
 * //  "edges":[{"source":"orders_file","target":"orders"}],"groups":[{"name":"sales","assetKeys":["orders",…]}]}
 */
export function addLineageRoutes(api: ApiContext): void {
  addRoute(api.app, api.book, {
    method: 'get', path: '/api/lineage', tag: 'assets',
    summary: 'The asset graph: nodes with status, edges (upstream → downstream), groups, and a hash of the structure',
    responses: { 200: { description: 'The graph', schema: lineageSchema } },
  }, async ({ c }) => {
    const { definitions, graph } = api.snapshot();
    const states = await assetStates(definitions, api.deps.storage);
    const groups = new Map<string, string[]>();
    const body: Lineage = { hash: graph.hash(), nodes: [], edges: [], groups: [] };
    for (const key of graph.keys()) {
      const node = graph.get(key)!;
      const state = states.get(key);
      body.nodes.push({
        key, type: node.kind, group: node.definition.group, kinds: [...node.definition.kinds],
        origin: node.kind === 'asset' ? node.definition.origin : null,
        status: state?.status ?? 'never',
        lastMaterializedAt: state?.latest?.timestamp ?? state?.observation?.timestamp ?? null,
        rowCount: state?.latest?.rowCount ?? state?.observation?.rowCount ?? null,
      });
      for (const up of node.upstream) body.edges.push({ source: up, target: key });
      const members = groups.get(node.definition.group) ?? [];
      members.push(key);
      groups.set(node.definition.group, members);
    }
    body.groups = [...groups].sort(([a], [b]) => compareKeys(a, b)).map(([name, assetKeys]) => ({ name, assetKeys }));
    return api.json(c, body);
  });
}
