/** ntfy: JSON publishing to the server's root URL (topic, title, message, priority, tags, click), optional access token. */
import type { AlertChannelConfig } from '../../definitions/alerts-config.js';
import type { AlertChannel } from '../alert-channel.js';
import type { AlertMessage } from '../../events/alert-message.js';
import { postAlert, type HttpAlertRequest } from '../http-request.js';

type NtfyConfig = Extract<AlertChannelConfig, { type: 'ntfy' }>;

/*
 * Everything goes in the JSON body, nothing in `X-Title`-style headers: header values cannot carry text outside
 * Latin-1 (fetch throws on "Échec – ✓"), and an asset or error message can hold any text.
 */

/** ntfy's emoji short codes: shown before the title. */
const STATE_TAGS = { problem: 'rotating_light', resolved: 'white_check_mark', info: 'information_source', test: 'test_tube' } as const;

/**
 * @example
 * JSON.parse(ntfyRequest({ type: 'ntfy', url: 'https://ntfy.sh', topic: 'weir-shop' }, message).body)
 * // { topic: 'weir-shop', title: 'Run failed: revenue+', message: 'revenue: …', priority: 4, tags: ['rotating_light'], click: 'https://…/#/runs/4f1c…' }
 */
export function ntfyRequest(config: NtfyConfig, message: AlertMessage): HttpAlertRequest {
  const priority = config.priority ?? (message.state === 'problem' ? (message.severity === 'warn' ? 3 : 4) : 3);
  const body = {
    topic: config.topic,
    title: message.title,
    message: message.line,
    priority,
    tags: [STATE_TAGS[message.state], ...(config.tags ?? [])],
    ...(message.link ? { click: message.link } : {}),
  };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (config.token) headers.authorization = `Bearer ${config.token}`;
  // JSON publishing posts to the root URL, not to /<topic>.
  return { url: config.url.replace(/\/+$/, '') + '/', headers, body: JSON.stringify(body) };
}

/**
 * @example
 * createNtfyChannel('team_ntfy', { type: 'ntfy', url: 'https://ntfy.sh', topic: 'weir-shop', token: 'tk_…' })
 */
export function createNtfyChannel(name: string, config: NtfyConfig): AlertChannel {
  const secrets = [config.token, config.topic].filter((v): v is string => !!v);
  return { name, type: 'ntfy', send: (message, options) => postAlert(ntfyRequest(config, message), options, { secrets }) };
}
