/** A generic webhook: the message as JSON, signed as the Standard Webhooks specification says. */
import { createHmac } from 'node:crypto';
import type { AlertChannelConfig } from '../../definitions/alerts-config.js';
import type { AlertChannel } from '../alert-channel.js';
import type { AlertMessage } from '../../events/alert-message.js';
import { postAlert, type HttpAlertRequest } from '../http-request.js';

type WebhookConfig = Extract<AlertChannelConfig, { type: 'webhook' }>;

/**
 * The signing key of a Standard Webhooks secret: `whsec_` then base64 (as the spec's libraries write it); a secret
 * without the prefix is used as its UTF-8 bytes, so `openssl rand -hex 32` works as well.
 *
 * @example
 * webhookKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') // the 24 bytes that base64 encodes
 */
export function webhookKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/**
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, the `webhook-signature` header.
 *
 * @example
 * webhookSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')
 * // 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='   (the specification's example)
 */
export function webhookSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', webhookKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/**
 * @example
 * webhookRequest({ type: 'webhook', url, secret }, message, 'msg_d1', 1764810000000).headers
 * // { 'content-type': 'application/json', 'webhook-id': 'msg_d1', 'webhook-timestamp': '1764810000', 'webhook-signature': 'v1,…' }
 */
export function webhookRequest(config: WebhookConfig, message: AlertMessage, id: string, nowMs: number): HttpAlertRequest {
  const body = JSON.stringify({ type: `weir.alert.${message.kind}`, timestamp: new Date(nowMs).toISOString(), data: message });
  const timestamp = Math.floor(nowMs / 1000);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp) };
  if (config.secret) headers['webhook-signature'] = webhookSignature(config.secret, id, timestamp, body);
  return { url: config.url, headers, body };
}

/**
 * The delivery id is the `webhook-id`: the same on every attempt, so a receiver can drop a retry it already processed.
 *
 * @example
 * createWebhookChannel('ops_hook', { type: 'webhook', url: 'https://ops.example.org/hooks/weir', secret: 'whsec_…' })
 */
export function createWebhookChannel(name: string, config: WebhookConfig): AlertChannel {
  const secrets = [config.url, config.secret, config.secret?.replace(/^whsec_/, '')].filter((v): v is string => !!v);
  return {
    name,
    type: 'webhook',
    send: (message, options) => postAlert(webhookRequest(config, message, `msg_${options.deliveryId}`, options.nowMs), options, { secrets }),
  };
}
