// Failed token attempts are rate-limited per client address: the 11th distinct wrong token within a minute is
// answered 429 with Retry-After, right tokens too while it lasts; other addresses, and a repeated stale cookie, are not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FAILED_TOKEN_ATTEMPTS, TOKEN_ATTEMPT_WINDOW_MS, TokenAttempts } from './token-attempts.js';
import { openServerFixture, type ServerFixture } from './server-fixture.js';

const TOKEN = 'tok-attempts-0123456789abcdef012345';
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
const json = { 'content-type': 'application/json' };

describe('TokenAttempts', () => {
  it('opens a window at the first failure and refuses after the limit until it ends', () => {
    let now = 1_000_000;
    const attempts = new TokenAttempts(() => now);
    for (let i = 0; i < MAX_FAILED_TOKEN_ATTEMPTS; i++) {
      assert.equal(attempts.retryAfterMs('a'), 0, `attempt ${i + 1}`);
      attempts.recordFailure('a', `guess-${i}`);
      now += 1000;
    }
    assert.equal(attempts.retryAfterMs('a'), TOKEN_ATTEMPT_WINDOW_MS - 10_000);
    assert.equal(attempts.retryAfterMs('b'), 0, 'another address');
    now += TOKEN_ATTEMPT_WINDOW_MS - 10_000;
    assert.equal(attempts.retryAfterMs('a'), 0, 'the window ended');
  });

  it('counts distinct wrong tokens: one stale cookie sent by every request is one failure', () => {
    const attempts = new TokenAttempts(() => 0);
    for (let i = 0; i < 100; i++) attempts.recordFailure('a', 'stale');
    assert.equal(attempts.retryAfterMs('a'), 0);
  });
});

describe('failed token attempts over the API', () => {
  let f: ServerFixture;
  let now = 5_000_000;
  before(async () => { f = await openServerFixture({ seed: false, security: { token: TOKEN }, now: () => now }); });
  after(() => f.close());
  const signIn = (token: string, address: string) => f.app.request('/api/session', { method: 'POST', headers: json, body: JSON.stringify({ token }) }, from(address));

  it('answers 401 to ten wrong tokens, then 429 with Retry-After to any token from that address, for a minute', async () => {
    for (let i = 0; i < MAX_FAILED_TOKEN_ATTEMPTS; i++) assert.equal((await signIn(`guess-${i}`, '10.1.1.1')).status, 401, `guess ${i + 1}`);
    now += 15_000;
    const limited = await signIn('guess-10', '10.1.1.1');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '45');
    const body = await limited.json() as any;
    assert.equal(body.error.code, 'TOO_MANY_TOKEN_ATTEMPTS');
    assert.match(body.error.message, /try again in 45 s/);
    // The right token is refused too while it lasts: a guess must not be confirmed.
    assert.equal((await signIn(TOKEN, '10.1.1.1')).status, 429);
    assert.equal((await f.app.request('/api/runs', { headers: { authorization: `Bearer ${TOKEN}` } }, from('10.1.1.1'))).status, 429);
    assert.equal((await f.app.request('/api/session?token=guess&next=/', {}, from('10.1.1.1'))).status, 429);
    // Another address is not affected.
    assert.equal((await signIn(TOKEN, '10.2.2.2')).status, 200);
    now += 45_000;
    assert.equal((await signIn(TOKEN, '10.1.1.1')).status, 200, 'after the window');
  });

  it('counts wrong bearer headers and cookies on any /api request', async () => {
    for (let i = 0; i < MAX_FAILED_TOKEN_ATTEMPTS; i++) {
      const headers: Record<string, string> = i % 2 ? { authorization: `Bearer wrong-${i}` } : { cookie: `weir_token=wrong-${i}` };
      assert.equal((await f.app.request('/api/runs', { headers }, from('10.3.3.3'))).status, 401);
    }
    assert.equal((await f.app.request('/api/runs', { headers: { authorization: 'Bearer wrong-x' } }, from('10.3.3.3'))).status, 429);
  });

  it('does not count requests without a token, nor one stale cookie repeated', async () => {
    for (let i = 0; i < 30; i++) {
      assert.equal((await f.app.request('/api/runs', {}, from('10.4.4.4'))).status, 401);
      assert.equal((await f.app.request('/api/runs', { headers: { cookie: 'weir_token=old-token' } }, from('10.4.4.4'))).status, 401);
    }
    assert.equal((await signIn(TOKEN, '10.4.4.4')).status, 200);
  });
});
