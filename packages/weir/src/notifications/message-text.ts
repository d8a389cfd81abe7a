/** Wording shared by the channels: a label per state and the facts a message lists. */
import type { AlertMessage } from '../events/alert-message.js';

/**
 * @example
 * stateLabel({ state: 'resolved', … }) // 'Resolved'
 */
export function stateLabel(message: Pick<AlertMessage, 'state'>): string {
  return { problem: 'Problem', resolved: 'Resolved', info: 'Info', test: 'Test' }[message.state];
}

/**
 * The name–value pairs a message shows under its line.
 *
 * @example
 * messageFacts(message) // [{ name: 'Project', value: 'shop' }, { name: 'Run', value: '4f1c…' }, { name: 'Severity', value: 'error' }]
 */
export function messageFacts(message: AlertMessage): Array<{ name: string; value: string }> {
  const facts = [{ name: 'Project', value: message.project }, { name: 'Status', value: stateLabel(message) }];
  if (message.runId) facts.push({ name: 'Run', value: message.runId });
  if (message.severity) facts.push({ name: 'Severity', value: message.severity });
  facts.push({ name: 'At', value: new Date(message.timestamp).toISOString() });
  return facts;
}
