/** `POST /api/runs`, `POST /api/runs/:id/cancel`, `POST /api/runs/:id/reexecute`: start, stop and re-run work. */
import { FINISHED_RUN_STATUSES, summarizeSteps } from '../../events/index.js';
import { selectAssets } from '../../graph/selection.js';
import { cancelRun } from '../../engine/cancel-run.js';
import { localLiveness } from '../../engine/end-dead-runs.js';
import { WeirErrors, isWeirError } from '../../shared/errors.js';
import { ApiError } from '../api-error.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import {
  cancelResponseSchema, errorBodySchema, launchRequestSchema, launchResponseSchema, reexecuteRequestSchema, runIdParamsSchema,
} from '../api-schemas.js';
import { reexecutionSteps } from '../reexecution-steps.js';
import type { RunLauncher } from '../../engine/run-launcher.js';

/** Errors of resolveRunPartition (engine/run-partition.ts) and of a key outside a definition: the request's fault. */
const PARTITION_ERRORS = new Set(['UNKNOWN_PARTITION', 'NOT_PARTITIONED', 'PARTITION_REQUIRED', 'NO_PARTITION_YET']);

const ERRORS = {
  400: { description: 'Invalid body or selection', schema: errorBodySchema },
  404: { description: 'No such run', schema: errorBodySchema },
  409: { description: 'The run is not in a state that allows it', schema: errorBodySchema },
  503: { description: 'This server cannot launch runs (read-only)', schema: errorBodySchema },
};

/**
 * @example
 * // POST /api/runs {"select":"+revenue","skipUnchanged":true}   → 202 {"runId":"5b0e…"} (the run goes on)
 * // POST /api/runs {"select":"revenu"}                          → 400 {"error":{"code":"INVALID_SELECTION","message":"selector 'revenu' matches no asset. Did you mean 'revenue'? …"}}
 * // POST /api/runs/5b0e1c2a/cancel                              → 202 {"runId":"5b0e…","status":"CANCELING"}
 * // POST /api/runs/5b0e1c2a/reexecute {"mode":"from_failure"}   → 202 {"runId":"77aa…"} (parentRunId 5b0e…)
 */
