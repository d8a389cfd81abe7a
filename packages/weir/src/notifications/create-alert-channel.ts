/** The channel of a declared, enabled channel: one line per type. */
import type { AlertChannelDeclaration } from '../definitions/alerts-config.js';
import type { AlertChannel } from './alert-channel.js';
import { createEmailChannel, type EmailChannelOptions } from './email/email-channel.js';
import { createNtfyChannel } from './ntfy/ntfy-channel.js';
import { createSlackChannel } from './slack/slack-channel.js';
import { createTeamsChannel } from './teams/teams-channel.js';
import { createWebhookChannel } from './webhook/webhook-channel.js';

/**
 * Undefined for a disabled channel (a setting it names has no value).
 *
 * @example
 * createAlertChannel(project.alerts.channels[0])?.type // 'teams'
 */
export function createAlertChannel(declaration: AlertChannelDeclaration, options: { email?: EmailChannelOptions } = {}): AlertChannel | undefined {
  const config = declaration.config;
  if (!declaration.enabled || !config) return undefined;
  switch (config.type) {
    case 'teams': return createTeamsChannel(declaration.name, config);
    case 'slack': return createSlackChannel(declaration.name, config);
    case 'ntfy': return createNtfyChannel(declaration.name, config);
    case 'webhook': return createWebhookChannel(declaration.name, config);
    case 'email': return createEmailChannel(declaration.name, config, options.email);
  }
}
