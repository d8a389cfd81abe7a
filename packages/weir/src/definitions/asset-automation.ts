/**
 * An asset's `automation` option: 'eager' (materialize when an upstream has new data), `{ onCron, timezone }` (after
 * each tick, once the upstream data of that period is there), or `{ cron, timezone, catchup }` (a schedule of one asset).
 */
// merge: the `schedules` branch declares this option too (type, zod schema with the three forms, and the cron form's
// schedule); keep one declaration: theirs for the `cron` form, these for 'eager' and `onCron`.
import { z } from 'zod';
import { cronProblem, timeZoneProblem } from './cron-pattern.js';

export type AutomationOption =
  | 'eager'
  | { cron: string; timezone?: string; catchup?: 'skip' | 'latest' | { all: number } }
  | { onCron: string; timezone?: string };

/** Resolved. `cron` is a schedule of one asset (the schedules loop runs it); the other two are declarative. */
export type AutomationPolicy =
  | { readonly kind: 'eager' }
  | { readonly kind: 'on_cron'; readonly cron: string; readonly timezone: string; readonly timezoneIsDefault: boolean }
  | { readonly kind: 'cron'; readonly cron: string; readonly timezone: string; readonly timezoneIsDefault: boolean; readonly catchup: 'skip' | 'latest' | { all: number } };

export const automationOptionSchema = z.union([
  z.literal('eager'),
  z.strictObject({ onCron: z.string().min(1), timezone: z.string().min(1).optional() }),
  z.strictObject({
    cron: z.string().min(1), timezone: z.string().min(1).optional(),
    catchup: z.union([z.literal('skip'), z.literal('latest'), z.strictObject({ all: z.number().int().positive() })]).optional(),
  }),
]);

export const AUTOMATION_SHAPE = "'eager', { onCron: '0 6 * * *', timezone: 'Europe/Brussels' } or { cron: '0 6 * * *', timezone: 'Europe/Brussels' }";

/**
 * Validates and resolves the option; throws an Error saying what is wrong (the caller adds the asset).
 *
 * @example
 * resolveAutomation('eager') // { kind: 'eager' }
 * resolveAutomation({ onCron: '0 6 1 * *', timezone: 'Europe/Brussels' }) // { kind: 'on_cron', cron: '0 6 1 * *', timezone: 'Europe/Brussels', timezoneIsDefault: false }
 */
export function resolveAutomation(option: AutomationOption): AutomationPolicy {
  if (option === 'eager') return Object.freeze({ kind: 'eager' });
  const cron = 'onCron' in option ? option.onCron : option.cron;
  const problem = cronProblem(cron) ?? (option.timezone ? timeZoneProblem(option.timezone) : undefined);
  if (problem) throw new Error(`automation: ${problem}`);
  const timezone = option.timezone ?? 'UTC';
  const timezoneIsDefault = option.timezone === undefined;
  if ('onCron' in option) return Object.freeze({ kind: 'on_cron', cron, timezone, timezoneIsDefault });
  return Object.freeze({ kind: 'cron', cron, timezone, timezoneIsDefault, catchup: option.catchup ?? 'latest' });
}

/**
 * The policy in words.
 *
 * @example
 * describeAutomation({ kind: 'eager' }) // 'eager: materialized when an upstream asset has new data'
 */
export function describeAutomation(policy: AutomationPolicy): string {
  switch (policy.kind) {
    case 'eager': return 'eager: materialized when an upstream asset has new data';
    case 'on_cron': return `on cron '${policy.cron}' (${policy.timezone}): after each tick, once every upstream asset has new data since the tick`;
    case 'cron': return `scheduled '${policy.cron}' (${policy.timezone})`;
  }
}
