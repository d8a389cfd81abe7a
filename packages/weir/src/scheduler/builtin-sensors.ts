/**
 * How each kind of sensor looks at the world: files in the project folder, a warehouse query, the event log
 * (materializations, ended runs), or the user's own `evaluate`. Each returns a SensorResult for the decider.
 */
import { relative, resolve, sep } from 'node:path';
import { statSync } from 'node:fs';
import type { Logger } from '../definitions/asset-context.js';
import type { SensorDefinition, SensorResult } from '../definitions/sensor.js';
import type { WarehouseAccess } from '../engine/warehouse-access.js';
import { EventType, type EventType as EventTypeName, type MaterializationData } from '../events/index.js';
import { globFiles } from '../shared/glob.js';
import { interpolateSettings } from '../loaders/project/load-project-config.js';
import { hashText } from '../shared/hash.js';
import { stringifyJson, toJsonSafe } from '../shared/json.js';
import type { Storage } from '../storage/storage.js';

/** What an evaluation of any kind needs. */
export interface SensorEvaluationInput {
  project: string;
  projectRoot: string;
  settings: Readonly<Record<string, string | number | boolean>>;
  cursor: string | undefined;
  lastEvaluatedAt: number | undefined;
  nowMs: number;
  storage: Pick<Storage, 'sensors' | 'events' | 'runs'>;
  warehouse: () => Promise<WarehouseAccess>;
  log: Logger;
  signal: AbortSignal;
}

/** A result, and the items to record as processed with it (files). */
export interface SensorEvaluationOutput {
  result: unknown;
  processed?: Array<{ key: string; fingerprint: string }>;
}

/** Rows of a SQL sensor's result handed to the run (the fingerprint covers them all). */
export const SQL_PAYLOAD_ROWS = 20;
/** Events read per evaluation by asset and run-status sensors; the cursor moves on, the rest come next time. */
const EVENTS_PER_EVALUATION = 1000;

/**
 * Evaluates one sensor of any kind.
 *
 * @example
 * await evaluateSensor(fileSensor({ name: 'new_exports', path: 'inbox/*.xlsx' }), input)
 * // { result: { runRequests: [{ payload: { paths: ['inbox/2025-03.xlsx'] } }] }, processed: [{ key: 'inbox/2025-03.xlsx', fingerprint: '2048:1767…' }] }
 */
export async function evaluateSensor(sensor: SensorDefinition, input: SensorEvaluationInput): Promise<SensorEvaluationOutput> {
  switch (sensor.type) {
    case 'custom':
      return {
        result: await sensor.evaluate({
          sensorName: sensor.name, cursor: input.cursor, nowMs: input.nowMs, lastEvaluatedAt: input.lastEvaluatedAt,
          projectRoot: input.projectRoot, settings: input.settings, log: input.log, signal: input.signal,
        }),
      };
    case 'files': return evaluateFiles(sensor.name, sensor.path, input);
    case 'sql': return { result: await evaluateSql(sensor.query, input) };
    case 'asset': return { result: await evaluateAsset(sensor.asset, input) };
    case 'run_status': return { result: await evaluateRunStatus(sensor.name, sensor.status, input) };
  }
}

/** New or changed files: fingerprint = size and modification time, compared with what the sensor processed before. */
async function evaluateFiles(name: string, glob: string, input: SensorEvaluationInput): Promise<SensorEvaluationOutput> {
  const processed = await input.storage.sensors.processedItems(input.project, name);
  const fresh: Array<{ key: string; fingerprint: string }> = [];
  for (const file of watchedFiles(input.projectRoot, glob, input.settings, name)) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) continue; // removed between the listing and now
    const key = relative(input.projectRoot, file).split(sep).join('/');
    const fingerprint = `${stat.size}:${Math.round(stat.mtimeMs)}`;
    if (processed.get(key) !== fingerprint) fresh.push({ key, fingerprint });
  }
  if (!fresh.length) return { result: { skipReason: `no new or changed file matches ${glob}` } };
  return {
    result: { runRequests: [{ payload: { paths: fresh.map((f) => f.key) } }] } satisfies SensorResult,
    processed: fresh,
  };
}

