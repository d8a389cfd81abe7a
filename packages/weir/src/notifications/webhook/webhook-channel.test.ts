/** The generic webhook channel against a real HTTP receiver on 127.0.0.1 that verifies the Standard Webhooks signature. */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { it } from 'node:test';
import { channelContract, contractMessage } from '../channel.contract.js';
import { httpHarness } from '../http-harness.js';
import { createWebhookChannel, webhookSignature } from './webhook-channel.js';

const SECRET = 'whsec_' + Buffer.from('a-signing-key-of-32-bytes-long!!').toString('base64');
const PATH_TOKEN = 'hk_29dfk3LqP0xZ8vW7mT6';

/** The receiver's side, written from the specification rather than with the sender's code. */
function verify(headers: Record<string, string | string[] | undefined>, body: string, secret: string): boolean {
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return String(headers['webhook-signature']).split(' ').some((sig) => {
    const [version, value] = sig.split(',');
    const given = Buffer.from(value ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

channelContract('webhook', () => httpHarness({
  secrets: [SECRET, SECRET.slice('whsec_'.length), PATH_TOKEN],
  channel: (base) => createWebhookChannel('ops_hook', { type: 'webhook', url: `${base}/hooks/${PATH_TOKEN}`, secret: SECRET }),
  checkReceived(request, message) {
    assert.match(String(request.headers['webhook-id']), /^msg_d-\d$/);
    assert.equal(request.headers['webhook-timestamp'], String(Math.floor(message.timestamp / 1000)));
    assert.ok(verify(request.headers, request.body, SECRET), 'the signature verifies with the secret');
    assert.ok(!verify(request.headers, request.body, 'whsec_' + Buffer.from('another-key-another-key-another!').toString('base64')), 'and not with another');
    assert.ok(!verify(request.headers, request.body + ' ', SECRET), 'and not over another body');
    const body = JSON.parse(request.body);
    assert.equal(body.type, `weir.alert.${message.kind}`);
    assert.deepEqual(body.data, message);
  },
}));

it('webhook: the signature of the Standard Webhooks specification\'s own example', () => {
  assert.equal(
    webhookSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'),
    'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  );
});

it('webhook: the webhook-id is the delivery\'s, the same on every attempt, so a receiver can drop a retry it already has', async () => {
  const h = await httpHarness({ secrets: [SECRET], channel: (base) => createWebhookChannel('w', { type: 'webhook', url: `${base}/h`, secret: SECRET }), checkReceived() {} });
  try {
    await h.channel.send(contractMessage(), { deliveryId: 'abc', nowMs: 1_000_000, timeoutMs: 5000 });
    await h.channel.send(contractMessage(), { deliveryId: 'abc', nowMs: 2_000_000, timeoutMs: 5000 });
    const ids = (await h.received()).map((r) => (r as { headers: Record<string, string> }).headers['webhook-id']);
    assert.deepEqual(ids, ['msg_abc', 'msg_abc']);
  } finally {
    await h.close();
  }
});
