/** What the metadata keeps of sensors and webhook triggers: their state and each evaluation (or webhook call). */

/** Stored strings: never renamed. */
export const SENSOR_STATES = ['RUNNING', 'PAUSED'] as const;
export type SensorState = (typeof SENSOR_STATES)[number];

/**
 * Stored strings: never renamed. REQUESTED: runs were launched; SKIPPED: nothing to do; ERROR: the evaluation threw
 * (or a launch failed); REJECTED: a webhook call whose signature was wrong or missing (no run).
 */
export const SENSOR_EVALUATION_STATUSES = ['REQUESTED', 'SKIPPED', 'ERROR', 'REJECTED'] as const;
export type SensorEvaluationStatus = (typeof SENSOR_EVALUATION_STATUSES)[number];

/**
 * One evaluation of a sensor, or one call of a webhook, as recorded.
 *
 * @example
 * { id: 7, project: 'shop', sensorName: 'new_exports', startedAt: 1767225600000, durationMs: 12, status: 'REQUESTED',
 *   runIds: ['5b0e…'], reason: '2 new files', slow: false, cursor: null }
 */
export interface SensorEvaluation {
  id: number;
  project: string;
  sensorName: string;
  startedAt: number;
  durationMs: number;
  status: SensorEvaluationStatus;
  runIds: string[];
  /** Redacted message of what went wrong (ERROR, REJECTED). */
  error?: string;
  /** Why it decided what it did, in words: '2 new files', 'result unchanged', 'slow: took 75 s (interval 30 s)'. */
  reason?: string;
  /** True when the evaluation took longer than it should (see the sensor loop): reported, never cut off. */
  slow: boolean;
  /** The cursor after this evaluation. */
  cursor: string | null;
}

/** A sensor's durable state. */
export interface SensorStateRecord {
  sensorName: string;
  state: SensorState;
  cursor: string | null;
  lastEvaluationStartedAt: number | null;
  /** Start plus duration of the last evaluation: the next one is due an interval after it. */
  lastEvaluationEndedAt: number | null;
  /** The status of the last evaluation: an ERROR followed by a success resolves the sensor's alert. */
  lastStatus: SensorEvaluationStatus | null;
}

/**
 * When a sensor is next due: an interval after its last evaluation ended (a slow evaluation pushes the next one
 * back, so evaluations never pile up); at once when never evaluated; null when paused.
 *
 * @example
 * nextEvaluationAt({ name: 'erp', intervalMs: 30_000 }, { state: 'RUNNING', lastEvaluationEndedAt: 1_000, … }) // 31000
 */
export function nextEvaluationAt(sensor: { intervalMs: number }, state: SensorStateRecord | undefined): number | null {
  if (state?.state === 'PAUSED') return null;
  const ended = state?.lastEvaluationEndedAt;
  return ended === null || ended === undefined ? Number.NEGATIVE_INFINITY : ended + sensor.intervalMs;
}


/**
 * Webhook calls are kept in the sensors' evaluation history under `webhook:<name>`, so a sensor and a webhook of the
 * same name never share one.
 *
 * @example
 * webhookHistoryName('erp_export_ready') // 'webhook:erp_export_ready'
 */
export function webhookHistoryName(name: string): string {
  return `webhook:${name}`;
}
