/** The home page's runs-per-day chart as data: the day window for a clock, and counts filled in for every day. */
import type { RunCountByDay } from '../storage/storage.js';
import { RUN_STATUSES, type Overview } from './api-schemas.js';

const DAY_MS = 86_400_000;

/**
 * The first instant of the window of `days` calendar days ending today (at `utcOffsetMinutes` east of UTC).
 *
 * @example
 * dayWindowStart({ days: 1, utcOffsetMinutes: 0, nowMs: Date.parse('2024-05-03T15:00:00Z') }) // Date.parse('2024-05-03T00:00:00Z')
 * dayWindowStart({ days: 3, utcOffsetMinutes: 120, nowMs: Date.parse('2024-05-03T23:30:00Z') }) // Date.parse('2024-05-01T22:00:00Z')
 */
export function dayWindowStart(options: { days: number; utcOffsetMinutes: number; nowMs: number }): number {
  const offsetMs = options.utcOffsetMinutes * 60_000;
  const today = Math.floor((options.nowMs + offsetMs) / DAY_MS);
  return (today - (options.days - 1)) * DAY_MS - offsetMs;
}

/**
 * One entry per day of the window, oldest first, with a count for every status (zeros included).
 *
 * @example
 * runsPerDay([{ day: '2024-05-03', status: 'FAILURE', count: 2 }], { days: 2, utcOffsetMinutes: 0, nowMs: Date.parse('2024-05-03T12:00:00Z') })
 * // [{ day: '2024-05-02', total: 0, byStatus: { QUEUED: 0, …, FAILURE: 0, … } },
 * //  { day: '2024-05-03', total: 2, byStatus: { …, FAILURE: 2, … } }]
 */
export function runsPerDay(counts: readonly RunCountByDay[], options: { days: number; utcOffsetMinutes: number; nowMs: number }): Overview['runsPerDay'] {
  const offsetMs = options.utcOffsetMinutes * 60_000;
  const start = dayWindowStart(options) + offsetMs;
  const days: Overview['runsPerDay'] = [];
  const byDay = new Map<string, Overview['runsPerDay'][number]>();
  for (let i = 0; i < options.days; i++) {
    const day = new Date(start + i * DAY_MS).toISOString().slice(0, 10);
    const entry = { day, total: 0, byStatus: Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Overview['runsPerDay'][number]['byStatus'] };
    days.push(entry);
    byDay.set(day, entry);
  }
  for (const { day, status, count } of counts) {
    const entry = byDay.get(day);
    if (!entry) continue;
    entry.byStatus[status] += count;
    entry.total += count;
  }
  return days;
}
