/** The one interface every notification channel implements: send an AlertMessage and say what the receiver answered. */
import type { AlertChannelType } from '../definitions/alerts-config.js';
import type { AlertMessage } from '../events/alert-message.js';

/** What one attempt came to. `retryable`: worth trying again later (a timeout, a 5xx, a refused connection, a 429). */
export type SendOutcome =
  | { status: 'DELIVERED' | 'ACCEPTED'; detail?: string }
  | { status: 'FAILED'; error: string; retryable: boolean };

export interface SendOptions {
  /** Identifies the delivery across its attempts (the webhook channel sends it as `webhook-id`). */
  deliveryId: string;
  nowMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * A new channel is one folder with a `create…Channel(name, config)` that returns this, and a test that runs
 * channel.contract.ts. Implementations never throw from `send`: every failure is an outcome, its error already
 * free of the channel's secrets.
 *
 * @example
 * const channel = createNtfyChannel('team_ntfy', { type: 'ntfy', url: 'https://ntfy.sh', topic: 'weir-shop' });
 * await channel.send(message, { deliveryId: 'd1', nowMs: Date.now(), timeoutMs: 10_000 })
 * // { status: 'DELIVERED' }   or   { status: 'FAILED', error: 'HTTP 503 from https://ntfy.sh/: …', retryable: true }
 */
export interface AlertChannel {
  readonly name: string;
  readonly type: AlertChannelType;
  send(message: AlertMessage, options: SendOptions): Promise<SendOutcome>;
}
