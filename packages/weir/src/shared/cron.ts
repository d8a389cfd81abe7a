/**
 * Cron patterns, parsed by croner only (DEPENDENCIES.md: another cron library places DST ticks differently), and
 * what is wrong with a malformed one, field by field.
 */
import { Cron } from 'croner';
import { closestNames } from './suggest.js';

/** The nicknames croner understands, as people write them. */
export const CRON_NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly'] as const;

const FIELDS_5 = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
const FIELDS_6 = ['second', ...FIELDS_5] as const;
const FIELD_RANGES: Record<string, string> = {
  second: '0-59', minute: '0-59', hour: '0-23', 'day of month': '1-31 or L', month: '1-12 or JAN-DEC', 'day of week': '0-7 or SUN-SAT',
};

/** One compiled pattern per (pattern, zone): croner's parse costs as much as a dozen next-tick computations. */
const compiled = new Map<string, Cron>();
const COMPILED_MAX = 10_000;

/**
 * A croner job that never runs by itself (paused): only asked for ticks. Throws on a malformed pattern or zone;
 * validate first with `cronProblem`.
 *
 * @example
 * compileCron('0 6 1 * *', 'Europe/Brussels').nextRun(new Date('2026-02-15T00:00:00Z')) // 2026-03-01T05:00:00.000Z
 */
export function compileCron(pattern: string, timezone: string): Cron {
  const key = `${timezone}\u0000${pattern}`;
  let cron = compiled.get(key);
  if (!cron) {
    if (compiled.size >= COMPILED_MAX) compiled.clear();
    cron = new Cron(pattern, { timezone, paused: true, mode: '5-or-6-parts' });
    compiled.set(key, cron);
  }
  return cron;
}

/**
 * What is wrong with a cron pattern, in words that name the field, or undefined when it is valid.
 *
 * @example
 * cronProblem('0 25 * * *') // "field 2 (hour) is '25', which is not a valid hour (0-23)"
 * cronProblem('@dialy')     // "'@dialy' is not a cron nickname. Did you mean '@daily'?"
 * cronProblem('0 6 1 * *')  // undefined
 */
export function cronProblem(pattern: string): string | undefined {
  const text = pattern.trim();
  if (!text) return 'the pattern is empty';
  if (text.startsWith('@')) {
    if ((CRON_NICKNAMES as readonly string[]).includes(text.toLowerCase())) return undefined;
    const close = closestNames(text.toLowerCase(), CRON_NICKNAMES, 1);
    return `'${text}' is not a cron nickname.${close.length ? ` Did you mean '${close[0]}'?` : ''} (known: ${CRON_NICKNAMES.join(', ')})`;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    return `it has ${parts.length} field${parts.length === 1 ? '' : 's'}; a cron pattern has 5 (minute hour day-of-month month day-of-week) or 6 (with seconds first)`;
  }
  const names = parts.length === 5 ? FIELDS_5 : FIELDS_6;
  // Each field alone, the others '*': finds the field at fault whatever croner's own message says.
  for (const [index, part] of parts.entries()) {
    const probe = parts.map((p, i) => (i === index ? p : '*')).join(' ');
    if (!parses(probe)) return `field ${index + 1} (${names[index]}) is '${part}', which is not a valid ${names[index]} (${FIELD_RANGES[names[index]!]})`;
  }
  if (!parses(text)) return 'the fields do not make a valid pattern together';
  // '0 6 31 2 *' parses but names no real day: a schedule that would never tick.
  if (new Cron(text, { paused: true, mode: '5-or-6-parts', timezone: 'UTC' }).nextRun(new Date(0)) === null) return 'it matches no date (e.g. day 31 of a 30-day month)';
  return undefined;
}

function parses(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true, mode: '5-or-6-parts' });
    return true;
  } catch {
    return false;
  }
}

/** Shown after a cron error: what a valid one looks like. */
export const CRON_EXAMPLE_HINT =
  "A valid pattern is 5 fields 'minute hour day-of-month month day-of-week', e.g. '0 6 1 * *' (06:00 on day 1 of every month), '*/15 * * * *' (every 15 minutes), or a nickname such as '@daily'.";

/**
 * The next `count` ticks after `afterMs` (exclusive), as instants.
 *
 * @example
 * nextCronTicks('0 6 1 * *', 'Europe/Brussels', Date.parse('2026-02-15T00:00:00Z'), 2) // [Date.parse('2026-03-01T05:00:00Z'), Date.parse('2026-04-01T04:00:00Z')]
 */
export function nextCronTicks(pattern: string, timezone: string, afterMs: number, count: number): number[] {
  return compileCron(pattern, timezone).nextRuns(count, new Date(afterMs)).map((d) => d.getTime());
}
