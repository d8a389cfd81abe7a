/** `weir alert test <channel>`: sends a test message to one declared channel and prints what the receiver answered. */
import { loadProjectConfig } from '../../loaders/project/load-project-config.js';
import { secretValues } from '../../definitions/project.js';
import type { AlertMessage } from '../../events/index.js';
import { createAlertChannel } from '../../notifications/create-alert-channel.js';
import { ALERT_SEND_TIMEOUT_MS } from '../../scheduler/alerts/alert-loop.js';
import { WeirError } from '../../shared/errors.js';
import { newRunId } from '../../shared/ids.js';
import { secretRedactor } from '../../shared/redact.js';
import { closestNames } from '../../shared/suggest.js';
import { printProjectWarnings } from '../output/project-warnings.js';
import { statusText, style } from '../output/style.js';

/**
 * @example
 * await alertTestCommand({ project: '.', channel: 'team_ntfy' })
 * // stdout: "DELIVERED  team_ntfy (ntfy): HTTP 200"   exit 0
 * // or:     "FAILED  team_ntfy (ntfy): could not reach https://ntfy.example.org: ENOTFOUND …"   exit 1
 */
export async function alertTestCommand(options: { project: string; channel: string; json?: boolean }): Promise<number> {
  const project = loadProjectConfig(options.project);
  printProjectWarnings(project);
  const channels = project.alerts?.channels ?? [];
  const declaration = channels.find((c) => c.name === options.channel);
  if (!declaration) {
    const names = channels.map((c) => c.name);
    const close = closestNames(options.channel, names, 1);
    throw new WeirError(`no alert channel '${options.channel}' in ${project.configFile}`, {
      code: 'UNKNOWN_ALERT_CHANNEL',
      hint: close.length ? `Did you mean '${close[0]}'?` : names.length ? `Declared channels: ${names.join(', ')}.` : 'Declare one under alerts: channels: in weir.yaml (see the README\'s "Alerts" section).',
    });
  }
  const redact = secretRedactor(secretValues(project));
  const print = (status: string, detail: string) => {
    const line = options.json
      ? JSON.stringify({ channel: declaration.name, type: declaration.type, status, detail })
      : `${statusText(status === 'FAILED' ? 'failed' : 'succeeded', status)}  ${style.bold(declaration.name)} (${declaration.type}): ${detail}`;
    process.stdout.write(`${redact(line)}\n`);
  };
  const channel = createAlertChannel(declaration);
  if (!channel) {
    print('FAILED', `the channel is disabled: ${declaration.disabledReason ?? 'it has no configuration'}`);
    return 1;
  }
  const nowMs = Date.now();
  const message: AlertMessage = {
    kind: 'test', state: 'test', project: project.name, subject: declaration.name, title: `Test alert from Weir (${project.name})`,
    line: `\`weir alert test ${declaration.name}\`: alerts of project ${project.name} reach this channel.`, timestamp: nowMs,
  };
  const outcome = await channel.send(message, { deliveryId: newRunId(), nowMs, timeoutMs: ALERT_SEND_TIMEOUT_MS });
  if (outcome.status === 'FAILED') {
    print('FAILED', `${outcome.error}${outcome.retryable ? ' (a temporary failure: the alert loop would retry it)' : ''}`);
    return 1;
  }
  print(outcome.status, outcome.status === 'ACCEPTED' ? `${outcome.detail ?? 'accepted'} (Teams Workflows posts it shortly)` : outcome.detail ?? 'delivered');
  return 0;
}
