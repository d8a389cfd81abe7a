/**
 * Sensors and webhook triggers as definitions: `sensor()` (custom, in TypeScript), the built-in kinds `fileSensor()`,
 * `sqlSensor()`, `assetSensor()`, `runStatusSensor()`, and `webhook()`. Data only: the scheduler evaluates them.
 */
import { WeirError, type SourceLocation } from '../shared/errors.js';
import { parseDuration } from '../shared/duration.js';
import { callerLocation } from '../shared/source-location.js';
import { DEFINITION_BRAND } from './brand.js';
import type { Logger } from './asset-context.js';

/** Stored strings (sensor type in the metadata and the API): never renamed. */
export const SENSOR_TYPES = ['custom', 'files', 'sql', 'asset', 'run_status'] as const;
export type SensorType = (typeof SENSOR_TYPES)[number];

/** Run statuses a run-status sensor may wait for (the RunStatus strings of a finished run). */
export const SENSOR_RUN_STATUSES = ['SUCCESS', 'FAILURE', 'CANCELED'] as const;
export type SensorRunStatus = (typeof SENSOR_RUN_STATUSES)[number];

/** Between two evaluations of a sensor when its declaration says nothing. */
export const DEFAULT_SENSOR_INTERVAL = '30s';
/** Below this, a sensor would spend its life evaluating: refused at load. */
export const MIN_SENSOR_INTERVAL_MS = 1000;

/** One run a sensor asks for: the sensor's selection unless `select` says otherwise. */
export interface RunRequest {
  /** Added to the run's tags (besides `weir/sensor`). */
  tags?: Record<string, string>;
  /** What the run gets as `ctx.trigger.payload` (JSON-safe). */
  payload?: unknown;
  /** Overrides the sensor's `select` for this run. */
  select?: string;
}

/** What a custom sensor's `evaluate` returns. */
export interface SensorResult {
  runRequests?: RunRequest[];
  /** Stored durably and handed back as `ctx.cursor` at the next evaluation; unchanged when absent. */
  cursor?: string;
  /** Why nothing was requested, shown in the evaluation history. */
  skipReason?: string;
}

/** What a custom sensor's `evaluate` receives. */
export interface SensorContext {
  sensorName: string;
  /** The cursor the previous evaluation returned; undefined the first time. */
  cursor: string | undefined;
  /** The evaluation's time (ms since the epoch), from the scheduler's clock. */
  nowMs: number;
  /** When the previous evaluation started; undefined the first time. */
  lastEvaluatedAt: number | undefined;
  /** Absolute path of the project folder. */
  projectRoot: string;
  settings: Readonly<Record<string, string | number | boolean>>;
  log: Logger;
  /** Aborted when the hosting process stops. */
  signal: AbortSignal;
}

interface SensorBase {
  readonly [DEFINITION_BRAND]: 'sensor';
  readonly name: string;
  readonly type: SensorType;
  /** As written ('30s'), for display. */
  readonly interval: string;
  readonly intervalMs: number;
  /** Selection of the runs it requests (`weir run -s` syntax); all assets when absent. */
  readonly select?: string;
  readonly description?: string;
  readonly location?: SourceLocation;
}

export interface CustomSensorDefinition extends SensorBase {
  readonly type: 'custom';
  readonly evaluate: (ctx: SensorContext) => Promise<SensorResult> | SensorResult;
}
export interface FileSensorDefinition extends SensorBase { readonly type: 'files'; readonly path: string }
export interface SqlSensorDefinition extends SensorBase { readonly type: 'sql'; readonly query: string }
export interface AssetSensorDefinition extends SensorBase { readonly type: 'asset'; readonly asset: string }
export interface RunStatusSensorDefinition extends SensorBase { readonly type: 'run_status'; readonly status: SensorRunStatus }

export type SensorDefinition = CustomSensorDefinition | FileSensorDefinition | SqlSensorDefinition | AssetSensorDefinition | RunStatusSensorDefinition;

export interface WebhookDefinition {
  readonly [DEFINITION_BRAND]: 'webhook';
  readonly name: string;
  readonly select?: string;
  /** Name of the secret setting holding the HMAC key. */
  readonly secret: string;
  readonly description?: string;
  readonly location?: SourceLocation;
}

interface CommonOptions {
  name: string;
  /** '30s', '5m', … (default 30s, at least 1s). */
  interval?: string;
  select?: string;
  description?: string;
}

const NAME = /^[A-Za-z0-9_-]+$/;

