/**
 * `GET /api/assets`, `GET /api/assets/:key` and its history pages (`/materializations`, `/checks`): every asset with
 * its state, one asset, and its materialization and check history paged by event id.
 */
import { assetStates } from '../../engine/asset-status.js';
import { freshnessStates } from '../../engine/asset-freshness.js';
import { didYouMean } from '../../shared/suggest.js';
import { ApiError } from '../api-error.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import type { AssetGraph, AssetNode } from '../../graph/asset-graph.js';
import type { Storage } from '../../storage/storage.js';
import {
  assetDetailQuerySchema, assetDetailSchema, assetKeyParamsSchema, assetListSchema, checkHistoryQuerySchema, checkHistorySchema,
  errorBodySchema, historyQuerySchema, materializationHistorySchema,
  type AssetDetail, type AssetList, type CheckHistory, type MaterializationHistory,
} from '../api-schemas.js';
import { assetSummary, columnChanges } from '../asset-views.js';

/**
 * @example
 * // GET /api/assets
 * // {"assets":[{"key":"orders","type":"asset","status":"fresh","lastMaterialization":{"rowCount":4,…},…},…]}
 * // GET /api/assets/sales/orders?limit=10   (keys may contain '/')
 * // {"asset":{…},"columns":[…],"materializations":{"items":[…],"nextCursor":1234},"checks":[…]}
 * // GET /api/assets/orders/materializations?before=1234&limit=20
 * // {"items":[{"eventId":1201,"rowCount":4,"durationMs":12,"columns":[…],"columnChanges":{…},…}],"nextCursor":null}
 * // GET /api/assets/orders/checks?check=unique_id&limit=20
 * // {"items":[{"checkName":"unique_id","passed":false,"observed":2,"expected":0,"samples":[{"id":7}],…}],"nextCursor":880}
 */
export function addAssetRoutes(api: ApiContext): void {
  addRoute(api.app, api.book, {
    method: 'get', path: '/api/assets', tag: 'assets',
    summary: 'Every asset and input file, upstream before downstream, with status, last materialization and latest checks',
    responses: { 200: { description: 'The assets', schema: assetListSchema } },
  }, async ({ c }) => {
    const { definitions, graph } = api.snapshot();
    const [states, freshness] = await Promise.all([
      assetStates(definitions, api.deps.storage), freshnessStates(definitions, api.deps.storage, api.deps.now?.() ?? Date.now()),
    ]);
    const body: AssetList = {
      assets: graph.topologicalOrder().map((key) => assetSummary(graph.get(key)!, states.get(key), definitions.project.root, freshness.get(key))),
    };
    return api.json(c, body);
  });

  // Asset keys contain '/', so `:key{.+}` of the detail route would also match `orders/materializations`, and Hono
  // does not prefer the longer route: the detail route's key excludes those two suffixes instead. (An asset whose
  // key's last part is `materializations` or `checks` has only its history routes; no such key exists in practice.)
  addRoute(api.app, api.book, {
    method: 'get', path: '/api/assets/:key{.+}/materializations', tag: 'assets',
    summary: "A page of an asset's materializations, newest first: row count, duration, columns and their changes, run",
    params: assetKeyParamsSchema, query: historyQuerySchema,
    responses: {
      200: { description: 'The page', schema: materializationHistorySchema },
      400: { description: 'Invalid query', schema: errorBodySchema },
      404: { description: 'No such asset', schema: errorBodySchema },
    },
  }, async ({ c, params, query }) => {
    const { definitions, graph } = api.snapshot();
    const node = knownAsset(graph, params.key);
    return api.json(c, await materializationPage(api.deps.storage, definitions.project.name, node.key, query.limit, query.before));
  });

  addRoute(api.app, api.book, {
    method: 'get', path: '/api/assets/:key{.+}/checks', tag: 'assets',
    summary: "A page of an asset's check evaluations (one check with `check`, or all), newest first: observed and expected values, failing rows and samples, run",
    params: assetKeyParamsSchema, query: checkHistoryQuerySchema,
    responses: {
      200: { description: 'The page', schema: checkHistorySchema },
      400: { description: 'Invalid query', schema: errorBodySchema },
      404: { description: 'No such asset or check', schema: errorBodySchema },
    },
  }, async ({ c, params, query }) => {
    const { definitions, graph } = api.snapshot();
    const node = knownAsset(graph, params.key);
    const checkNames = node.kind === 'asset' ? node.definition.checks.map((check) => check.name) : [];
    if (query.check !== undefined && !checkNames.includes(query.check)) {
      throw new ApiError(404, 'UNKNOWN_CHECK', `Asset '${node.key}' has no check '${query.check}'. ${didYouMean(query.check, checkNames)}`.trim());
    }
    const rows = await api.deps.storage.events.checkHistory(definitions.project.name, node.key, {
      checkName: query.check, beforeEventId: query.before, limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    const body: CheckHistory = { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.eventId : null };
    return api.json(c, body);
  });

  addRoute(api.app, api.book, {
    method: 'get', path: '/api/assets/:key{.+(?<!/materializations)(?<!/checks)(?<!/partitions)}', tag: 'assets',
    summary: 'One asset: definition, status, columns, materialization history (paged, with column changes) and check history',
    params: assetKeyParamsSchema, query: assetDetailQuerySchema,
    responses: {
      200: { description: 'The asset', schema: assetDetailSchema },
      400: { description: 'Invalid query', schema: errorBodySchema },
      404: { description: 'No such asset', schema: errorBodySchema },
    },
  }, async ({ c, params, query }) => {
    const { definitions, graph } = api.snapshot();
    const node = knownAsset(graph, params.key);
    const project = definitions.project.name;
    const { storage } = api.deps;
    const [states, freshness] = await Promise.all([assetStates(definitions, storage), freshnessStates(definitions, storage, api.deps.now?.() ?? Date.now())]);
    const materializations = await materializationPage(storage, project, node.key, query.limit, query.cursor);
    const checks = node.kind === 'asset' ? node.definition.checks : [];
    const latest = states.get(node.key)?.latest;
    const body: AssetDetail = {
      asset: assetSummary(node, states.get(node.key), definitions.project.root, freshness.get(node.key)),
      columns: latest?.columns ?? [],
      compiledSql: latest?.sql ?? null,
      materializations,
      checks: await Promise.all(checks.map(async (check) => ({
        name: check.name, type: check.type, severity: check.severity, description: check.description ?? null,
        history: await storage.events.checkHistory(project, node.key, { checkName: check.name, limit: query.checkLimit }),
      }))),
    };
    return api.json(c, body);
  });
}

/** The graph node of `key`, or the 404 every asset route answers for an unknown key (with the closest keys). */
export function knownAsset(graph: AssetGraph, key: string): AssetNode {
  const node = graph.get(key);
  if (!node) throw new ApiError(404, 'UNKNOWN_ASSET', `No asset '${key}'. ${didYouMean(key, graph.keys())}`.trim());
  return node;
}

/** A page of materializations, newest first, each with how its columns changed from the one before it. */
async function materializationPage(storage: Storage, project: string, assetKey: string, limit: number, before?: number): Promise<MaterializationHistory> {
  // One more than a page: it tells whether there is a next page and is what the page's oldest item is diffed with.
  const history = await storage.events.materializationHistory(project, assetKey, { limit: limit + 1, beforeEventId: before });
  const items = history.slice(0, limit).map((m, i) => {
    const previous = history[i + 1];
    return { ...m, columnChanges: previous ? columnChanges(previous.columns, m.columns) : null };
  });
  return { items, nextCursor: history.length > limit ? items[items.length - 1]!.eventId : null };
}
