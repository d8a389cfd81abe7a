/** `GET /api/schedules` and `POST /api/schedules/:name/pause|resume|run`: the schedules, their switch and "run now". */
import { findSchedule, scheduleSummaries, type ScheduleSummary } from '../../engine/schedule-summaries.js';
import { launchScheduleTick } from '../../engine/schedule-launch.js';
import { isWeirError } from '../../shared/errors.js';
import type { ScheduleTick } from '../../storage/storage.js';
import { ApiError } from '../api-error.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import {
  errorBodySchema, scheduleListSchema, scheduleNameParamsSchema, scheduleRunResponseSchema, scheduleStateResponseSchema,
  scheduleTickPageSchema, scheduleTickQuerySchema, type ApiSchedule, type ApiScheduleTick,
} from '../api-schemas.js';

const NOT_FOUND = { description: 'No schedule of that name', schema: errorBodySchema };

function tickJson(tick: ScheduleTick): ApiScheduleTick {
  return {
    tickAt: new Date(tick.tickAt).toISOString(), status: tick.status, source: tick.source, decidedAt: new Date(tick.decidedAt).toISOString(),
    ...(tick.runId ? { runId: tick.runId } : {}), ...(tick.reason ? { reason: tick.reason } : {}),
  };
}

function scheduleJson(s: ScheduleSummary): ApiSchedule {
  return { ...s, nextTicks: s.nextTicks.map((t) => new Date(t).toISOString()), lastTicks: s.lastTicks.map(tickJson) };
}

/**
 * @example
 * // GET  /api/schedules                          → 200 {"schedules":[{"name":"monthly_report","timezone":"Europe/Brussels","state":"RUNNING","nextTicks":[…5],"lastTicks":[…]}]}
 * // POST /api/schedules/monthly_report/pause     → 200 {"name":"monthly_report","state":"PAUSED"}
 * // POST /api/schedules/monthly_report/run       → 202 {"runId":"5b0e…","tickAt":"2026-02-15T09:12:03.120Z"}
 */
export function addScheduleRoutes(api: ApiContext): void {
  const now = () => api.deps.now?.() ?? Date.now();
  const schedule = (name: string) => {
    try {
      return findSchedule(api.snapshot().definitions, name);
    } catch (error) {
      if (isWeirError(error)) throw new ApiError(404, 'UNKNOWN_SCHEDULE', error.message);
      throw error;
    }
  };

  addRoute(api.app, api.book, {
    method: 'get', path: '/api/schedules', tag: 'schedules', summary: 'Every schedule: cron in words, time zone (UTC when unset, said so), state, next 5 ticks, last 5 ticks',
    responses: { 200: { description: 'The schedules of the project', schema: scheduleListSchema } },
  }, async ({ c }) => {
    const summaries = await scheduleSummaries(api.snapshot().definitions, api.deps.storage, now());
    return api.json(c, { schedules: summaries.map(scheduleJson) });
  });

  addRoute(api.app, api.book, {
    method: 'get', path: '/api/schedules/:name/ticks', tag: 'schedules', summary: "A schedule's ticks, newest first, paged",
    params: scheduleNameParamsSchema, query: scheduleTickQuerySchema,
    responses: { 200: { description: 'A page of ticks', schema: scheduleTickPageSchema }, 404: NOT_FOUND },
  }, async ({ c, params, query }) => {
    const s = schedule(params.name);
    const ticks = await api.deps.storage.schedules.listTicks(api.snapshot().definitions.project.name, { schedule: s.name, limit: query.limit, beforeId: query.beforeId });
    return api.json(c, { ticks: ticks.map((t) => ({ id: t.id, ...tickJson(t) })), ...(ticks.length === query.limit ? { nextBeforeId: ticks.at(-1)!.id } : {}) });
  });

  for (const verb of ['pause', 'resume'] as const) {
    addRoute(api.app, api.book, {
      method: 'post', path: `/api/schedules/:name/${verb}`, tag: 'schedules',
      summary: verb === 'pause' ? 'Pause a schedule: its ticks start no run (survives restarts)' : 'Resume a schedule: it runs from its next tick (paused ticks are not caught up)',
      params: scheduleNameParamsSchema,
      responses: { 200: { description: 'The new state', schema: scheduleStateResponseSchema }, 404: NOT_FOUND },
    }, async ({ c, params }) => {
      const s = schedule(params.name);
      const state = await api.deps.storage.schedules.setPaused(api.snapshot().definitions.project.name, s.name, verb === 'pause', now());
      return api.json(c, { name: s.name, state: state.paused ? 'PAUSED' : 'RUNNING' });
    });
  }

  addRoute(api.app, api.book, {
    method: 'post', path: '/api/schedules/:name/run', tag: 'schedules', summary: 'Run now: start the schedule\'s run at once (recorded as a RUN_NOW tick, tagged like a tick)',
    params: scheduleNameParamsSchema,
    responses: {
      202: { description: 'The run is recorded and starting', schema: scheduleRunResponseSchema }, 404: NOT_FOUND,
      500: { description: 'The run could not start (the tick is recorded FAILED with why)', schema: errorBodySchema },
      503: { description: 'This server cannot launch runs (read-only)', schema: errorBodySchema },
    },
  }, async ({ c, params }) => {
    const s = schedule(params.name);
    if (!api.deps.launcher) throw new ApiError(503, 'LAUNCH_UNAVAILABLE', 'This server only shows runs; start `weir dev` to launch them from here.');
    const { definitions } = api.snapshot();
    const nowMs = now();
    const tick = await api.deps.storage.schedules.recordTick(definitions.project.name, s.name, { tickAt: nowMs, status: 'LAUNCHING', source: 'RUN_NOW' }, nowMs);
    const result = await launchScheduleTick({ definitions, storage: api.deps.storage, launcher: api.deps.launcher }, s, tick, nowMs);
    if (result.status === 'FAILED') throw new ApiError(500, 'SCHEDULE_RUN_FAILED', `Schedule '${s.name}' could not start its run: ${result.reason}`);
    return api.json(c, { runId: result.run.runId, tickAt: new Date(tick.tickAt).toISOString() }, 202);
  });
}
