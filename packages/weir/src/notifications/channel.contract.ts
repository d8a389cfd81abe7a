/** The contract every notification channel passes: payload at a real receiver, retry when it is down, no secret leaks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertChannel, SendOutcome } from './alert-channel.js';
import type { AlertMessage } from '../events/alert-message.js';

/** A channel pointed at a real receiver that the channel's test started. */
export interface ChannelHarness {
  channel: AlertChannel;
  /** Every secret the channel holds (URL token, access token, password, signing secret): none may leak. */
  secrets: string[];
  /** What the receiver got, in order, as the channel's test decodes it. */
  received(): Promise<unknown[]>;
  /** Asserts that one received item carries `message` as the channel's receiver expects it. */
  checkReceived(item: unknown, message: AlertMessage): void;
  /** Stops answering (connection refused), then listens again on the same address. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Makes the receiver refuse the next sends with an answer that echoes the request; false restores it. */
  refuse(on: boolean): void;
  close(): Promise<void>;
}

/** A message with text outside Latin-1, a link and a run: what every channel must carry intact. */
export function contractMessage(overrides: Partial<AlertMessage> = {}): AlertMessage {
  return {
    kind: 'check_failed', state: 'problem', project: 'shop', subject: 'revenue', severity: 'error',
    title: 'Check failed: revenue.positive_amounts',
    line: 'revenue: check positive_amounts failed: observed 3, expected 0 — Échec ✓ 東京',
    runId: '0b5e3c1a-1111-4222-8333-444455556666', link: 'http://localhost:3000/#/runs/0b5e3c1a-1111-4222-8333-444455556666',
    timestamp: Date.UTC(2026, 2, 1, 5, 0, 0), ...overrides,
  };
}

/** Every common encoding of a secret: as is, URL-encoded, base64 (both alphabets), and as a JSON string's inside. */
export function secretForms(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64').replace(/=+$/, '');
  return [secret, encodeURIComponent(secret), base64, base64.replace(/\+/g, '-').replace(/\//g, '_'), JSON.stringify(secret).slice(1, -1)];
}

/**
 * @example
 * assertNoSecret('HTTP 500 from http://127.0.0.1:4000', ['hooks/T0/B0/xyz'], 'the error')
 */
export function assertNoSecret(text: string, secrets: readonly string[], what: string): void {
  for (const secret of secrets) for (const form of secretForms(secret)) {
    assert.ok(!text.includes(form), `${what} contains a secret (${JSON.stringify(form.slice(0, 4))}…): ${text}`);
  }
}

const OPTIONS = { timeoutMs: 5_000 };

/**
 * Registers the contract under `describe(name)`. `setup` starts a fresh receiver and a channel pointed at it.
 *
 * @example
 * channelContract('ntfy', async () => { const receiver = await startRecordingReceiver(); … return harness; });
 */
export function channelContract(name: string, setup: () => Promise<ChannelHarness>): void {
  async function withHarness(test: (h: ChannelHarness) => Promise<void>): Promise<void> {
    const harness = await setup();
    try {
      await test(harness);
    } finally {
      await harness.close();
    }
  }
  const send = (h: ChannelHarness, message: AlertMessage, deliveryId = 'd-1'): Promise<SendOutcome> =>
    h.channel.send(message, { deliveryId, nowMs: message.timestamp, ...OPTIONS });

  describe(`${name} channel contract`, () => {
    it('delivers the message: the receiver gets the title, the line (any text), the run and its link', () => withHarness(async (h) => {
      const message = contractMessage();
      const outcome = await send(h, message);
      assert.ok(outcome.status === 'DELIVERED' || outcome.status === 'ACCEPTED', JSON.stringify(outcome));
      const received = await h.received();
      assert.equal(received.length, 1);
      h.checkReceived(received[0], message);
      // A resolution is a different message, not the same one again.
      const resolved = contractMessage({ state: 'resolved', title: 'Resolved: revenue.positive_amounts', line: 'revenue: check positive_amounts passes again' });
      await send(h, resolved, 'd-2');
      const both = await h.received();
      assert.equal(both.length, 2);
      h.checkReceived(both[1], resolved);
    }));

    it('a receiver that is down is a retryable failure, and the same send succeeds once it is back', () => withHarness(async (h) => {
      await h.down();
      const failed = await send(h, contractMessage());
      assert.equal(failed.status, 'FAILED');
      assert.equal(failed.status === 'FAILED' && failed.retryable, true);
      assert.ok(failed.status === 'FAILED' && failed.error.length > 0);
      await h.up();
      const retried = await send(h, contractMessage());
      assert.ok(retried.status === 'DELIVERED' || retried.status === 'ACCEPTED', JSON.stringify(retried));
      assert.equal((await h.received()).length, 1);
    }));

    it('no secret of the channel appears in an outcome, even when the receiver echoes the request back', () => withHarness(async (h) => {
      assert.ok(h.secrets.length > 0, 'the harness must give the channel secrets to protect');
      h.refuse(true);
      const refused = await send(h, contractMessage());
      assert.equal(refused.status, 'FAILED');
      assertNoSecret(JSON.stringify(refused), h.secrets, 'the outcome of a refused send');
      h.refuse(false);
      await h.down();
      const unreachable = await send(h, contractMessage());
      assertNoSecret(JSON.stringify(unreachable), h.secrets, 'the outcome of an unreachable receiver');
      await h.up();
      const delivered = await send(h, contractMessage());
      assertNoSecret(JSON.stringify(delivered), h.secrets, 'the outcome of a delivery');
    }));
  });
}
