/**
 * A problem (or its resolution) that automation raises for the alert router, besides what the router reads from the
 * run event log itself (run failed, run recovered, check failed, run too long). Recorded durably, so an alert is
 * never lost when the process stops between the problem and the delivery.
 */

/** Stored strings: never renamed. */
export const ALERT_SIGNAL_KINDS = [
  'SCHEDULE_ERRORED', 'SENSOR_ERRORED', 'FRESHNESS_VIOLATED', 'BACKFILL_FINISHED',
] as const;
export type AlertSignalKind = (typeof ALERT_SIGNAL_KINDS)[number];

/**
 * @example
 * await storage.alerts.recordSignal({
 *   kind: 'FRESHNESS_VIOLATED', project: 'shop', subject: 'revenue', problemKey: 'freshness:revenue',
 *   message: 'revenue was last materialized 31h ago (max lag 26h)', timestamp: nowMs, assetKey: 'revenue',
 * });
 * // later, when it is fresh again: the same problemKey with resolved: true, and the router sends "resolved" once
 */
export interface AlertSignal {
  kind: AlertSignalKind;
  project: string;
  /** What it is about, as people name it: a schedule, a sensor, an asset key, a backfill id. */
  subject: string;
  /** Identifies one open problem: signals with the same key are one problem (sent once, then once resolved). */
  problemKey: string;
  /** One line: what is wrong and why. Already redacted of secrets by the caller. */
  message: string;
  timestamp: number;
  /** True when this signal says the problem is over. */
  resolved?: boolean;
  runId?: string;
  assetKey?: string;
  details?: Record<string, unknown>;
}
