/** An asset's freshness policy: how old its data may be (`{ maxLag }`), or by when after each cron tick it is due. */
import { z } from 'zod';
import { parseDuration } from '../shared/duration.js';
import { cronProblem } from '../shared/cron.js';
import { isTimeZone, timeZoneHint } from '../shared/time-zone.js';
import { DEFAULT_SCHEDULE_TIMEZONE } from './schedule.js';

/** As written in `asset({ freshness })`. */
export type FreshnessOption =
  | { maxLag: string | number }
  | { cron: string; timezone?: string; deadline: string | number };

/** Resolved: durations in milliseconds. */
export type FreshnessPolicy =
  | { readonly kind: 'max_lag'; readonly maxLagMs: number; readonly maxLag: string }
  | { readonly kind: 'cron'; readonly cron: string; readonly timezone: string; readonly timezoneIsDefault: boolean; readonly deadlineMs: number; readonly deadline: string };

const duration = z.union([z.string().min(1), z.number().nonnegative()]);
export const freshnessOptionSchema = z.union([
  z.strictObject({ maxLag: duration }),
  z.strictObject({ cron: z.string().min(1), timezone: z.string().min(1).optional(), deadline: duration }),
]);

export const FRESHNESS_SHAPE = "{ maxLag: '26h' } or { cron: '0 6 * * *', timezone: 'Europe/Brussels', deadline: '2h' }";

const asText = (value: string | number): string => (typeof value === 'number' ? `${value}ms` : value);

function durationOf(name: string, value: string | number): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new Error(`freshness.${name}: ${(error as Error).message}`);
  }
}

/**
 * Validates and resolves the option; throws an Error whose message says what is wrong (the caller adds the asset).
 *
 * @example
 * resolveFreshness({ maxLag: '26h' }) // { kind: 'max_lag', maxLagMs: 93600000, maxLag: '26h' }
 * resolveFreshness({ cron: '0 6 * * *', deadline: '2h' }) // { kind: 'cron', cron: '0 6 * * *', timezone: 'UTC', timezoneIsDefault: true, deadlineMs: 7200000, … }
 */
export function resolveFreshness(option: FreshnessOption): FreshnessPolicy {
  if ('maxLag' in option) {
    const maxLagMs = durationOf('maxLag', option.maxLag);
    if (maxLagMs <= 0) throw new Error(`freshness.maxLag must be longer than zero, got '${asText(option.maxLag)}'`);
    return Object.freeze({ kind: 'max_lag', maxLagMs, maxLag: asText(option.maxLag) });
  }
  const problem = cronProblem(option.cron);
  if (problem) throw new Error(`freshness: cron '${option.cron}' is not valid: ${problem} (e.g. '0 6 * * *' is 06:00 every day)`);
  if (option.timezone !== undefined && !isTimeZone(option.timezone)) throw new Error(`freshness: '${option.timezone}' is not a time zone. ${timeZoneHint(option.timezone)}`);
  const deadlineMs = durationOf('deadline', option.deadline);
  return Object.freeze({
    kind: 'cron', cron: option.cron, timezone: option.timezone ?? DEFAULT_SCHEDULE_TIMEZONE, timezoneIsDefault: option.timezone === undefined,
    deadlineMs, deadline: asText(option.deadline),
  });
}

/**
 * The policy in words, for the UI, the CLI and alert messages.
 *
 * @example
 * describeFreshness({ kind: 'max_lag', maxLag: '26h', maxLagMs: 93600000 }) // 'materialized at most 26h ago'
 * describeFreshness(cronPolicy) // "materialized within 2h after each tick of '0 6 * * *' (Europe/Brussels)"
 */
export function describeFreshness(policy: FreshnessPolicy): string {
  if (policy.kind === 'max_lag') return `materialized at most ${policy.maxLag} ago`;
  return `materialized within ${policy.deadline} after each tick of '${policy.cron}' (${policy.timezone}${policy.timezoneIsDefault ? ', the default' : ''})`;
}
