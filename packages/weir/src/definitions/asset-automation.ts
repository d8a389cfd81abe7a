/**
 * An asset's `automation` option (declared in schedule.ts) as the automation loops read it: its kind, cron and time
 * zone resolved. `cron` is a schedule of the asset (the schedules loop runs it); 'eager' and `{ onCron }` are the
 * declarative kinds (scheduler/declarative-automation.ts).
 */
import { DEFAULT_SCHEDULE_TIMEZONE, type AutomationOption } from './schedule.js';

interface CronFields { readonly cron: string; readonly timezone: string; readonly timezoneIsDefault: boolean }
export type AutomationPolicy = { readonly kind: 'eager' } | ({ readonly kind: 'on_cron' } & CronFields) | ({ readonly kind: 'cron' } & CronFields);

/**
 * @example
 * automationPolicy('eager') // { kind: 'eager' }
 * automationPolicy({ onCron: '0 6 1 * *', timezone: 'Europe/Brussels' }) // { kind: 'on_cron', cron: '0 6 1 * *', timezone: 'Europe/Brussels', timezoneIsDefault: false }
 */
export function automationPolicy(option: AutomationOption): AutomationPolicy {
  if (option === 'eager') return { kind: 'eager' };
  const zone = { timezone: option.timezone ?? DEFAULT_SCHEDULE_TIMEZONE, timezoneIsDefault: option.timezone === undefined };
  return 'onCron' in option ? { kind: 'on_cron', cron: option.onCron, ...zone } : { kind: 'cron', cron: option.cron, ...zone };
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