export function addRunActionRoutes(api: ApiContext): void {
  const launcher = (): RunLauncher => {
    if (!api.deps.launcher) throw new ApiError(503, 'LAUNCH_UNAVAILABLE', 'This server only shows runs; start `weir dev` to launch them from here.');
    return api.deps.launcher;
  };

  addRoute(api.app, api.book, {
    method: 'post', path: '/api/runs', tag: 'runs', summary: 'Launch a run of a selection; answers once it is recorded, and it goes on in the background',
    body: launchRequestSchema,
    responses: { 202: { description: 'The run is recorded and starting', schema: launchResponseSchema }, 400: ERRORS[400], 503: ERRORS[503] },
  }, async ({ c, body }) => {
    const { definitions, graph } = api.snapshot();
    if (body.stepKeys) {
      const unknown = body.stepKeys.filter((key) => !graph.get(key));
      if (unknown.length) throw new ApiError(400, 'UNKNOWN_STEP', `No asset ${unknown.map((k) => `'${k}'`).join(', ')}.`, { unknown });
    } else {
      // Checked here, not only in launchRun, so a typo answers 400 with the selector's message rather than 500.
      let selected: Set<string>;
      try {
        selected = selectAssets(graph, { select: body.select, exclude: body.exclude, root: definitions.project.root });
      } catch (error) {
        if (isWeirError(error) || error instanceof WeirErrors) throw new ApiError(400, 'INVALID_SELECTION', error.message);
        throw error;
      }
      if (!selected.size) throw new ApiError(400, 'EMPTY_SELECTION', 'The selection matches no asset once the exclusions are removed.');
    }
    const unknownSettings = Object.keys(body.settings ?? {}).filter((name) => !(name in definitions.project.settingSources));
    if (unknownSettings.length) {
      throw new ApiError(400, 'UNKNOWN_SETTING', `No setting ${unknownSettings.map((n) => `'${n}'`).join(', ')} in weir.yaml (known: ${Object.keys(definitions.project.settingSources).join(', ') || 'none'}).`);
    }
    let run;
    try {
      run = await launcher().launch({
        select: body.select, exclude: body.exclude, stepKeys: body.stepKeys, skipUnchanged: body.skipUnchanged, tags: body.tags, trigger: body.trigger,
        ...(body.settings ? { settings: body.settings } : {}), ...(body.concurrency ? { concurrency: body.concurrency } : {}),
        ...(body.partition !== undefined ? { partition: body.partition } : {}),
      });
    } catch (error) {
      // A partition that is no key of a selected asset (or missing where one is needed) is decided before any run
      // is recorded: the caller's mistake, said as it is.
      if (isWeirError(error) && PARTITION_ERRORS.has(error.code)) throw new ApiError(400, error.code, error.message);
      throw error;
    }
    return api.json(c, { runId: run.runId }, 202);
  });

  addRoute(api.app, api.book, {
    method: 'post', path: '/api/runs/:id/cancel', tag: 'runs',
    summary: 'Cancel a run, whatever process runs it: running steps are interrupted and nothing they computed is published; a run whose process is gone is ended at once (status CANCELED)',
    params: runIdParamsSchema,
    responses: { 202: { description: 'The run is cancelling (or, when its process was gone, cancelled)', schema: cancelResponseSchema }, 404: ERRORS[404], 409: ERRORS[409], 503: ERRORS[503] },
  }, async ({ c, params }) => {
    const run = await api.findRun(params.id);
    if (FINISHED_RUN_STATUSES.includes(run.status)) throw new ApiError(409, 'RUN_FINISHED', `Run ${run.runId} has already finished (${run.status}).`);
    const here = launcher();
    // Recorded in the metadata whoever runs it: another process's heartbeat loop acts on it within a second.
    const result = await cancelRun(api.deps.storage, run.runId, { nowMs: api.deps.now?.() ?? Date.now(), ...localLiveness() });
    if (result.outcome === 'finished') throw new ApiError(409, 'RUN_FINISHED', `Run ${run.runId} has already finished (${result.status}).`);
    // Run by this process: abort it now rather than at the next poll.
    if (result.outcome === 'requested') await here.cancel(run.runId);
    return api.json(c, { runId: run.runId, status: result.outcome === 'ended' ? result.status : 'CANCELING' }, 202);
  });

  addRoute(api.app, api.book, {
    method: 'post', path: '/api/runs/:id/reexecute', tag: 'runs',
    summary: "Re-execute a finished run: all its steps, its failed and skipped steps and what depends on them (from_failure), or chosen steps",
    params: runIdParamsSchema, body: reexecuteRequestSchema,
    responses: { 202: { description: 'The new run is recorded and starting', schema: launchResponseSchema }, 400: ERRORS[400], 404: ERRORS[404], 409: ERRORS[409], 503: ERRORS[503] },
  }, async ({ c, params, body }) => {
    const parent = await api.findRun(params.id);
    if (!FINISHED_RUN_STATUSES.includes(parent.status)) throw new ApiError(409, 'RUN_NOT_FINISHED', `Run ${parent.runId} is still ${parent.status}; re-execute it once it has finished.`);
    const { graph } = api.snapshot();
    const events = body.mode === 'from_failure'
      ? await api.deps.storage.events.eventsForRun(parent.runId, { types: ['STEP_START', 'STEP_SUCCESS', 'STEP_FAILURE', 'STEP_SKIPPED', 'STEP_UP_FOR_RETRY'] })
      : [];
    const stepKeys = reexecutionSteps({
      mode: body.mode, parentStepKeys: parent.stepKeys, steps: summarizeSteps(parent.stepKeys, events), stepKeys: body.stepKeys,
      downstreamOf: (key) => (graph.get(key) ? graph.downstreamOf(key) : undefined), exists: (key) => graph.get(key) !== undefined,
    });
    const run = await launcher().launch({
      stepKeys, skipUnchanged: body.skipUnchanged, trigger: 'reexecution', parentRunId: parent.runId, rootRunId: parent.rootRunId ?? parent.runId,
      tags: { ...parent.tags, 'weir/reexecution': body.mode },
    });
    return api.json(c, { runId: run.runId }, 202);
  });
}
