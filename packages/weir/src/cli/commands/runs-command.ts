/** `weir runs`, `weir run-info RUN_ID` and `weir logs RUN_ID`: the run history, read back from stored events. */
import { summarizeSteps } from '../../events/step-summary.js';
import type { RunStatus } from '../../events/index.js';
import { WeirError } from '../../shared/errors.js';
import { formatDuration } from '../../shared/duration.js';
import { stringifyJson } from '../../shared/json.js';
import type { Storage } from '../../storage/storage.js';
import { openMetadataOnly } from '../local-instance.js';
import { checkOutcomeOf } from '../../events/check-outcome.js';
import { checkOutcomeText, runStatusText, stepChecksText, stepStatusText, style } from '../output/style.js';
import { formatNumber, formatTime, renderTable } from '../output/table.js';

async function withMetadata<T>(projectDir: string, fn: (storage: Storage, project: string) => Promise<T>): Promise<T> {
  const { storage, project } = await openMetadataOnly(projectDir);
  try {
    return await fn(storage, project);
  } finally {
    await storage.close();
  }
}

async function resolveRun(storage: Storage, id: string): Promise<string> {
  const runId = await storage.runs.resolveRunId(id);
  if (!runId) throw new WeirError(`no run matches '${id}'`, { code: 'UNKNOWN_RUN', hint: 'List runs with `weir runs`; any unique prefix of a run id works.' });
  return runId;
}

export async function runsCommand(options: { project: string; json?: boolean; limit?: number; status?: string }): Promise<number> {
  return withMetadata(options.project, async (storage, project) => {
    const statuses = options.status ? [options.status.toUpperCase() as RunStatus] : undefined;
    const runs = await storage.runs.listRuns({ project, limit: options.limit ?? 20, statuses });
    if (options.json) {
      process.stdout.write(`${stringifyJson(runs)}\n`);
      return 0;
    }
    if (!runs.length) {
      process.stdout.write('No runs yet. Start one with `weir run`.\n');
      return 0;
    }
    process.stdout.write(`${renderTable(['run', 'status', 'trigger', 'selection', 'started', 'duration', 'steps'], runs.map((r) => [
      r.runId.slice(0, 8), runStatusText(r.status), r.trigger, r.selection ?? style.dim('all'), formatTime(r.startedAt ?? r.createdAt),
      r.endedAt && r.startedAt ? formatDuration(r.endedAt - r.startedAt) : '', String(r.stepKeys.length),
    ]))}\n`);
    return 0;
  });
}

export async function runInfoCommand(options: { project: string; runId: string; json?: boolean }): Promise<number> {
  return withMetadata(options.project, async (storage) => {
    const runId = await resolveRun(storage, options.runId);
    const [run, events, materializations, checks] = await Promise.all([
      storage.runs.getRun(runId), storage.events.eventsForRun(runId), storage.events.materializationsForRun(runId), storage.events.checkEvaluationsForRun(runId),
    ]);
    const steps = summarizeSteps(run!.stepKeys, events);
    const observations = events.filter((e) => e.type === 'ASSET_OBSERVATION').map((e) => e.data);
    if (options.json) {
      process.stdout.write(`${stringifyJson({ run, steps, materializations, checks, observations })}\n`);
      return 0;
    }
    const r = run!;
    const out = [
      `${style.bold(`Run ${r.runId}`)}  ${runStatusText(r.status)}`,
      style.dim(`project ${r.project} · trigger ${r.trigger} · selection ${r.selection ?? 'all'} · started ${formatTime(r.startedAt ?? r.createdAt)}${r.endedAt && r.startedAt ? ` · ${formatDuration(r.endedAt - r.startedAt)}` : ''}${r.parentRunId ? ` · re-executes ${r.parentRunId.slice(0, 8)}` : ''}`),
      '',
      style.bold('Steps'),
      renderTable(['step', 'status', 'start', 'duration', 'attempts', 'rows', 'checks'], steps.map((s) => [
        s.key, stepStatusText(s.status), s.startedAt ? formatTime(s.startedAt).slice(11) : '', s.durationMs === undefined ? '' : formatDuration(s.durationMs),
        String(s.attempts.length || ''), s.rowCount === undefined || s.rowCount === null ? '' : formatNumber(s.rowCount),
        stepChecksText(s.checks),
      ])),
    ];
    for (const s of steps) if (s.reason && (s.status === 'failed' || s.status === 'skipped' || s.status === 'canceled')) out.push(`  ${s.key}: ${style.dim(s.reason)}`);
    if (observations.length) {
      out.push('', style.bold('Inputs read'));
      for (const o of observations) out.push(`  ${o.assetKey}  ${o.path}  ${formatNumber(o.bytes)} bytes  sha256 ${o.hash.slice(0, 16)}`);
    }
    if (materializations.length) {
      out.push('', style.bold('Materializations'));
      out.push(renderTable(['asset', 'where', 'rows', 'columns', 'bytes'], materializations.map((m) => [
        m.assetKey, m.storage.location, m.rowCount === null ? '' : formatNumber(m.rowCount), String(m.columns.length), m.bytes === null ? '' : formatNumber(m.bytes),
      ])));
    }
    if (checks.length) {
      out.push('', style.bold('Checks'));
      out.push(renderTable(['check', 'asset', 'result', 'message'], checks.map((c) => [
        c.checkName, c.assetKey, checkOutcomeText(checkOutcomeOf(c)), c.message,
      ])));
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  });
}

const LEVEL_RANK = { debug: 0, info: 1, warn: 2, error: 3 } as const;

export async function logsCommand(options: { project: string; runId: string; step?: string; level?: keyof typeof LEVEL_RANK; json?: boolean }): Promise<number> {
  return withMetadata(options.project, async (storage) => {
    const runId = await resolveRun(storage, options.runId);
    const events = await storage.events.eventsForRun(runId, { stepKey: options.step });
    const min = LEVEL_RANK[options.level ?? 'debug'];
    for (const event of events) {
      const level = event.type === 'LOG' ? event.data.level : event.type === 'STEP_FAILURE' || event.type === 'RUN_FAILURE' ? 'error' : event.type === 'ASSET_CHECK_EVALUATION' && !event.data.passed ? 'warn' : 'info';
      if (LEVEL_RANK[level] < min) continue;
      if (options.json) {
        process.stdout.write(`${stringifyJson(event)}\n`);
        continue;
      }
      const color = level === 'error' ? style.red : level === 'warn' ? style.yellow : level === 'debug' ? style.gray : (t: string) => t;
      const time = new Date(event.timestamp).toISOString().slice(11, 23);
      process.stdout.write(`${style.dim(time)} ${color(level.toUpperCase().padEnd(5))} ${style.cyan((event.stepKey ?? '').padEnd(16))} ${style.dim(event.type.padEnd(22))} ${event.message}\n`);
      if (event.type === 'STEP_FAILURE' && event.data.error.stack) process.stdout.write(`${style.dim(event.data.error.stack)}\n`);
    }
    return 0;
  });
}
