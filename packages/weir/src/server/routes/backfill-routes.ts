/** `/api/backfills`: launch a backfill, list and follow them, cancel one as a whole, re-run its failed partitions. */
import { isWeirError, WeirErrors } from '../../shared/errors.js';
import type { Backfill } from '../../storage/storage.js';
import type { ApiContext } from '../api-context.js';
import { ApiError } from '../api-error.js';
import { addRoute } from '../api-route.js';
import {
  backfillCancelResponseSchema, backfillDetailQuerySchema, backfillDetailSchema, backfillIdParamsSchema, backfillListQuerySchema,
  backfillListSchema, backfillRequestSchema, backfillStartedSchema, errorBodySchema,
} from '../api-schemas.js';
import { backfillRanges, backfillView } from '../backfill-views.js';
import type { BackfillStarter } from '../server-deps.js';

const ERRORS = {
  400: { description: 'Invalid body, selection or partition key', schema: errorBodySchema },
  404: { description: 'No such backfill', schema: errorBodySchema },
  409: { description: 'The backfill is not in a state that allows it', schema: errorBodySchema },
  503: { description: 'This server cannot start backfills (read-only)', schema: errorBodySchema },
};

/** WeirError codes of a request the client can fix, and the status each answers. */
const REQUEST_ERRORS: Record<string, 400 | 404 | 409> = {
  INVALID_SELECTOR: 400, EMPTY_SELECTOR: 400, UNKNOWN_SELECTOR_METHOD: 400, BACKFILL_NO_PARTITIONED_ASSET: 400, BACKFILL_MIXED_PARTITIONS: 400, BACKFILL_UNKNOWN_PARTITION: 400,
  BACKFILL_RANGE_REVERSED: 400, BACKFILL_BAD_CONCURRENCY: 400, UNKNOWN_BACKFILL: 404, BACKFILL_NOT_ENDED: 409, BACKFILL_NOTHING_FAILED: 409,
};

/**
 * @example
 * // POST /api/backfills {"select":"revenue","from":"2025-01","to":"2025-06","concurrency":2} → 202 {"backfillId":"1a2b…","partitionCount":6,…}
 * // POST /api/backfills {"from":"2030-01","to":"2030-02"} → 400 {"error":{"code":"BACKFILL_UNKNOWN_PARTITION","message":"partition '2030-01' is not one of revenue's partitions (valid: …)"}}
 * // GET  /api/backfills/1a2b → 200 {"backfill":{…,"counts":{"QUEUED":3,"RUNNING":2,"SUCCESS":1,…}},"ranges":[…],"truncated":false,"retries":[]}
 * // POST /api/backfills/1a2b/cancel → 202 {"backfillId":"1a2b…","status":"CANCELING"}
 */
