/** `GET /api/overview`: what the home page shows, in one request. */
import { assetStates } from '../../engine/asset-status.js';
import { freshnessStates } from '../../engine/asset-freshness.js';
import { EventType, RunStatus } from '../../events/index.js';
import { compareKeys } from '../../graph/asset-graph.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import { errorBodySchema, overviewQuerySchema, overviewSchema, type Overview } from '../api-schemas.js';
import { checkStatus } from '../asset-views.js';
import { dayWindowStart, runsPerDay } from '../runs-per-day.js';

/** Failed runs read to find failed assets: older failures are almost always superseded by a later success. */
const FAILED_RUNS_LOOKED_AT = 20;
const PROBLEM_ORDER = ['failed', 'check_failed', 'stale'] as const;

/**
 * @example
 * // GET /api/overview?days=14&utcOffsetMinutes=120
 * // {"recentRuns":[…10 runs…],"activeRuns":1,"failingChecks":[{"assetKey":"orders","name":"unique_id","status":"failed",…}],
 * //  "assets":[{"key":"revenue","problem":"failed","runId":"5b0e…",…},{"key":"report","problem":"stale","staleBecause":["revenue"],…}],
 * //  "runsPerDay":[{"day":"2024-05-01","total":12,"byStatus":{"SUCCESS":11,"FAILURE":1,…}},…]}
 */
export function addOverviewRoutes(api: ApiContext): void {
  addRoute(api.app, api.book, {
    method: 'get', path: '/api/overview', tag: 'project',
    summary: 'The home page: recent runs, failing checks, assets failed or stale, open freshness violations, and runs per day by status over the last `days` days',
    query: overviewQuerySchema,
    responses: { 200: { description: 'The overview', schema: overviewSchema }, 400: { description: 'Invalid query', schema: errorBodySchema } },
  }, async ({ c, query }) => {
    const { definitions } = api.snapshot();
    const project = definitions.project.name;
    const { storage } = api.deps;
    const nowMs = api.deps.now?.() ?? Date.now();
    const window = { days: query.days, utcOffsetMinutes: query.utcOffsetMinutes, nowMs };
    const [recentRuns, activeRuns, states, latestChecks, failedRuns, counts, freshness] = await Promise.all([
      storage.runs.listRuns({ project, limit: query.runs }),
      storage.runs.countRuns({ project, statuses: [RunStatus.QUEUED, RunStatus.STARTED, RunStatus.CANCELING] }),
      assetStates(definitions, storage),
      storage.events.latestCheckEvaluations(project),
      storage.runs.listRuns({ project, statuses: [RunStatus.FAILURE], limit: FAILED_RUNS_LOOKED_AT }),
      storage.runs.runCountsByDay({ project, since: dayWindowStart(window), utcOffsetMinutes: query.utcOffsetMinutes }),
      freshnessStates(definitions, storage, nowMs),
    ]);

    const failingChecks: Overview['failingChecks'] = [];
    for (const asset of definitions.assets) {
      for (const check of asset.checks) {
        const latest = latestChecks.get(`${asset.key}:${check.name}`);
        const status = checkStatus(latest);
        if (latest && (status === 'failed' || status === 'warned')) failingChecks.push({ assetKey: asset.key, name: check.name, status, latest });
      }
    }
    failingChecks.sort((a, b) => (a.status === b.status ? 0 : a.status === 'failed' ? -1 : 1) || compareKeys(a.assetKey, b.assetKey) || compareKeys(a.name, b.name));

    // An asset failed when a run newer than its last materialization, and newer than its last failed check (that is
    // `check_failed`, the more precise word), failed at its step. The newest such run is the one linked.
    const failedIn = new Map<string, string>();
    const failures = await Promise.all(failedRuns.map((run) => storage.events.eventsForRun(run.runId, { types: [EventType.RUN_FAILURE], limit: 1 })));
    for (const [i, run] of failedRuns.entries()) {
      const end = failures[i]![0];
      if (end?.type !== EventType.RUN_FAILURE) continue;
      for (const key of end.data.failed) {
        const state = states.get(key);
        const lastCheckFailure = Math.max(0, ...(state?.checks ?? []).filter((check) => !check.passed).map((check) => check.timestamp));
        const newer = (!state?.latest || state.latest.timestamp < run.createdAt) && lastCheckFailure < run.createdAt;
        if (!failedIn.has(key) && newer) failedIn.set(key, run.runId);
      }
    }
    const assets: Overview['assets'] = [];
    for (const [key, state] of states) {
      const problem = failedIn.has(key) ? 'failed' : state.status === 'check_failed' || state.status === 'stale' ? state.status : undefined;
      if (!problem) continue;
      assets.push({
        key, problem, staleBecause: problem === 'stale' ? state.staleBecause : [], runId: failedIn.get(key) ?? null,
        lastMaterializedAt: state.latest?.timestamp ?? null,
      });
    }
    assets.sort((a, b) => PROBLEM_ORDER.indexOf(a.problem) - PROBLEM_ORDER.indexOf(b.problem) || compareKeys(a.key, b.key));

    // Never materialized counts as the longest overdue: nothing is there at all.
    const freshnessViolations: Overview['freshnessViolations'] = [...freshness.values()]
      .filter((state) => state.status === 'violated')
      .sort((a, b) => (b.overdueMs ?? Infinity) - (a.overdueMs ?? Infinity) || compareKeys(a.assetKey, b.assetKey))
      .map((state) => ({
        assetKey: state.assetKey, message: state.message, expected: state.expected,
        violatedSince: state.violatedSince, overdueMs: state.overdueMs, lastMaterializedAt: state.lastMaterializedAt,
      }));
    const body: Overview = { recentRuns, activeRuns, failingChecks, assets, freshnessViolations, runsPerDay: runsPerDay(counts, window) };
    return api.json(c, body);
  });
}
