/** `GET /api/runs`, `GET /api/runs/:id` and `GET /api/runs/:id/events`: run history, one run, its events (a page or live). */
import { foldRunEvents, type EventType, type RunFilter } from '../../events/index.js';
import { isWeirError } from '../../shared/errors.js';
import { ApiError } from '../api-error.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import { LAST_EVENT_ID, streamRunEvents, wantsEventStream } from './event-stream-routes.js';
import {
  EVENT_TYPES, errorBodySchema, eventPageQuerySchema, eventPageSchema, runDetailSchema, runIdParamsSchema, runListQuerySchema,
  runPageSchema, type EventPage, type RunDetail, type RunPage,
} from '../api-schemas.js';

/**
 * Where the runs page stops counting and shows "10,000+". An exact count reads every matching index entry: ~10 ms
 * per 100,000 runs, paid on every page and filter change, for a figure nobody reads past the first digits.
 */
export const RUN_COUNT_CAP = 10_000;

/** Everything but log lines: what a run's step list needs, without reading 100,000 log lines. */
const STEP_EVENT_TYPES = EVENT_TYPES.filter((t) => t !== 'LOG') as EventType[];

/**
 * @example
 * // GET /api/runs?status=FAILURE&asset=orders&since=2024-05-01&limit=20
 * // {"runs":[…20 runs, newest first…],"nextCursor":"5b0e…","total":57,"totalIsExact":true}
 * // GET /api/runs/5b0e1c2a            (any unique prefix)
 * // {"run":{…},"steps":[{"key":"orders","status":"succeeded","attempts":[…]}],"lastEventId":845,"materializations":[…],"checks":[…],"observations":[…]}
 * // GET /api/runs/5b0e1c2a/events?afterId=120&types=LOG&step=orders&limit=500
 * // {"events":[…],"nextAfterId":845,"hasMore":true}
 */
export function addRunRoutes(api: ApiContext): void {
  const { storage } = api.deps;

  addRoute(api.app, api.book, {
    method: 'get', path: '/api/runs', tag: 'runs', summary: 'Runs, newest first, filtered and paged on the server',
    query: runListQuerySchema,
    responses: { 200: { description: 'A page of runs', schema: runPageSchema }, 400: { description: 'Invalid filter or cursor', schema: errorBodySchema } },
  }, async ({ c, query }) => {
    const filter: RunFilter = {
      project: api.snapshot().definitions.project.name,
      statuses: query.status, assetKey: query.asset, trigger: query.trigger, since: query.since, until: query.until,
    };
    let runs;
    try {
      // One more than a page: whether it exists decides nextCursor, so the last page never links to an empty one.
      runs = await storage.runs.listRuns({ ...filter, beforeRunId: query.cursor, limit: query.limit + 1 });
    } catch (error) {
      if (isWeirError(error) && error.code === 'UNKNOWN_RUN_ID') throw new ApiError(400, 'INVALID_CURSOR', `cursor '${query.cursor}' is not a run id of this project; use the nextCursor of the previous page.`);
      throw error;
    }
    const page = runs.slice(0, query.limit);
    const counted = await storage.runs.countRuns(filter, { max: RUN_COUNT_CAP + 1 });
    const body: RunPage = {
      runs: page,
      nextCursor: runs.length > query.limit ? page[page.length - 1]!.runId : null,
      total: Math.min(counted, RUN_COUNT_CAP),
      totalIsExact: counted <= RUN_COUNT_CAP,
    };
    return api.json(c, body);
  });

  addRoute(api.app, api.book, {
    method: 'get', path: '/api/runs/:id', tag: 'runs',
    summary: 'One run (any unique prefix of its id): steps with attempts, materializations, checks, inputs read',
    params: runIdParamsSchema,
    responses: {
      200: { description: 'The run', schema: runDetailSchema },
      400: { description: 'Invalid or ambiguous id', schema: errorBodySchema },
      404: { description: 'No such run', schema: errorBodySchema },
    },
  }, async ({ c, params }) => {
    const run = await api.findRun(params.id);
    const [events, materializations, checks] = await Promise.all([
      storage.events.eventsForRun(run.runId, { types: STEP_EVENT_TYPES }),
      storage.events.materializationsForRun(run.runId),
      storage.events.checkEvaluationsForRun(run.runId),
    ]);
    const folded = foldRunEvents(run.stepKeys, events);
    const body: RunDetail = {
      run,
      steps: [...folded.steps],
      lastEventId: folded.lastEventId,
      materializations,
      checks,
      observations: events.flatMap((e) => (e.type === 'ASSET_OBSERVATION' ? [{ ...e.data, eventId: e.id, runId: e.runId, project: e.project, timestamp: e.timestamp }] : [])),
    };
    return api.json(c, body);
  });

  addRoute(api.app, api.book, {
    method: 'get', path: '/api/runs/:id/events', tag: 'runs',
    summary: "A run's events and log lines, oldest first: a JSON page, or with `Accept: text/event-stream` a live stream "
      + '(the stored events after Last-Event-ID or afterId, then new ones as they happen, then `event: end`; `limit` is ignored)',
    params: runIdParamsSchema, query: eventPageQuerySchema, headers: [{ ...LAST_EVENT_ID, description: `${LAST_EVENT_ID.description} Streams only.` }],
    responses: {
      200: {
        description: 'A page of events (JSON), or the live stream (text/event-stream: one `data:` message per EventRecord with `id:` = its id, then `event: end` with {runId, status})',
        schema: eventPageSchema,
        alternatives: [{ contentType: 'text/event-stream' }],
      },
      400: { description: 'Invalid query or Last-Event-ID', schema: errorBodySchema },
      404: { description: 'No such run', schema: errorBodySchema },
    },
  }, async ({ c, params, query }) => {
    const run = await api.findRun(params.id);
    if (wantsEventStream(c)) return streamRunEvents(api, c, run, { afterId: query.afterId, types: query.types, step: query.step });
    const events = await storage.events.eventsForRun(run.runId, { afterId: query.afterId, types: query.types, stepKey: query.step, limit: query.limit + 1 });
    const page = events.slice(0, query.limit);
    const body: EventPage = { events: page, nextAfterId: page.length ? page[page.length - 1]!.id : query.afterId, hasMore: events.length > query.limit };
    return api.json(c, body);
  });
}
