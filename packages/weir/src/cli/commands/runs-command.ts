/** `weir runs`, `weir run-info RUN_ID` and `weir logs RUN_ID`: the run history, read back from stored events. */
import { summarizeSteps } from '../../events/step-summary.js';
import { EventType, type EventRecord, type LogLevel, type Run } from '../../events/index.js';
import { WeirError } from '../../shared/errors.js';
import { formatDuration } from '../../shared/duration.js';
import { stringifyJson } from '../../shared/json.js';
import type { Storage } from '../../storage/storage.js';
import { describeStatuses, parseLogLevel, parseRunStatuses } from '../filter-values.js';
import { openMetadataOnly } from '../local-instance.js';
import { checkOutcomeOf } from '../../events/check-outcome.js';
import { checkOutcomeText, runStatusText, statusText, stepChecksText, stepStatusText, style, type DisplayStatus } from '../output/style.js';
import { plural } from '../../shared/plural.js';
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
    const statuses = options.status === undefined ? undefined : parseRunStatuses(options.status);
    const runs = await storage.runs.listRuns({ project, limit: options.limit ?? 20, statuses });
    if (options.json) {
      process.stdout.write(`${stringifyJson(runs)}\n`);
      return 0;
    }
    if (!runs.length) {
      const all = statuses ? await storage.runs.countRuns({ project }, { max: 1000 }) : 0;
      process.stdout.write(all
        ? `No ${describeStatuses(statuses!)} runs (of the ${plural(all, 'run', undefined, (n) => `${n.toLocaleString('en-US')}${n >= 1000 ? '+' : ''}`)} recorded). See them all with \`weir runs\`.\n`
        : 'No runs yet. Start one with `weir run`.\n');
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
      storage.runs.getRun(runId), stepEvents(storage, runId), storage.events.materializationsForRun(runId), storage.events.checkEvaluationsForRun(runId),
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

/** Events read per query: a run's log is paged through, never loaded whole (a step may log a million lines). */
const EVENTS_PAGE_SIZE = 1000;
/** Every event type but LOG: what run-info summarizes. The steps of a run, not its log lines, bound their number. */
const NON_LOG_TYPES = Object.values(EventType).filter((type) => type !== EventType.LOG);

/** Pages of a run's events, oldest first. */
async function* eventPages(storage: Storage, runId: string, query: { stepKey?: string; types?: EventType[] } = {}): AsyncGenerator<EventRecord[]> {
  for (let afterId = 0; ;) {
    const page = await storage.events.eventsForRun(runId, { ...query, afterId, limit: EVENTS_PAGE_SIZE });
    if (page.length) yield page;
    if (page.length < EVENTS_PAGE_SIZE) return;
    afterId = page[page.length - 1]!.id;
  }
}

async function stepEvents(storage: Storage, runId: string): Promise<EventRecord[]> {
  const events: EventRecord[] = [];
  for await (const page of eventPages(storage, runId, { types: NON_LOG_TYPES })) events.push(...page);
  return events;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
/** The widest event type, ASSET_CHECK_EVALUATION: the type column's width, whatever a run holds. */
const TYPE_WIDTH = Math.max(...Object.values(EventType).map((type) => type.length));

function levelOf(event: EventRecord): LogLevel {
  if (event.type === 'LOG') return event.data.level;
  if (event.type === 'STEP_FAILURE' || event.type === 'RUN_FAILURE') return 'error';
  return event.type === 'ASSET_CHECK_EVALUATION' && !event.data.passed ? 'warn' : 'info';
}

/**
 * One event as a line of fixed-width columns (time, level, step, type, message), so they line up down the whole
 * log: the step column is as wide as the run's longest step key (known from the run before any event is read).
 * A message of several lines continues under the message column.
 *
 * @example
 * formatLogLine(event, 9)
 * // '10:42:07.113 INFO  orders    LOG                    extracting 3 files'
 */
export function formatLogLine(event: EventRecord, stepWidth: number): string {
  const level = levelOf(event);
  const color = level === 'error' ? style.red : level === 'warn' ? style.yellow : level === 'debug' ? style.gray : (t: string) => t;
  const time = new Date(event.timestamp).toISOString().slice(11, 23);
  const prefix = `${style.dim(time)} ${color(level.toUpperCase().padEnd(5))} ${style.cyan((event.stepKey ?? '').padEnd(stepWidth))} ${style.dim(event.type.padEnd(TYPE_WIDTH))} `;
  const indent = ' '.repeat(time.length + 1 + 5 + 1 + stepWidth + 1 + TYPE_WIDTH + 1);
  return `${prefix}${event.message.split('\n').join(`\n${indent}`)}`;
}

export async function logsCommand(options: { project: string; runId: string; step?: string; level?: string; json?: boolean }): Promise<number> {
  const min = LEVEL_RANK[options.level === undefined ? 'debug' : parseLogLevel(options.level)];
  return withMetadata(options.project, async (storage) => {
    const runId = await resolveRun(storage, options.runId);
    const run = (await storage.runs.getRun(runId))!;
    if (options.step !== undefined && !run.stepKeys.includes(options.step)) throw unknownStep(run, options.step);
    const stepWidth = Math.max(4, ...run.stepKeys.map((key) => key.length));
    for await (const page of eventPages(storage, runId, { stepKey: options.step })) {
      let out = '';
      for (const event of page) {
        if (LEVEL_RANK[levelOf(event)] < min) continue;
        if (options.json) {
          out += `${stringifyJson(event)}\n`;
          continue;
        }
        out += `${formatLogLine(event, stepWidth)}\n`;
        if (event.type === 'STEP_FAILURE' && event.data.error.stack) out += `${style.dim(event.data.error.stack)}\n`;
      }
      await write(out);
    }
    return 0;
  });
}

function unknownStep(run: Run, step: string): WeirError {
  return new WeirError(`run ${run.runId.slice(0, 8)} has no step '${step}'`, {
    code: 'UNKNOWN_STEP', hint: `Its ${plural(run.stepKeys.length, 'step')}: ${run.stepKeys.join(', ') || '(none)'}`,
  });
}

/** Writes and waits while the reader is slower (a pager, a slow pipe), so pages do not pile up in memory. */
function write(text: string): Promise<void> {
  if (!text) return Promise.resolve();
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', resolve);
  });
}
