/** The tick of a cron pattern at or before an instant, and the next one after: what freshness and on_cron look back on. */
import { compileCron } from './cron.js';

/**
 * The latest tick at or before `atMs`, or undefined when there is none.
 *
 * @example
 * latestTickAtOrBefore('0 6 * * *', 'Europe/Brussels', Date.parse('2026-03-01T05:00:00Z')) // Date.parse('2026-03-01T05:00:00Z')
 */
export function latestTickAtOrBefore(pattern: string, timezone: string, atMs: number): number | undefined {
  // previousRuns is strictly before its reference: one millisecond later includes a tick at exactly atMs.
  const [previous] = compileCron(pattern, timezone).previousRuns(1, new Date(atMs + 1));
  return previous?.getTime();
}

/**
 * The first tick strictly after `afterMs`.
 *
 * @example
 * nextTickAfter('0 6 * * *', 'UTC', Date.parse('2026-03-01T06:00:00Z')) // Date.parse('2026-03-02T06:00:00Z')
 */
export function nextTickAfter(pattern: string, timezone: string, afterMs: number): number | undefined {
  return compileCron(pattern, timezone).nextRun(new Date(afterMs))?.getTime();
}
