/**
 * The sensor evaluator's pure decisions: which sensors are due at `nowMs` given their stored state, and what an
 * evaluation's result means (runs to launch, the new cursor, skipped, errored, slow). No I/O, no clock of its own.
 */
import type { RunRequest, SensorResult } from '../definitions/sensor.js';
import { nextEvaluationAt, type SensorEvaluationStatus, type SensorStateRecord } from '../events/index.js';

export { nextEvaluationAt };

/** The one-minute limit other orchestrators kill sensors at: beyond it (or beyond its interval) an evaluation is reported slow, never cut off. */
export const SLOW_EVALUATION_MS = 60_000;

/** What the decider needs of a sensor definition. */
export interface DecidableSensor {
  name: string;
  intervalMs: number;
  select?: string;
}

/**
 * The sensors to evaluate now, in declaration order: not paused, not being evaluated, and due.
 *
 * @example
 * dueSensors([erp, files], new Map([['erp', { state: 'PAUSED', … }]]), Date.parse('2026-03-01T05:00:00Z')) // [files]
 */
export function dueSensors<S extends DecidableSensor>(
  sensors: readonly S[], states: ReadonlyMap<string, SensorStateRecord>, nowMs: number, inFlight: ReadonlySet<string> = new Set(),
): S[] {
  return sensors.filter((sensor) => {
    if (inFlight.has(sensor.name)) return false;
    const next = nextEvaluationAt(sensor, states.get(sensor.name));
    return next !== null && next <= nowMs;
  });
}

/** One run to launch, as the loop hands it to the launcher. */
export interface SensorLaunch {
  /** The run request's selection, else the sensor's; undefined: every asset. */
  select?: string;
  /** The request's tags and `weir/sensor`. */
  tags: Record<string, string>;
  payload?: unknown;
}

/** What one evaluation means, to record and act on. */
export interface EvaluationDecision {
  status: Extract<SensorEvaluationStatus, 'REQUESTED' | 'SKIPPED' | 'ERROR'>;
  launches: SensorLaunch[];
  /** The cursor to store; undefined keeps the stored one (always undefined on ERROR: a failed evaluation never moves it). */
  cursor?: string;
  reason?: string;
  error?: string;
  slow: boolean;
}

/**
 * How long an evaluation may take before it is reported slow.
 *
 * @example
 * slowAfterMs(30_000) // 30000
 * slowAfterMs(300_000) // 60000
 */
export function slowAfterMs(intervalMs: number): number {
  return Math.min(intervalMs, SLOW_EVALUATION_MS);
}

/**
 * Interprets an evaluation: its result (or the error it threw) and how long it took.
 *
 * @example
 * decideEvaluation({ name: 'files', intervalMs: 30_000, select: 'orders+' }, { result: { runRequests: [{ payload: { paths: ['a.xlsx'] } }] }, durationMs: 4 })
 * // { status: 'REQUESTED', launches: [{ select: 'orders+', tags: { 'weir/sensor': 'files' }, payload: { paths: ['a.xlsx'] } }], reason: '1 run requested', slow: false }
 * decideEvaluation(sensor, { error: 'connection refused', durationMs: 75_000 })
 * // { status: 'ERROR', launches: [], error: 'connection refused', reason: 'slow: took 75 s (reported beyond 30 s)', slow: true }
 */
export function decideEvaluation(sensor: DecidableSensor, outcome: { result?: unknown; error?: string; durationMs: number }): EvaluationDecision {
  const slow = outcome.durationMs > slowAfterMs(sensor.intervalMs);
  const slowNote = slow ? `slow: took ${seconds(outcome.durationMs)} (reported beyond ${seconds(slowAfterMs(sensor.intervalMs))})` : undefined;
  const join = (...parts: Array<string | undefined>) => parts.filter(Boolean).join('; ') || undefined;
  const error = outcome.error ?? (outcome.result === undefined ? undefined : resultProblem(outcome.result));
  if (error !== undefined) return { status: 'ERROR', launches: [], error, slow, ...(slowNote ? { reason: slowNote } : {}) };
  const result = (outcome.result ?? {}) as SensorResult;
  const requests = result.runRequests ?? [];
  const launches = requests.map((request) => launchOf(sensor, request));
  const cursor = result.cursor;
  if (!launches.length) {
    return { status: 'SKIPPED', launches, slow, ...(cursor !== undefined ? { cursor } : {}), ...optional('reason', join(result.skipReason ?? 'nothing to do', slowNote)) };
  }
  const requested = `${launches.length} run${launches.length === 1 ? '' : 's'} requested`;
  return { status: 'REQUESTED', launches, slow, ...(cursor !== undefined ? { cursor } : {}), ...optional('reason', join(requested, slowNote)) };
}

function launchOf(sensor: DecidableSensor, request: RunRequest): SensorLaunch {
  const select = request.select ?? sensor.select;
  return {
    ...(select !== undefined ? { select } : {}),
    tags: { ...(request.tags ?? {}), 'weir/sensor': sensor.name },
    ...(request.payload !== undefined ? { payload: request.payload } : {}),
  };
}

/** Why a custom sensor's return value cannot be used, or undefined. */
function resultProblem(result: unknown): string | undefined {
  const expected = 'evaluate must return { runRequests?: [{ tags?, payload?, select? }], cursor?: string, skipReason?: string }';
  if (!result || typeof result !== 'object' || Array.isArray(result)) return `${expected}, got ${describe(result)}`;
  const { runRequests, cursor } = result as SensorResult;
  if (cursor !== undefined && typeof cursor !== 'string') return `the cursor must be a string (got ${describe(cursor)}): JSON.stringify it if it is an object`;
  if (runRequests === undefined) return undefined;
  if (!Array.isArray(runRequests)) return `runRequests must be an array, got ${describe(runRequests)}`;
  for (const [i, request] of runRequests.entries()) {
    if (!request || typeof request !== 'object') return `runRequests[${i}] must be an object, got ${describe(request)}`;
    const tags = (request as RunRequest).tags;
    if (tags !== undefined && (typeof tags !== 'object' || Object.values(tags).some((v) => typeof v !== 'string'))) return `runRequests[${i}].tags must map names to strings`;
    const select = (request as RunRequest).select;
    if (select !== undefined && typeof select !== 'string') return `runRequests[${i}].select must be a selection string`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}