export function addBackfillRoutes(api: ApiContext): void {
  const starter = (): BackfillStarter => {
    if (!api.deps.backfills) throw new ApiError(503, 'BACKFILL_UNAVAILABLE', 'This server only shows backfills; start `weir dev` or `weir serve` to start them from here.');
    return api.deps.backfills;
  };
  const now = () => api.deps.now?.() ?? Date.now();
  const findBackfill = async (idOrPrefix: string): Promise<Backfill> => {
    const id = await api.deps.storage.backfills.resolveBackfillId(idOrPrefix).catch((error: unknown) => { throw asApiError(error); });
    const backfill = id ? await api.deps.storage.backfills.getBackfill(id) : undefined;
    if (!backfill || backfill.project !== api.snapshot().definitions.project.name) throw new ApiError(404, 'UNKNOWN_BACKFILL', `No backfill of this project matches '${idOrPrefix}'.`);
    return backfill;
  };

  addRoute(api.app, api.book, {
    method: 'post', path: '/api/backfills', tag: 'backfills',
    summary: 'Plan and start a backfill of a selection: a range of partition keys, only missing or failed partitions, or all; answers once it is recorded',
    body: backfillRequestSchema,
    responses: { 202: { description: 'The backfill is recorded; its runs start in the background', schema: backfillStartedSchema }, 400: ERRORS[400], 503: ERRORS[503] },
  }, async ({ c, body }) => {
    const only = body.missing ? 'missing' as const : body.failed ? 'failed' as const : undefined;
    const started = await starter().request({ select: body.select, from: body.from, to: body.to, only, concurrency: body.concurrency })
      .catch((error: unknown) => { throw asApiError(error); });
    return api.json(c, started, 202);
  });

  addRoute(api.app, api.book, {
    method: 'get', path: '/api/backfills', tag: 'backfills', summary: "The project's backfills, newest first, with their partitions per state",
    query: backfillListQuerySchema,
    responses: { 200: { description: 'Backfills', schema: backfillListSchema } },
  }, async ({ c, query }) => {
    const backfills = await api.deps.storage.backfills.listBackfills({ project: api.snapshot().definitions.project.name, limit: query.limit });
    return api.json(c, { backfills: await Promise.all(backfills.map((b) => backfillView(api.deps.storage, b))) });
  });

  addRoute(api.app, api.book, {
    method: 'get', path: '/api/backfills/:id', tag: 'backfills',
    summary: 'One backfill: its counts per state and its partitions as ranges of one state (launched ones by their runs, the rest queued)',
    params: backfillIdParamsSchema, query: backfillDetailQuerySchema,
    responses: { 200: { description: 'The backfill', schema: backfillDetailSchema }, 404: ERRORS[404] },
  }, async ({ c, params, query }) => {
    const backfill = await findBackfill(params.id);
    const { ranges, truncated } = await backfillRanges(api.deps.storage, api.snapshot().graph, backfill, { maxRanges: query.maxRanges, nowMs: now() });
    const recent = await api.deps.storage.backfills.listBackfills({ project: backfill.project, limit: 200 });
    const retries = recent.filter((b) => b.parentBackfillId === backfill.backfillId).map((b) => b.backfillId);
    return api.json(c, { backfill: await backfillView(api.deps.storage, backfill), ranges, truncated, retries });
  });

  addRoute(api.app, api.book, {
    method: 'post', path: '/api/backfills/:id/cancel', tag: 'backfills',
    summary: 'Cancel a whole backfill: nothing new starts, its running runs are cancelled, and it ends CANCELED once they have stopped',
    params: backfillIdParamsSchema,
    responses: { 202: { description: 'The backfill is cancelling', schema: backfillCancelResponseSchema }, 404: ERRORS[404], 409: ERRORS[409] },
  }, async ({ c, params }) => {
    const backfill = await findBackfill(params.id);
    if (!(await api.deps.storage.backfills.requestCancel(backfill.backfillId, now()))) {
      const current = await api.deps.storage.backfills.getBackfill(backfill.backfillId);
      if (current?.status !== 'CANCELING') throw new ApiError(409, 'BACKFILL_ENDED', `Backfill ${backfill.backfillId} has already ended (${current?.status}).`);
    }
    return api.json(c, { backfillId: backfill.backfillId, status: 'CANCELING' }, 202);
  });

  addRoute(api.app, api.book, {
    method: 'post', path: '/api/backfills/:id/retry-failed', tag: 'backfills',
    summary: 'Re-run the failed (and cancelled) partitions of an ended backfill, as a new backfill linked to it',
    params: backfillIdParamsSchema,
    responses: { 202: { description: 'The new backfill is recorded', schema: backfillStartedSchema }, 404: ERRORS[404], 409: ERRORS[409], 503: ERRORS[503] },
  }, async ({ c, params }) => {
    const backfill = await findBackfill(params.id);
    const started = await starter().retryFailed(backfill.backfillId).catch((error: unknown) => { throw asApiError(error); });
    return api.json(c, started, 202);
  });
}

function asApiError(error: unknown): unknown {
  if (isWeirError(error)) {
    const status = REQUEST_ERRORS[error.code] ?? (error.code.startsWith('AMBIGUOUS_') ? 400 : undefined);
    if (status) return new ApiError(status, error.code, error.message);
  }
  if (error instanceof WeirErrors) return new ApiError(400, 'INVALID_SELECTION', error.message);
  return error;
}