function checkedBase(what: string, options: CommonOptions, type: SensorType, location: SourceLocation | undefined): Omit<SensorBase, typeof DEFINITION_BRAND> {
  if (!options || typeof options !== 'object') {
    throw new WeirError(`${what}() takes one options object`, { code: 'INVALID_SENSOR', location, hint: `Write ${what}({ name: 'my_sensor', … }).` });
  }
  if (typeof options.name !== 'string' || !NAME.test(options.name)) {
    throw new WeirError(`${what}() name ${JSON.stringify(options.name)} is not valid`, { code: 'INVALID_SENSOR', location, hint: 'Use letters, digits, _ and - only, e.g. new_exports.' });
  }
  const interval = options.interval ?? DEFAULT_SENSOR_INTERVAL;
  const intervalMs = sensorIntervalMs(interval, `sensor '${options.name}'`, location);
  if (options.select !== undefined && (typeof options.select !== 'string' || !options.select.trim())) {
    throw new WeirError(`sensor '${options.name}': select must be a selection such as 'orders+'`, { code: 'INVALID_SENSOR', location, hint: 'Leave select out to run every asset.' });
  }
  return {
    name: options.name, type, interval, intervalMs, location,
    ...(options.select !== undefined ? { select: options.select.trim() } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
  };
}

/**
 * An interval as written, in milliseconds; a WeirError naming the sensor when it is not a duration of 1s or more.
 *
 * @example
 * sensorIntervalMs('5m', "sensor 'erp_changed'") // 300000
 * sensorIntervalMs('5 minutes', "sensor 'erp_changed'") // WeirError: sensor 'erp_changed': interval '5 minutes' is not a duration; …
 */
export function sensorIntervalMs(interval: unknown, where: string, location?: SourceLocation): number {
  let ms: number;
  try {
    if (typeof interval !== 'string') throw new Error(`${JSON.stringify(interval)} is not a duration; write e.g. 30s, 5m, 1h`);
    ms = parseDuration(interval);
  } catch (error) {
    throw new WeirError(`${where}: interval ${(error as Error).message}`, { code: 'INVALID_SENSOR_INTERVAL', location, hint: "Write the interval as a duration: '30s', '5m', '1h'." });
  }
  if (ms < MIN_SENSOR_INTERVAL_MS) {
    throw new WeirError(`${where}: interval '${interval}' is shorter than 1s`, { code: 'INVALID_SENSOR_INTERVAL', location, hint: "Use at least '1s'; a sensor that must react at once is better a webhook." });
  }
  return ms;
}

function branded<T extends SensorDefinition>(definition: Omit<T, typeof DEFINITION_BRAND>): T {
  return Object.freeze({ [DEFINITION_BRAND]: 'sensor' as const, ...definition }) as unknown as T;
}

function requiredText(value: unknown, sensor: string, key: string, example: string, location: SourceLocation | undefined): string {
  if (typeof value !== 'string' || !value.trim()) {
    throw new WeirError(`sensor '${sensor}' has no ${key}`, { code: 'INVALID_SENSOR', location, hint: `Set ${key}, e.g. ${example}.` });
  }
  return value.trim();
}

/**
 * A sensor in TypeScript: `evaluate` looks at the world and returns the runs to start and a cursor kept for next time.
 *
 * @example
 * export const orders = sensor({ name: 'new_orders', interval: '1m', select: 'orders+', evaluate: async (ctx) => {
 *   const latest = await api.latestOrderId();
 *   return latest === ctx.cursor ? { skipReason: 'no new order' } : { runRequests: [{ payload: { latest } }], cursor: latest };
 * } });
 */
export function sensor(options: CommonOptions & { evaluate: CustomSensorDefinition['evaluate'] }): CustomSensorDefinition {
  const location = callerLocation();
  const base = checkedBase('sensor', options, 'custom', location);
  if (typeof options.evaluate !== 'function') {
    throw new WeirError(`sensor '${options.name}' has no evaluate function`, { code: 'INVALID_SENSOR', location, hint: 'Add evaluate: async (ctx) => ({ runRequests: [...], cursor }).' });
  }
  return branded<CustomSensorDefinition>({ ...base, type: 'custom', evaluate: options.evaluate });
}

/**
 * New or changed files matching a glob in the project folder: one run for the files found in an evaluation, with
 * their paths in `ctx.trigger.payload.paths`. A file (path, size, modification time) is processed once, across restarts.
 *
 * @example
 * export const exports = fileSensor({ name: 'new_exports', path: 'inbox/*.xlsx', select: 'orders+', interval: '30s' });
 */
export function fileSensor(options: CommonOptions & { path: string }): FileSensorDefinition {
  const location = callerLocation();
  const base = checkedBase('fileSensor', options, 'files', location);
  return branded<FileSensorDefinition>({ ...base, type: 'files', path: requiredText(options.path, options.name, 'path', "path: 'inbox/*.xlsx'", location) });
}

/**
 * A query on the warehouse whose result changed since the last evaluation (the first evaluation records it).
 *
 * @example
 * export const erp = sqlSensor({ name: 'erp_changed', query: 'select max(updated_at) from erp.orders', select: 'orders+', interval: '5m' });
 */
export function sqlSensor(options: CommonOptions & { query: string }): SqlSensorDefinition {
  const location = callerLocation();
  const base = checkedBase('sqlSensor', options, 'sql', location);
  return branded<SqlSensorDefinition>({ ...base, type: 'sql', query: requiredText(options.query, options.name, 'query', "query: 'select max(updated_at) from erp.orders'", location) });
}

/**
 * Another asset was materialized (by any run): one run per evaluation that found new materializations.
 *
 * @example
 * export const afterOrders = assetSensor({ name: 'after_orders', asset: 'orders', select: 'report' });
 */
export function assetSensor(options: CommonOptions & { asset: string }): AssetSensorDefinition {
  const location = callerLocation();
  const base = checkedBase('assetSensor', options, 'asset', location);
  return branded<AssetSensorDefinition>({ ...base, type: 'asset', asset: requiredText(options.asset, options.name, 'asset', "asset: 'orders'", location) });
}

/**
 * A run ended with this status: one run per such run (runs this sensor launched itself are ignored, so it never loops).
 *
 * @example
 * export const cleanup = runStatusSensor({ name: 'after_failure', status: 'FAILURE', select: 'cleanup' });
 */
export function runStatusSensor(options: CommonOptions & { status: SensorRunStatus }): RunStatusSensorDefinition {
  const location = callerLocation();
  const base = checkedBase('runStatusSensor', options, 'run_status', location);
  if (!SENSOR_RUN_STATUSES.includes(options.status)) {
    throw new WeirError(`sensor '${options.name}': status ${JSON.stringify(options.status)} is not a finished run's status`, {
      code: 'INVALID_SENSOR', location, hint: `Use one of ${SENSOR_RUN_STATUSES.join(', ')}.`,
    });
  }
  return branded<RunStatusSensorDefinition>({ ...base, type: 'run_status', status: options.status });
}

/**
 * A webhook trigger: `POST /api/webhooks/<name>` signed with HMAC-SHA256 of the raw body under the secret setting's
 * value (`X-Weir-Signature: sha256=<hex>`) launches a run whose `ctx.trigger.payload` is the JSON body.
 *
 * @example
 * export const erpReady = webhook({ name: 'erp_export_ready', select: 'orders+', secret: 'erp_webhook_secret' });
 */
export function webhook(options: { name: string; select?: string; secret: string; description?: string }): WebhookDefinition {
  const location = callerLocation();
  return webhookDefinition(options, location);
}

/** A webhook definition from options already located (weir.yaml's `webhooks:`, or `webhook()`). */
export function webhookDefinition(options: { name: string; select?: string; secret: string; description?: string }, location: SourceLocation | undefined): WebhookDefinition {
  if (!options || typeof options.name !== 'string' || !NAME.test(options.name)) {
    throw new WeirError(`webhook() name ${JSON.stringify(options?.name)} is not valid`, { code: 'INVALID_WEBHOOK', location, hint: 'Use letters, digits, _ and - only, e.g. erp_export_ready.' });
  }
  if (typeof options.secret !== 'string' || !options.secret.trim()) {
    throw new WeirError(`webhook '${options.name}' has no secret`, { code: 'INVALID_WEBHOOK', location, hint: "Name a secret setting: secret: 'erp_webhook_secret' (settings: { erp_webhook_secret: { env: ERP_WEBHOOK_SECRET, secret: true } })." });
  }
  return Object.freeze({
    [DEFINITION_BRAND]: 'webhook' as const, name: options.name, secret: options.secret.trim(), location,
    ...(options.select !== undefined ? { select: options.select } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
  });
}

/** A built-in sensor from weir.yaml's `sensors:` entry (already schema-checked), located at its line. */
export function yamlSensorDefinition(entry: YamlSensorEntry, location: SourceLocation): SensorDefinition {
  const base = checkedBase('sensors:', entry, entry.type, location);
  switch (entry.type) {
    case 'files': return branded<FileSensorDefinition>({ ...base, type: 'files', path: requiredText(entry.path, entry.name, 'path', "path: 'inbox/*.xlsx'", location) });
    case 'sql': return branded<SqlSensorDefinition>({ ...base, type: 'sql', query: requiredText(entry.query, entry.name, 'query', 'query: "select max(updated_at) from erp.orders"', location) });
    case 'asset': return branded<AssetSensorDefinition>({ ...base, type: 'asset', asset: requiredText(entry.asset, entry.name, 'asset', 'asset: orders', location) });
    case 'run_status': return branded<RunStatusSensorDefinition>({ ...base, type: 'run_status', status: entry.status });
  }
}

/** weir.yaml's `sensors:` entries, as the schema in project.ts reads them. */
export type YamlSensorEntry =
  | (CommonOptions & { type: 'files'; path: string })
  | (CommonOptions & { type: 'sql'; query: string })
  | (CommonOptions & { type: 'asset'; asset: string })
  | (CommonOptions & { type: 'run_status'; status: SensorRunStatus });
