/** `weir schedules`, `weir schedule pause|resume NAME` and `weir schedule ticks NAME`: schedules, their switch and their ticks. */
import { formatInZone } from '../../shared/zoned-time.js';
import { nextCronTicks } from '../../shared/cron.js';
import { stringifyJson } from '../../shared/json.js';
import { plural } from '../../shared/plural.js';
import { loadProject } from '../../loaders/index.js';
import { findSchedule, scheduleSummaries, type ScheduleSummary } from '../../engine/schedule-summaries.js';
import type { ScheduleTick, ScheduleTickStatus } from '../../storage/storage.js';
import { openProjectMetadata } from '../local-instance.js';
import { statusText, style, type DisplayStatus } from '../output/style.js';
import { renderTable } from '../output/table.js';

const TICK_DISPLAY: Record<ScheduleTickStatus, DisplayStatus> = { LAUNCHING: 'running', SUBMITTED: 'succeeded', SKIPPED: 'skipped', FAILED: 'failed' };

async function withSchedules<T>(projectDir: string, fn: (context: Awaited<ReturnType<typeof open>>) => Promise<T>): Promise<T> {
  const context = await open(projectDir);
  try {
    return await fn(context);
  } finally {
    await context.storage.close();
  }
}

async function open(projectDir: string) {
  // The definitions say which schedules exist (TypeScript, weir.yaml, assets); the metadata says their state.
  const { definitions } = await loadProject(projectDir);
  const storage = await openProjectMetadata(definitions.project.metadataPath);
  return { definitions, storage };
}

function zoneText(s: Pick<ScheduleSummary, 'timezone' | 'timezoneIsDefault'>): string {
  return s.timezoneIsDefault ? style.dim('(UTC, default)') : s.timezone;
}

function tickText(tick: ScheduleTick | undefined, timezone: string): [string, string] {
  if (!tick) return [style.dim('none yet'), ''];
  const detail = tick.runId ? `run ${tick.runId.slice(0, 8)}` : tick.reason ?? '';
  return [formatInZone(tick.tickAt, timezone), `${statusText(TICK_DISPLAY[tick.status], tick.status)}${detail ? ` ${style.dim(detail)}` : ''}`];
}

/** As JSON: times as ISO strings. */
function summaryJson(s: ScheduleSummary) {
  return {
    ...s, nextTicks: s.nextTicks.map((t) => new Date(t).toISOString()),
    lastTicks: s.lastTicks.map((t) => ({ tickAt: new Date(t.tickAt).toISOString(), status: t.status, source: t.source, runId: t.runId, reason: t.reason, decidedAt: new Date(t.decidedAt).toISOString() })),
  };
}

export async function schedulesCommand(options: { project: string; json?: boolean }): Promise<number> {
  return withSchedules(options.project, async ({ definitions, storage }) => {
    const summaries = await scheduleSummaries(definitions, storage, Date.now(), { lastCount: 1 });
    if (options.json) {
      process.stdout.write(`${stringifyJson(summaries.map(summaryJson))}\n`);
      return 0;
    }
    if (!summaries.length) {
      process.stdout.write("No schedules. Declare one with schedule({ name, select, cron, timezone }) in a definition file, `schedules:` in weir.yaml, or an asset's automation: { cron }.\n");
      return 0;
    }
    const out = [renderTable(['schedule', 'state', 'cron', 'time zone', 'selection', 'last tick', 'result'], summaries.map((s) => [
      s.name, s.state === 'PAUSED' ? statusText('skipped', 'PAUSED') : statusText('running', 'RUNNING'), s.cron, zoneText(s), s.select,
      ...tickText(s.lastTicks[0], s.timezone),
    ]))];
    for (const s of summaries) {
      out.push('', `${style.bold(s.name)}  ${s.description}${s.timezoneIsDefault ? style.dim(' (no time zone set: UTC)') : ''}`);
      out.push(`  next: ${s.nextTicks.map((t) => formatInZone(t, s.timezone)).join(', ')}${s.state === 'PAUSED' ? style.dim(' (paused: these will not run until resumed)') : ''}`);
    }
    out.push('', style.dim(`${plural(summaries.length, 'schedule')}; pause one with \`weir schedule pause NAME\`.`));
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  });
}

export async function schedulePauseCommand(options: { project: string; name: string; paused: boolean; json?: boolean }): Promise<number> {
  return withSchedules(options.project, async ({ definitions, storage }) => {
    const schedule = findSchedule(definitions, options.name);
    const before = await storage.schedules.getState(definitions.project.name, schedule.name);
    const state = await storage.schedules.setPaused(definitions.project.name, schedule.name, options.paused, Date.now());
    if (options.json) {
      process.stdout.write(`${stringifyJson({ name: schedule.name, state: state.paused ? 'PAUSED' : 'RUNNING', changed: (before?.paused ?? false) !== state.paused })}\n`);
      return 0;
    }
    const word = options.paused ? 'paused' : 'resumed';
    const unchanged = (before?.paused ?? false) === options.paused ? style.dim(` (it was already ${options.paused ? 'paused' : 'running'})`) : '';
    const next = options.paused ? 'its ticks do not start runs until `weir schedule resume`' : 'it runs from its next tick; ticks that passed while paused are not caught up';
    process.stdout.write(`${statusText(options.paused ? 'skipped' : 'succeeded', word)}  schedule ${style.bold(schedule.name)}${unchanged}: ${next}. ${style.dim('A running `weir dev` or `weir serve` applies it at its next pass.')}\n`);
    return 0;
  });
}

export async function scheduleTicksCommand(options: { project: string; name: string; limit?: number; json?: boolean }): Promise<number> {
  return withSchedules(options.project, async ({ definitions, storage }) => {
    const schedule = findSchedule(definitions, options.name);
    const ticks = await storage.schedules.listTicks(definitions.project.name, { schedule: schedule.name, limit: options.limit ?? 20 });
    if (options.json) {
      process.stdout.write(`${stringifyJson(ticks.map((t) => ({ tickAt: new Date(t.tickAt).toISOString(), status: t.status, source: t.source, runId: t.runId, reason: t.reason, decidedAt: new Date(t.decidedAt).toISOString() })))}\n`);
      return 0;
    }
    if (!ticks.length) {
      process.stdout.write(`No ticks of ${schedule.name} yet: its first is due ${nextTickText(schedule)}.\n`);
      return 0;
    }
    process.stdout.write(`${renderTable(['tick', 'result', 'run', 'why', 'decided'], ticks.map((t) => [
      formatInZone(t.tickAt, schedule.timezone), `${statusText(TICK_DISPLAY[t.status], t.status)}${t.source === 'RUN_NOW' ? style.dim(' (run now)') : ''}`,
      t.runId ? t.runId.slice(0, 8) : '', t.reason ?? '', formatInZone(t.decidedAt, schedule.timezone),
    ]))}\n`);
    return 0;
  });
}

function nextTickText(schedule: { cron: string; timezone: string }): string {
  const [next] = nextCronTicks(schedule.cron, schedule.timezone, Date.now(), 1);
  return next === undefined ? 'never' : formatInZone(next, schedule.timezone);
}
