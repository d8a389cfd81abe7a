/** `GET /api/assets/:key/partitions`: a partitioned asset's definition and the status of its partitions as ranges. */
import { partitionRanges } from '../../engine/partition-status.js';
import { isWeirError } from '../../shared/errors.js';
import { knownAsset } from './asset-routes.js';
import { ApiError } from '../api-error.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import { assetKeyParamsSchema, errorBodySchema, partitionsQuerySchema, partitionsResponseSchema, type AssetPartitions } from '../api-schemas.js';

/**
 * @example
 * // GET /api/assets/revenue/partitions
 * // {"definition":{"kind":"time","unit":"month","timezone":"Europe/Brussels","count":14,"label":"monthly partitions from 2025-01 (Europe/Brussels)"},
 * //  "ranges":[{"fromIndex":0,"toIndex":11,"fromKey":"2025-01","toKey":"2025-12","status":"MATERIALIZED"},
 * //            {"fromIndex":12,"toIndex":12,"fromKey":"2026-01","toKey":"2026-01","status":"FAILED"},
 * //            {"fromIndex":13,"toIndex":13,"fromKey":"2026-02","toKey":"2026-02","status":"MISSING"}]}
 */
export function addPartitionRoutes(api: ApiContext): void {
  // Which partitions exist depends on the time: the server's clock (ServerDeps.now), injectable in tests.
  const clock = api.deps.now ?? Date.now;
  addRoute(api.app, api.book, {
    method: 'get', path: '/api/assets/:key{.+}/partitions', tag: 'assets',
    summary: "A partitioned asset's partitions: its definition and each partition's status (materialized, failed, missing, running) as ranges of equal status",
    params: assetKeyParamsSchema, query: partitionsQuerySchema,
    responses: {
      200: { description: 'The partitions', schema: partitionsResponseSchema },
      400: { description: 'A key outside the definition', schema: errorBodySchema },
      404: { description: 'No such asset, or it is not partitioned', schema: errorBodySchema },
    },
  }, async ({ c, params, query }) => {
    const { definitions, graph } = api.snapshot();
    const node = knownAsset(graph, params.key);
    const partitions = node.kind === 'asset' ? node.definition.partitions : undefined;
    if (!partitions) throw new ApiError(404, 'NOT_PARTITIONED', `Asset '${node.key}' is not partitioned.`);
    const nowMs = clock();
    let window: { from?: number; to?: number };
    try {
      window = {
        ...(query.fromIndex !== undefined ? { from: query.fromIndex } : {}),
        ...(query.toIndex !== undefined ? { to: query.toIndex } : {}),
        ...(query.from !== undefined ? { from: partitions.requireIndex(query.from, nowMs, `asset '${node.key}'`) } : {}),
        ...(query.to !== undefined ? { to: partitions.requireIndex(query.to, nowMs, `asset '${node.key}'`) } : {}),
      };
    } catch (error) {
      if (isWeirError(error)) throw new ApiError(400, error.code, error.message);
      throw error;
    }
    const records = await api.deps.storage.events.partitionRecords(definitions.project.name, node.key);
    const body: AssetPartitions = {
      definition: { ...partitions.describe(nowMs), label: partitions.label },
      ranges: partitionRanges(partitions, records, nowMs, window),
    };
    return api.json(c, body);
  });
}
