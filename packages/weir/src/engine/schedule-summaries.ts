/** Each schedule as people look at it (`weir schedules`, GET /api/schedules): definition, state, next and last ticks. */
import type { Definitions } from '../definitions/definitions.js';
import type { CatchupPolicy, ScheduleDefinition, ScheduleOrigin } from '../definitions/schedule.js';
import { nextCronTicks } from '../shared/cron.js';
import { describeCron } from '../shared/describe-cron.js';
import { WeirError } from '../shared/errors.js';
import { didYouMean } from '../shared/suggest.js';
import type { ScheduleTick, Storage } from '../storage/storage.js';

/** Shown, never stored: the stored thing is `paused`. */
export type ScheduleRunState = 'RUNNING' | 'PAUSED';

export interface ScheduleSummary {
  name: string;
  cron: string;
  timezone: string;
  /** True when the schedule names no zone and UTC was taken: say so. */
  timezoneIsDefault: boolean;
  /** The cron in words with its zone: 'At 06:00, on day 1 of the month, Europe/Brussels'. */
  description: string;
  select: string;
  catchup: CatchupPolicy;
  tags: Record<string, string>;
  origin: ScheduleOrigin;
  assetKey?: string;
  state: ScheduleRunState;
  /** The next ticks after now (ms), soonest first; none while paused would be wrong: they are when it would run. */
  nextTicks: number[];
  /** The latest ticks, newest first. */
  lastTicks: ScheduleTick[];
}

/**
 * @example
 * await scheduleSummaries(definitions, storage, Date.parse('2026-02-15T00:00:00Z'))
 * // [{ name: 'monthly_report', cron: '0 6 1 * *', timezone: 'Europe/Brussels', timezoneIsDefault: false,
 * //    description: 'At 06:00, on day 1 of the month, Europe/Brussels', state: 'RUNNING', nextTicks: [1772341200000, …], lastTicks: [] }]
 */
export async function scheduleSummaries(
  definitions: Definitions, storage: Pick<Storage, 'schedules'>, nowMs: number, options: { nextCount?: number; lastCount?: number } = {},
): Promise<ScheduleSummary[]> {
  const schedules = definitions.schedules ?? [];
  if (!schedules.length) return [];
  const project = definitions.project.name;
  const [states, latest] = await Promise.all([storage.schedules.listStates(project), storage.schedules.latestTicks(project, schedules.map((s) => s.name), options.lastCount ?? 5)]);
  const paused = new Set(states.filter((s) => s.paused).map((s) => s.name));
  return schedules.map((s) => ({
    name: s.name, cron: s.cron, timezone: s.timezone, timezoneIsDefault: s.timezoneIsDefault, description: describeCron(s.cron, s.timezone),
    select: [s.select].flat().join(' '), catchup: s.catchup, tags: { ...s.tags }, origin: s.origin, ...(s.assetKey ? { assetKey: s.assetKey } : {}),
    state: paused.has(s.name) ? 'PAUSED' : 'RUNNING',
    nextTicks: nextCronTicks(s.cron, s.timezone, nowMs, options.nextCount ?? 5),
    lastTicks: latest.get(s.name) ?? [],
  }));
}

/**
 * The schedule of that name, or a WeirError listing the known ones.
 *
 * @example
 * findSchedule(definitions, 'monthly_reprot') // throws "no schedule named 'monthly_reprot'. Did you mean 'monthly_report'? (known: …)"
 */
export function findSchedule(definitions: Definitions, name: string): ScheduleDefinition {
  const schedules = definitions.schedules ?? [];
  const found = schedules.find((s) => s.name === name);
  if (found) return found;
  throw new WeirError(`no schedule named '${name}'`, {
    code: 'UNKNOWN_SCHEDULE',
    hint: schedules.length ? didYouMean(name, schedules.map((s) => s.name)) : 'The project declares no schedule: add schedule({ … }) to a definition file or `schedules:` to weir.yaml.',
  });
}
