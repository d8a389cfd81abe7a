/**
 * Live events as Server-Sent Events, one stream per page (browsers allow six connections per origin):
 * `GET /api/runs/:id/events/stream` (or `GET /api/runs/:id/events` with `Accept: text/event-stream`) for a run
 * page, `GET /api/events/stream` for pages showing many runs and for the project's reloads.
 * Each message is one stored event as JSON, with `id:` = its event id, so EventSource resumes by itself.
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { EventRecord, EventType, Run } from '../../events/index.js';
import { ApiError } from '../api-error.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import { errorBodySchema, eventStreamQuerySchema, runIdParamsSchema } from '../api-schemas.js';
import { EventFollower } from '../../storage/event-follower.js';

/** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
export const SSE_HEARTBEAT_MS = 15_000;
/** How long a browser waits before reconnecting after the stream drops. */
const SSE_RETRY_MS = 1000;

export const LAST_EVENT_ID = { name: 'Last-Event-ID', description: 'Resume after this event id (sent by EventSource on reconnect); wins over afterId.' };

/**
 * @example
 * // GET /api/runs/5b0e1c2a/events/stream   with Last-Event-ID: 41
 * // retry: 1000
 * //
 * // data: {"id":42,"type":"STEP_START","stepKey":"orders",…}
 * // id: 42
 * // …
 * // event: end
 * // data: {"runId":"5b0e…","status":"SUCCESS"}
 */
export function addEventStreamRoutes(api: ApiContext): void {
  const { subscribeProject } = api.deps;
  const follower = eventFollower(api);
  addRoute(api.app, api.book, {
    method: 'get', path: '/api/runs/:id/events/stream', tag: 'events',
    summary: "A run's events as Server-Sent Events: the stored ones after Last-Event-ID (or afterId), then live ones; `event: end` once the run has finished. The same as GET /api/runs/{id}/events with Accept: text/event-stream",
    params: runIdParamsSchema, query: eventStreamQuerySchema, headers: [LAST_EVENT_ID],
    responses: {
      200: { description: 'One `data:` message per event (an EventRecord as JSON) with `id:` = its id, then `event: end` with {runId, status}', contentType: 'text/event-stream' },
      400: { description: 'Invalid query or Last-Event-ID', schema: errorBodySchema },
      404: { description: 'No such run', schema: errorBodySchema },
    },
  }, async ({ c, params, query }) => streamRunEvents(api, c, await api.findRun(params.id), query));


  addRoute(api.app, api.book, {
    method: 'get', path: '/api/events/stream', tag: 'events',
    summary: "Every run's events as Server-Sent Events, live (from now on, or after Last-Event-ID / afterId), and the project's reloads; never ends by itself",
    query: eventStreamQuerySchema.omit({ step: true }), headers: [LAST_EVENT_ID],
    responses: {
      200: {
        description: 'One `data:` message per event (an EventRecord as JSON) with `id:` = its id. Pass `types` to keep it small '
          + '(e.g. RUN_START,RUN_SUCCESS,RUN_FAILURE,RUN_CANCELED). When `weir dev` reloads the project: `event: project_reloaded` '
          + 'or `event: project_load_failed`, with a ProjectChange as data and no id (they are not replayed on reconnect: refetch /api/project then).',
        contentType: 'text/event-stream',
      },
      400: { description: 'Invalid query or Last-Event-ID', schema: errorBodySchema },
    },
  }, async ({ c, query }) => {
    const project = api.snapshot().definitions.project.name;
    const afterId = lastEventId(c) ?? query.afterId;
    return sse(c, api, async (send, signal, stream) => {
      // Project changes arrive by callback, between events; each writeSSE is one write, so messages never interleave.
      const unsubscribe = subscribeProject?.((change) => {
        void stream.writeSSE({ event: change.type, data: JSON.stringify(api.redact(change)) }).catch(() => undefined);
      });
      try {
        for await (const event of follower.followProject(project, { afterId, types: query.types, signal })) await send(event);
      } finally {
        unsubscribe?.();
      }
    });
  });
}

/**
 * A run's events as SSE: the stored ones after Last-Event-ID (or `afterId`), then live ones, then `event: end`.
 * What both `/api/runs/:id/events/stream` and `/api/runs/:id/events` (with Accept: text/event-stream) answer.
 */
export function streamRunEvents(api: ApiContext, c: Context, run: Run, query: { afterId?: number; types?: EventType[]; step?: string }): Response {
  const afterId = lastEventId(c) ?? query.afterId ?? 0;
  return sse(c, api, async (send, signal, stream) => {
    const feed = eventFollower(api).followRun(run.runId, { afterId, types: query.types, stepKey: query.step, signal });
    for (;;) {
      const next = await feed.next();
      if (next.done) {
        if (next.value) await stream.writeSSE({ event: 'end', data: JSON.stringify({ runId: run.runId, status: next.value }) });
        return;
      }
      await send(next.value);
    }
  });
}

const followers = new WeakMap<ApiContext, EventFollower>();

/** The app's one EventFollower: every stream of a run or project shares its readers. */
function eventFollower(api: ApiContext): EventFollower {
  let follower = followers.get(api);
  if (!follower) {
    const { storage, subscribe, pollIntervalMs } = api.deps;
    follower = new EventFollower({ storage, subscribe, pollIntervalMs });
    followers.set(api, follower);
  }
  return follower;
}

/**
 * Each event as an SSE message's data, made once however many clients it goes to (the feed hands them all the same
 * record): 200 clients of a run would otherwise redact and serialize every event 200 times.
 */
const messages = new WeakMap<EventRecord, string>();
function messageOf(api: ApiContext, event: EventRecord): string {
  let data = messages.get(event);
  if (data === undefined) {
    data = JSON.stringify(api.redact(event));
    messages.set(event, data);
  }
  return data;
}

/** Whether the client asked for Server-Sent Events (EventSource sends `Accept: text/event-stream`). */
export function wantsEventStream(c: Context): boolean {
  return (c.req.header('accept') ?? '').split(',').some((type) => type.split(';')[0]!.trim().toLowerCase() === 'text/event-stream');
}

function lastEventId(c: Context): number | undefined {
  const header = c.req.header('last-event-id');
  if (header === undefined || header.trim() === '') return undefined;
  if (!/^\d+$/.test(header.trim())) throw new ApiError(400, 'INVALID_LAST_EVENT_ID', `Last-Event-ID '${header}' is not an event id (a whole number).`);
  return Number(header);
}

type Send = (event: EventRecord) => Promise<void>;

/** Opens the stream, sends heartbeats, and aborts `signal` when the client goes away. */
function sse(c: Context, api: ApiContext, body: (send: Send, signal: AbortSignal, stream: SSEStreamingApi) => Promise<void>): Response {
  c.header('X-Accel-Buffering', 'no'); // nginx and similar would otherwise hold events back
  return streamSSE(c, async (stream) => {
    const controller = new AbortController();
    stream.onAbort(() => controller.abort());
    const heartbeat = setInterval(() => { void stream.write(': ping\n\n').catch(() => controller.abort()); }, SSE_HEARTBEAT_MS);
    try {
      await stream.write(`retry: ${SSE_RETRY_MS}\n\n`);
      await body(async (event) => {
        await stream.writeSSE({ id: String(event.id), data: messageOf(api, event) });
      }, controller.signal, stream);
    } finally {
      clearInterval(heartbeat);
      controller.abort();
    }
  }, async (error) => {
    api.deps.onError?.(error);
    // streamSSE then sends `event: error` with this message: it must hold no secret.
    error.message = api.redact(error.message);
  });
}
