/** Microsoft Teams through a Workflows webhook: an Adaptive Card inside the `attachments` envelope. */
import type { AlertChannelConfig } from '../../definitions/alerts-config.js';
import type { AlertChannel } from '../alert-channel.js';
import type { AlertMessage } from '../../events/alert-message.js';
import { postAlert, type HttpAlertRequest } from '../http-request.js';
import { messageFacts } from '../message-text.js';

/*
 * Microsoft retired the Office 365 connectors; a Workflows "post to a channel when a webhook request is received"
 * flow takes `{ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content }] }`
 * and answers 202 before it posts, so a 202 is recorded ACCEPTED (queued), not DELIVERED.
 */

/**
 * @example
 * teamsRequest(url, message).body
 * // '{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{"type":"AdaptiveCard",…}}]}'
 */
export function teamsRequest(url: string, message: AlertMessage): HttpAlertRequest {
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body: [
      { type: 'TextBlock', text: message.title, weight: 'Bolder', size: 'Medium', wrap: true, color: message.state === 'problem' ? 'Attention' : message.state === 'resolved' ? 'Good' : 'Default' },
      { type: 'TextBlock', text: message.line, wrap: true },
      { type: 'FactSet', facts: messageFacts(message).map(({ name, value }) => ({ title: name, value })) },
    ],
    ...(message.link ? { actions: [{ type: 'Action.OpenUrl', title: message.runId ? 'Open the run' : 'Open Weir', url: message.link }] } : {}),
  };
  return {
    url,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] }),
  };
}

/**
 * @example
 * createTeamsChannel('team_teams', { type: 'teams', url: 'https://prod-12.westeurope.logic.azure.com/workflows/…' })
 */
export function createTeamsChannel(name: string, config: Extract<AlertChannelConfig, { type: 'teams' }>): AlertChannel {
  return {
    name,
    type: 'teams',
    send: (message, options) => postAlert(teamsRequest(config.url, message), options, { secrets: [config.url], acceptedIs202: true }),
  };
}
