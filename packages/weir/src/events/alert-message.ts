/** What an alert says, whatever the channel: the router writes it, each channel formats it for its receiver. */
import type { AlertEventKind } from '../definitions/alerts-config.js';

/** `problem`: something needs people; `resolved`: it is over; `info`: news (a backfill finished); `test`: `weir alert test`. */
export type AlertState = 'problem' | 'resolved' | 'info' | 'test';

/**
 * @example
 * const message: AlertMessage = {
 *   kind: 'check_failed', state: 'problem', project: 'shop', subject: 'revenue', severity: 'error',
 *   title: 'Check failed: revenue.positive_amounts',
 *   line: 'revenue: check positive_amounts failed: observed 3, expected 0 (3 rows with amount <= 0)',
 *   runId: '4f1c…', link: 'https://weir.example.org/#/runs/4f1c…', timestamp: 1764810000000,
 * };
 */
export interface AlertMessage {
  kind: AlertEventKind | 'test';
  state: AlertState;
  project: string;
  /** What it is about as people name it: an asset, a selection, a schedule, a sensor, a backfill. */
  subject: string;
  /** A short headline: `Run failed: revenue+`. */
  title: string;
  /** One line: what failed and why (asset, check, observed vs expected, the error's first line). */
  line: string;
  severity?: 'error' | 'warn';
  runId?: string;
  /** The run's page (public URL + `/#/runs/<id>`), or another page of the UI. */
  link?: string;
  timestamp: number;
}

/** Stored on deliveries: never renamed. ACCEPTED: the receiver queued it (Teams Workflows answers 202 before posting). */
export const DeliveryStatus = { PENDING: 'PENDING', DELIVERED: 'DELIVERED', ACCEPTED: 'ACCEPTED', FAILED: 'FAILED' } as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];
