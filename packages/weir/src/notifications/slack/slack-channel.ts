/** Slack through an incoming webhook: Block Kit blocks, with `text` as the notification's fallback. */
import type { AlertChannelConfig } from '../../definitions/alerts-config.js';
import type { AlertChannel } from '../alert-channel.js';
import type { AlertMessage } from '../../events/alert-message.js';
import { postAlert, type HttpAlertRequest } from '../http-request.js';
import { messageFacts } from '../message-text.js';

/** Slack's limit on a section's text; longer text is refused with `invalid_blocks`. */
const MAX_SECTION_CHARS = 3000;

/** Slack's mrkdwn gives `&`, `<` and `>` meaning: they are escaped so a message cannot turn into a link or a mention. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * @example
 * JSON.parse(slackRequest(url, message).body).blocks.map((b) => b.type) // ['header', 'section', 'context', 'actions']
 */
export function slackRequest(url: string, message: AlertMessage): HttpAlertRequest {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: message.title.slice(0, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(message.line).slice(0, MAX_SECTION_CHARS) } },
    { type: 'context', elements: messageFacts(message).map(({ name, value }) => ({ type: 'mrkdwn', text: `*${name}:* ${escapeMrkdwn(value)}` })) },
  ];
  if (message.link) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: message.runId ? 'Open the run' : 'Open Weir' }, url: message.link }] });
  }
  return { url, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `${message.title}: ${message.line}`, blocks }) };
}

/**
 * @example
 * createSlackChannel('team_slack', { type: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXX' })
 */
export function createSlackChannel(name: string, config: Extract<AlertChannelConfig, { type: 'slack' }>): AlertChannel {
  return { name, type: 'slack', send: (message, options) => postAlert(slackRequest(config.url, message), options, { secrets: [config.url] }) };
}
