/** Checks a cron pattern and an IANA time zone as people write them, with errors that say what to write instead. */
import { Cron } from 'croner';
import { closestNames } from '../shared/suggest.js';

/** Every IANA zone this runtime knows, for "did you mean" on a misspelled one. */
function knownTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/**
 * Undefined when the zone is valid, else a sentence naming the closest zones.
 *
 * @example
 * timeZoneProblem('Europe/Brussels')  // undefined
 * timeZoneProblem('Europe/Bruxelles') // "unknown time zone 'Europe/Bruxelles' (did you mean Europe/Brussels?)"
 */
export function timeZoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return undefined;
  } catch {
    const close = closestNames(timezone, knownTimeZones());
    return `unknown time zone '${timezone}'${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}; use an IANA name such as Europe/Brussels or UTC`;
  }
}

/**
 * Undefined when croner accepts the pattern, else its reason with a valid example.
 *
 * @example
 * cronProblem('0 6 * * *') // undefined
 * cronProblem('0 6 * *')   // "cron '0 6 * *' is not valid: … (e.g. '0 6 * * *' is 06:00 every day)"
 */
export function cronProblem(pattern: string): string | undefined {
  try {
    new Cron(pattern, { paused: true });
    return undefined;
  } catch (error) {
    const reason = (error as Error).message.replace(/^CronPattern:\s*/, '');
    return `cron '${pattern}' is not valid: ${reason} (e.g. '0 6 * * *' is 06:00 every day, '0 6 1 * *' 06:00 on day 1 of every month)`;
  }
}

/**
 * The latest tick at or before `atMs`, or undefined when there is none (a pattern that never fired before).
 *
 * @example
 * latestTickAtOrBefore('0 6 * * *', 'Europe/Brussels', Date.parse('2026-03-01T05:00:00Z')) // Date.parse('2026-03-01T05:00:00Z')
 */
export function latestTickAtOrBefore(pattern: string, timezone: string | undefined, atMs: number): number | undefined {
  const cron = new Cron(pattern, { paused: true, ...(timezone ? { timezone } : { timezone: 'UTC' }) });
  // previousRuns is strictly before its reference: one millisecond later includes a tick at exactly atMs.
  const [previous] = cron.previousRuns(1, new Date(atMs + 1));
  return previous?.getTime();
}

/**
 * The first tick strictly after `afterMs`.
 *
 * @example
 * nextTickAfter('0 6 * * *', 'UTC', Date.parse('2026-03-01T06:00:00Z')) // Date.parse('2026-03-02T06:00:00Z')
 */
export function nextTickAfter(pattern: string, timezone: string | undefined, afterMs: number): number | undefined {
  const cron = new Cron(pattern, { paused: true, ...(timezone ? { timezone } : { timezone: 'UTC' }) });
  return cron.nextRun(new Date(afterMs))?.getTime();
}
