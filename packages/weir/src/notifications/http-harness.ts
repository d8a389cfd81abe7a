/** For the HTTP channels' tests: a ChannelHarness over a recording receiver on 127.0.0.1. */
import type { AlertChannel } from './alert-channel.js';
import type { AlertMessage } from '../events/alert-message.js';
import type { ChannelHarness } from './channel.contract.js';
import { startRecordingReceiver, type RecordedRequest } from './recording-http-receiver.js';

/**
 * @example
 * channelContract('slack', () => httpHarness({ secrets: [token], channel: (base) => createSlackChannel('s', { type: 'slack', url: `${base}/services/${token}` }), checkReceived }))
 */
export async function httpHarness(options: {
  /** What the receiver answers when it accepts (200, or 202 for Teams). */
  status?: number;
  secrets: string[];
  channel: (baseUrl: string) => AlertChannel;
  checkReceived: (request: RecordedRequest, message: AlertMessage) => void;
}): Promise<ChannelHarness> {
  const okStatus = options.status ?? 200;
  const receiver = await startRecordingReceiver({ status: okStatus });
  return {
    channel: options.channel(receiver.url),
    secrets: options.secrets,
    received: async () => [...receiver.requests],
    checkReceived: (item, message) => options.checkReceived(item as RecordedRequest, message),
    down: () => receiver.down(),
    up: () => receiver.up(),
    refuse(on) {
      receiver.status = on ? 500 : okStatus;
    },
    close: () => receiver.close(),
  };
}
