/**
 * `schedule()`: run a selection of assets on a cron pattern in a time zone. Also the `automation` option of an
 * asset, whose `{ cron }` form is a schedule of that one asset. Definitions only: `scheduler/` decides the ticks.
 */
import { z } from 'zod';
import { WeirError, type SourceLocation } from '../shared/errors.js';
import { callerLocation } from '../shared/source-location.js';
import { CRON_EXAMPLE_HINT, cronProblem } from '../shared/cron.js';
import { isTimeZone, timeZoneHint } from '../shared/time-zone.js';
import { closestNames } from '../shared/suggest.js';
import { DEFINITION_BRAND } from './brand.js';
import { resolveRunRetry, RUN_RETRY_SHAPE, runRetrySchema, type RunRetryOptions, type RunRetryPolicy } from './run-retry.js';

/**
 * What to do with the ticks that passed while no Weir process ran: `skip` them all, run only the `latest` (the
 * default), or run `all` of them up to a limit (the latest N).
 */
export type CatchupPolicy = 'skip' | 'latest' | { all: number };

/** The time zone of a schedule that names none: said so in the UI and `weir schedules`, never the server's own. */
export const DEFAULT_SCHEDULE_TIMEZONE = 'UTC';

export const catchupSchema = z.union([
  z.literal('skip'), z.literal('latest'), z.strictObject({ all: z.number().int().min(1).max(10_000) }),
]);

/** `{ cron, timezone?, catchup? }`: a schedule of one asset. */
export interface CronAutomation { cron: string; timezone?: string; catchup?: CatchupPolicy }
/** `{ onCron, timezone? }`: after the tick, once the upstream data of that period is there (declarative, [freshness]). */
export interface OnCronAutomation { onCron: string; timezone?: string }
/** The `automation` option of an asset: 'eager', a schedule of the asset, or declarative on_cron. */
export type AutomationOption = 'eager' | CronAutomation | OnCronAutomation;

export const automationSchema = z.union([
  z.literal('eager'),
  z.strictObject({ cron: z.string(), timezone: z.string().optional(), catchup: catchupSchema.optional() }),
  z.strictObject({ onCron: z.string(), timezone: z.string().optional() }),
]);

/** What `automation` may be, for error messages. */
export const AUTOMATION_SHAPE = "'eager', { cron: '0 6 * * *', timezone?: 'Europe/Brussels', catchup?: 'skip' | 'latest' | { all: N } } or { onCron: '0 6 * * *', timezone? }";

export interface ScheduleOptions {
  /** Unique in the project: letters, digits, _ and -. */
  name: string;
  /** Which assets each tick runs, in the selection syntax of `weir run -s` (e.g. 'tag:monthly', 'orders+'). */
  select: string | string[];
  /** 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or a nickname such as '@daily'. */
  cron: string;
  /** An IANA name such as 'Europe/Brussels'; UTC when unset. */
  timezone?: string;
  catchup?: CatchupPolicy;
  /** Added to every run the schedule starts. */
  tags?: Record<string, string>;
  description?: string;
  /** Run-level retry of the runs it starts, for failed assets with no `runRetry` of their own. */
  runRetry?: RunRetryOptions;
}

/** Where a schedule was declared: `schedule()` in TypeScript, `schedules:` in weir.yaml, or an asset's `automation`. */
export type ScheduleOrigin = 'typescript' | 'yaml' | 'asset';

export interface ScheduleDefinition {
  readonly [DEFINITION_BRAND]: 'schedule';
  readonly name: string;
  readonly select: string | readonly string[];
  readonly cron: string;
  readonly timezone: string;
  /** True when no time zone was written (so UTC was taken): the UI and the CLI say so. */
  readonly timezoneIsDefault: boolean;
  readonly catchup: CatchupPolicy;
  readonly tags: Readonly<Record<string, string>>;
  readonly description?: string;
  /** Resolved `runRetry`: applies to its runs' failed assets that have no policy of their own. */
  readonly runRetry?: RunRetryPolicy;
  readonly origin: ScheduleOrigin;
  /** For a schedule from an asset's `automation: { cron }`: that asset. */
  readonly assetKey?: string;
  readonly location?: SourceLocation;
}

/** Accepted for schedule() and for each item of `schedules:` in weir.yaml (same keys). */
export const scheduleOptionsSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'),
  select: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  cron: z.string(),
  timezone: z.string().optional(),
  catchup: catchupSchema.optional(),
  tags: z.record(z.string(), z.string()).optional(),
  description: z.string().optional(),
  runRetry: runRetrySchema.optional(),
});

/** What each key must be, for error messages. */
const EXPECTED: Record<string, string> = {
  name: 'a name of letters, digits, _ and -',
  select: "a selection such as 'tag:monthly' or 'orders+'",
  cron: "a cron pattern such as '0 6 1 * *'",
  timezone: "an IANA time zone such as 'Europe/Brussels'",
  catchup: "'skip', 'latest' or { all: N }",
  tags: '{ name: value } with text values',
  description: 'text',
  runRetry: RUN_RETRY_SHAPE,
};

/**
 * Checks a cron pattern and its time zone; throws a WeirError naming the field or the closest zones.
 *
 * @example
 * checkCronAndZone('0 25 * * *', 'UTC', "schedule 'nightly'", location)
 * // throws "schedule 'nightly': cron '0 25 * * *' is not valid: field 2 (hour) is '25', … A valid pattern is …"
 */