/**
 * The files a glob matches. The glob may start outside the project (`../exports/*.xlsx`, an absolute path) and name
 * settings (`${settings.data_dir}/*.xlsx`): the folder before its first wildcard is where the walk starts.
 *
 * @example
 * watchedFiles('/srv/shop', '${settings.data_dir}/*.xlsx', { data_dir: '../exports' }, 'new_exports')
 * // ['/srv/exports/2026-03.xlsx', …]
 */
export function watchedFiles(root: string, glob: string, settings: Readonly<Record<string, unknown>>, sensor: string): string[] {
  const parts = interpolateSettings(glob, settings, `sensor '${sensor}'`).split('/');
  const first = parts.findIndex((part) => /[*?{[]/.test(part));
  const baseParts = first < 0 ? parts.slice(0, -1) : parts.slice(0, first);
  const base = resolve(root, baseParts.join('/') || (parts[0] === '' ? '/' : '.'));
  return globFiles(base, [(first < 0 ? parts.slice(-1) : parts.slice(first)).join('/')]);
}

/** A query whose result changed: the cursor is a hash of the whole result; the first evaluation only records it. */
async function evaluateSql(query: string, input: SensorEvaluationInput): Promise<SensorResult> {
  const session = await (await input.warehouse()).connect();
  let rows: Array<Record<string, unknown>>;
  try {
    rows = await session.query(query, undefined, { signal: input.signal });
  } finally {
    session.close();
  }
  const fingerprint = hashText(stringifyJson(rows));
  if (input.cursor === undefined) return { cursor: fingerprint, skipReason: 'first evaluation: the result is recorded, a change will trigger' };
  if (input.cursor === fingerprint) return { skipReason: 'result unchanged' };
  return { cursor: fingerprint, runRequests: [{ payload: { rows: toJsonSafe(rows.slice(0, SQL_PAYLOAD_ROWS)), rowCount: rows.length } }] };
}

/** Events of these types after the cursor (an event id); the first evaluation starts from now. */
async function eventsAfterCursor(input: SensorEvaluationInput, types: EventTypeName[]) {
  if (input.cursor === undefined) return { start: String(await input.storage.events.lastEventId()) };
  const page = await input.storage.events.eventsAfter(Number(input.cursor), { project: input.project, types, limit: EVENTS_PER_EVALUATION });
  return { page, cursor: String(page.nextAfterId) };
}

async function evaluateAsset(assetKey: string, input: SensorEvaluationInput): Promise<SensorResult> {
  const read = await eventsAfterCursor(input, [EventType.ASSET_MATERIALIZATION]);
  if (!read.page) return { cursor: read.start, skipReason: 'watching materializations from now on' };
  const found = read.page.events.filter((event) => (event.data as MaterializationData).assetKey === assetKey);
  if (!found.length) return { cursor: read.cursor, skipReason: `no new materialization of ${assetKey}` };
  return {
    cursor: read.cursor,
    runRequests: [{ payload: { assetKey, materializations: found.map((event) => ({ runId: event.runId, eventId: event.id, timestamp: event.timestamp })) } }],
  };
}

const RUN_END_EVENT = { SUCCESS: EventType.RUN_SUCCESS, FAILURE: EventType.RUN_FAILURE, CANCELED: EventType.RUN_CANCELED } as const;

async function evaluateRunStatus(name: string, status: keyof typeof RUN_END_EVENT, input: SensorEvaluationInput): Promise<SensorResult> {
  const read = await eventsAfterCursor(input, [RUN_END_EVENT[status]]);
  if (!read.page) return { cursor: read.start, skipReason: 'watching ended runs from now on' };
  const runRequests: NonNullable<SensorResult['runRequests']> = [];
  for (const event of read.page.events) {
    const run = await input.storage.runs.getRun(event.runId);
    // A run this sensor launched never triggers it again: a FAILURE sensor whose cleanup fails would loop forever.
    if (!run || run.tags['weir/sensor'] === name) continue;
    runRequests.push({ tags: { 'weir/ended-run': run.runId }, payload: { runId: run.runId, status, trigger: run.trigger } });
  }
  return runRequests.length ? { cursor: read.cursor, runRequests } : { cursor: read.cursor, skipReason: `no run ended with ${status}` };
}
