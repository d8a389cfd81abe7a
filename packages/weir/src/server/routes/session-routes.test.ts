// The session cookie: HttpOnly and SameSite=Strict always, Secure over TLS, directly or behind a proxy that says so
// (X-Forwarded-Proto, believed only with trustProxy, which also makes the forwarded host the serving origin).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openServerFixture, type ServerFixture } from '../server-fixture.js';

const TOKEN = 'tok-session-0123456789abcdef0123456';
const json = { 'content-type': 'application/json' };

describe('session cookie', () => {
  let plain: ServerFixture;
  let proxied: ServerFixture;
  before(async () => {
    [plain, proxied] = await Promise.all([
      openServerFixture({ seed: false, security: { token: TOKEN } }),
      openServerFixture({ seed: false, security: { token: TOKEN, trustProxy: true } }),
    ]);
  });
  after(async () => { await Promise.all([plain.close(), proxied.close()]); });
  const cookieOf = async (f: ServerFixture, url: string, headers: Record<string, string> = {}) => {
    const res = await f.app.request(url, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify({ token: TOKEN }) });
    assert.equal(res.status, 200);
    return res.headers.get('set-cookie')!;
  };

  it('is Secure when served over https, not over http', async () => {
    assert.match(await cookieOf(plain, 'https://weir.example/api/session'), /; Secure/);
    const http = await cookieOf(plain, 'http://127.0.0.1:3000/api/session');
    assert.doesNotMatch(http, /Secure/);
    assert.match(http, /HttpOnly/);
    assert.match(http, /SameSite=Strict/);
    const redirect = await plain.app.request(`https://weir.example/api/session?token=${TOKEN}&next=/runs`);
    assert.match(redirect.headers.get('set-cookie')!, /; Secure/);
  });

  it('believes X-Forwarded-Proto: https only with trustProxy', async () => {
    assert.doesNotMatch(await cookieOf(plain, 'http://127.0.0.1:3000/api/session', { 'x-forwarded-proto': 'https' }), /Secure/);
    assert.match(await cookieOf(proxied, 'http://127.0.0.1:3000/api/session', { 'x-forwarded-proto': 'https' }), /; Secure/);
    assert.doesNotMatch(await cookieOf(proxied, 'http://127.0.0.1:3000/api/session', { 'x-forwarded-proto': 'http' }), /Secure/);
  });

  it('behind a trusted proxy, the serving origin is the forwarded one', async () => {
    const headers = { cookie: `weir_token=${TOKEN}`, host: '127.0.0.1:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'weir.example.com', origin: 'https://weir.example.com' };
    const cancel = (f: ServerFixture) => f.app.request('http://127.0.0.1:3000/api/runs/ffffffff/cancel', { method: 'POST', headers });
    assert.equal((await cancel(proxied)).status, 404, 'reaches the route');
    assert.equal((await cancel(plain)).status, 403, 'without trustProxy the page is not this server\'s');
  });
});