export function checkCronAndZone(cron: string, timezone: string | undefined, label: string, location?: SourceLocation): void {
  const problem = cronProblem(cron);
  if (problem) throw new WeirError(`${label}: cron '${cron}' is not valid: ${problem}`, { code: 'INVALID_CRON', location, hint: CRON_EXAMPLE_HINT });
  if (timezone !== undefined && !isTimeZone(timezone)) {
    throw new WeirError(`${label}: '${timezone}' is not a time zone`, { code: 'UNKNOWN_TIME_ZONE', location, hint: timeZoneHint(timezone) });
  }
}

/**
 * Shared by every front end (TypeScript, weir.yaml, an asset's automation): validates and freezes a schedule.
 *
 * @example
 * defineSchedule({ name: 'monthly_report', select: 'tag:monthly', cron: '0 6 1 * *' }, { origin: 'yaml' }).timezone // 'UTC'
 */
export function defineSchedule(
  options: ScheduleOptions,
  extra: { origin: ScheduleOrigin; location?: SourceLocation; assetKey?: string; locationOf?: (key: string) => SourceLocation | undefined },
): ScheduleDefinition {
  const { location } = extra;
  const named = typeof (options as { name?: unknown })?.name === 'string' ? `schedule '${options.name}'` : 'schedule()';
  if (extra.origin !== 'asset') {
    const parsed = scheduleOptionsSchema.safeParse(options);
    if (!parsed.success) {
      // An unknown key first: `selct:` is a typo of `select`, not also a missing `select`.
      const issue = parsed.error.issues.find((i) => i.code === 'unrecognized_keys') ?? parsed.error.issues[0]!;
      const unknownKeys = issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys ?? [] : [];
      const close = unknownKeys.length ? closestNames(unknownKeys[0]!, Object.keys(EXPECTED), 1) : [];
      const key = String(issue.path[0] ?? '');
      const summary = unknownKeys.length
        ? `${named}: unknown option${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.map((k) => `'${k}'`).join(', ')}`
        : key && (options as unknown as Record<string, unknown>)[key] === undefined
          ? `${named}: '${key}' is missing (${EXPECTED[key] ?? 'required'})`
          : `${named}: '${issue.path.join('.') || 'options'}' is invalid${EXPECTED[key] ? `: expected ${EXPECTED[key]}` : `: ${issue.message}`}`;
      const key0 = unknownKeys[0] ?? key;
      throw new WeirError(summary, {
        code: 'INVALID_SCHEDULE', location: extra.locationOf?.(key0) ?? location,
        hint: `${close.length ? `Did you mean '${close[0]}'? ` : ''}Allowed options: ${Object.keys(EXPECTED).join(', ')}.`,
      });
    }
  }
  checkCronAndZone(options.cron, undefined, named, extra.locationOf?.('cron') ?? location);
  checkCronAndZone('@daily', options.timezone, named, extra.locationOf?.('timezone') ?? location);
  let runRetry: RunRetryPolicy | undefined;
  try {
    runRetry = options.runRetry && resolveRunRetry(options.runRetry);
  } catch (error) {
    throw new WeirError(`${named}: runRetry is invalid: ${(error as Error).message}`, { code: 'INVALID_SCHEDULE', location: extra.locationOf?.('runRetry') ?? location, hint: `Write it as ${RUN_RETRY_SHAPE}.` });
  }
  const definition: ScheduleDefinition = {
    [DEFINITION_BRAND]: 'schedule',
    name: options.name,
    select: Array.isArray(options.select) ? Object.freeze([...options.select]) : options.select,
    cron: options.cron.trim(),
    timezone: options.timezone ?? DEFAULT_SCHEDULE_TIMEZONE,
    timezoneIsDefault: options.timezone === undefined,
    catchup: options.catchup ?? 'latest',
    tags: Object.freeze({ ...(options.tags ?? {}) }),
    ...(options.description ? { description: options.description } : {}),
    ...(runRetry ? { runRetry } : {}),
    origin: extra.origin,
    ...(extra.assetKey ? { assetKey: extra.assetKey } : {}),
    ...(location ? { location } : {}),
  };
  return Object.freeze(definition);
}

/**
 * Declares a schedule: every tick of `cron` in `timezone` starts a run of the selection.
 *
 * @example
 * export const monthly = schedule({
 *   name: 'monthly_report', select: 'tag:monthly', cron: '0 6 1 * *', timezone: 'Europe/Brussels', tags: { team: 'shop' },
 * }); // 06:00 Brussels time on day 1 of every month, whatever the server's zone, summer or winter
 */
export function schedule(options: ScheduleOptions): ScheduleDefinition {
  return defineSchedule(options, { origin: 'typescript', location: callerLocation() });
}

/** The prefix of a schedule made from an asset's `automation: { cron }`: `asset:revenue`. */
export const ASSET_SCHEDULE_PREFIX = 'asset:';

/**
 * The schedule of an asset whose automation is `{ cron }`; undefined for the other forms.
 *
 * @example
 * assetSchedule({ key: 'revenue', automation: { cron: '0 6 * * *' } })?.name // 'asset:revenue' (select 'key:revenue')
 */
export function assetSchedule(asset: { key: string; automation?: AutomationOption; location?: SourceLocation }): ScheduleDefinition | undefined {
  const automation = asset.automation;
  if (!automation || typeof automation !== 'object' || !('cron' in automation)) return undefined;
  return defineSchedule(
    { name: `${ASSET_SCHEDULE_PREFIX}${asset.key}`, select: `key:${asset.key}`, cron: automation.cron, timezone: automation.timezone, catchup: automation.catchup },
    { origin: 'asset', assetKey: asset.key, location: asset.location },
  );
}
