/** Wall-clock time in an IANA time zone, from the runtime's Intl data alone: offsets, local fields, DST gaps. */
import { WeirError, type SourceLocation } from '../shared/errors.js';
import { closestNames } from '../shared/suggest.js';

/** A wall-clock time in some zone (month 1-12). */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Checks an IANA zone name and returns it; throws a WeirError suggesting the closest names.
 *
 * @example
 * checkTimeZone('Europe/Brussels', 'timePartitions()') // 'Europe/Brussels'
 * checkTimeZone('Europe/Brusels', 'timePartitions()')  // throws "… unknown time zone 'Europe/Brusels'. Did you mean 'Europe/Brussels'?"
 */
export function checkTimeZone(timeZone: string, where: string, location?: SourceLocation): string {
  try {
    formatter(timeZone);
    return timeZone;
  } catch {
    const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    const close = closestNames(timeZone, known);
    throw new WeirError(`${where}: unknown time zone '${timeZone}'`, {
      code: 'UNKNOWN_TIME_ZONE', location,
      hint: close.length ? `Did you mean ${close.map((n) => `'${n}'`).join(' or ')}?` : "Use an IANA name such as 'Europe/Brussels', 'America/New_York' or 'UTC'.",
    });
  }
}

/** The wall-clock fields of an instant in a zone, and the zone's offset from UTC there in minutes (+120 for CEST). */
export function localTimeAt(ms: number, timeZone: string): LocalTime & { offsetMinutes: number } {
  const parts = formatter(timeZone).formatToParts(ms);
  const field = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const local = { year: field('year'), month: field('month'), day: field('day'), hour: field('hour'), minute: field('minute') };
  const second = field('second');
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, second);
  return { ...local, offsetMinutes: Math.round((asUtc - wholeSecond) / MINUTE_MS) };
}

function offsetAt(ms: number, timeZone: string): number {
  return localTimeAt(ms, timeZone).offsetMinutes;
}

/**
 * The instant a wall-clock time happens in a zone. In a fall-back overlap (the time happens twice) the earlier
 * instant; in a spring-forward gap (it never happens) the first instant after the gap, so a day or month that starts
 * in a gap starts when its first real minute does.
 *
 * @example
 * new Date(instantOfLocal({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Brussels')).toISOString()
 * // '2026-03-29T01:00:00.000Z' (02:30 does not exist; 03:00 CEST is the first minute after the gap)
 */
export function instantOfLocal(local: LocalTime, timeZone: string): number {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // A zone changes its offset at most once within a day either side in practice: those two offsets are the candidates.
  const before = offsetAt(asUtc - DAY_MS, timeZone);
  const after = offsetAt(asUtc + DAY_MS, timeZone);
  const valid = [...new Set([before, after])]
    .map((offset) => asUtc - offset * MINUTE_MS)
    .filter((ms) => offsetAt(ms, timeZone) === Math.round((asUtc - ms) / MINUTE_MS));
  if (valid.length) return Math.min(...valid);
  // In the gap: search the transition between the instant read with the old offset and the one read with the new.
  let lo = asUtc - Math.max(before, after) * MINUTE_MS;
  let hi = asUtc - Math.min(before, after) * MINUTE_MS;
  const oldOffset = offsetAt(lo, timeZone);
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (offsetAt(mid, timeZone) === oldOffset) lo = mid; else hi = mid;
  }
  return hi;
}

/** Days since 1970-01-01 of a calendar date (no zone: a date is a date). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** The calendar date of a day number. */
export function dateOfDayNumber(n: number): { year: number; month: number; day: number } {
  const d = new Date(n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * A UTC offset in minutes as ±HH:MM.
 *
 * @example
 * formatOffset(120) // '+02:00'
 * formatOffset(-300) // '-05:00'
 */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
