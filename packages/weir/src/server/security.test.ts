// The security middleware in process: Host and Origin checks (DNS rebinding), the exact origin for state-changing
// requests, no-Origin requests from this machine only, token by header and by cookie, signing in through
// /api/session, and the binding rule (a token, of 32+ characters, beyond loopback).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openServerFixture, type ServerFixture } from './server-fixture.js';
import { assertBindingAllowed, hostName, isLoopbackAddress, tokensEqual } from './security.js';

const TOKEN = 'tok-5f1e0c9a8b7d';
/** What @hono/node-server hands the app for a client at `address`: the socket it came on. */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
const json = { 'content-type': 'application/json' };

describe('security: Host and Origin (no token)', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture({ seed: false }); });
  after(() => f.close());

  for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST', '127.0.0.1']) {
    it(`serves Host ${host}`, async () => {
      assert.equal((await f.request('/api/project', { headers: { host } })).status, 200);
    });
  }

  it('refuses a foreign Host with 403 JSON (DNS rebinding), on every path', async () => {
    for (const path of ['/api/project', '/api/runs', '/', '/api/session']) {
      const res = await f.request(path, { headers: { host: 'evil.example:3000' } });
      assert.equal(res.status, 403, path);
      const body = await res.json() as any;
      assert.equal(body.error.code, 'FORBIDDEN_HOST');
    }
    assert.equal((await f.request('/api/project', { headers: { host: '127.0.0.1.evil.example' } })).status, 403);
  });

  it('accepts its own and loopback Origins, refuses foreign and null ones', async () => {
    assert.equal((await f.request('/api/project', { headers: { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' } })).status, 200);
    assert.equal((await f.request('/api/project', { headers: { host: '127.0.0.1:3000', origin: 'http://localhost:5173' } })).status, 200);
    for (const origin of ['http://evil.example', 'https://evil.example:3000', 'null', 'file://']) {
      const res = await f.request('/api/project', { headers: { host: '127.0.0.1:3000', origin } });
      assert.equal(res.status, 403, origin);
      assert.equal((await res.json() as any).error.code, 'FORBIDDEN_ORIGIN');
    }
  });

  it('needs the exact serving origin (scheme, host and port) for a state-changing request, not any loopback port', async () => {
    const post = (origin: string, host = '127.0.0.1:3000') => f.app.request('/api/runs/ffffffff/cancel', { method: 'POST', headers: { host, origin, ...json }, body: '{}' });
    // Reaches the route (404: no such run) only from the page's own origin.
    assert.equal((await post('http://127.0.0.1:3000')).status, 404);
    assert.equal((await post('http://localhost:3000', 'localhost:3000')).status, 404);
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3001', 'https://127.0.0.1:3000', 'http://localhost:3000', 'http://evil.example', 'null']) {
      const res = await post(origin);
      assert.equal(res.status, 403, origin);
      const body = await res.json() as any;
      assert.equal(body.error.code, 'FORBIDDEN_ORIGIN', origin);
    }
    assert.match((await (await post('http://localhost:5173')).json() as any).error.message, /only pages served at http:\/\/127\.0\.0\.1:3000 itself/);
    // DELETE changes state too.
    assert.equal((await f.app.request('/api/session', { method: 'DELETE', headers: { host: '127.0.0.1:3000', origin: 'http://localhost:5173' } })).status, 403);
    assert.equal((await f.app.request('/api/session', { method: 'DELETE', headers: { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' } })).status, 200);
  });

  it('accepts a state-changing request without an Origin (the CLI, scripts) from this machine only', async () => {
    const post = (address?: string) => f.app.request('/api/runs/ffffffff/cancel', { method: 'POST' }, address ? from(address) : undefined);
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.8.9.10']) assert.equal((await post(address)).status, 404, address);
    assert.equal((await post()).status, 404, 'in process');
    for (const address of ['192.168.1.20', '10.0.0.5', '::ffff:10.0.0.5', 'fe80::1']) {
      const res = await post(address);
      assert.equal(res.status, 403, address);
      assert.equal((await res.json() as any).error.code, 'FORBIDDEN_CLIENT');
    }
    // Reads need no Origin from anywhere the Host rule lets through.
    assert.equal((await f.app.request('/api/project', {}, from('192.168.1.20'))).status, 200);
  });

  it('refuses a cross-site POST before it reaches the launcher', async () => {
    const res = await f.request('/api/runs', { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(res.status, 403);
    assert.equal((await f.storage.runs.countRuns()), 0);
  });

  it('needs no token when none is configured', async () => {
    const { body } = await f.json('/api/session');
    assert.deepEqual(body, { authenticated: true, tokenRequired: false });
  });
});

describe('security: access token', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture({ seed: false, security: { token: TOKEN } }); });
  after(() => f.close());
  const bare = (path: string, init: RequestInit = {}, env?: object) => f.app.request(path, init, env);

  it('answers 401 JSON to /api requests without the token or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: TOKEN }, { cookie: 'weir_token=nope' }] as Array<Record<string, string>>) {
      const res = await bare('/api/runs', { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal((await res.json() as any).error.code, 'UNAUTHORIZED');
    }
    assert.equal((await bare('/api/openapi.json')).status, 401);
    assert.equal((await bare('/api/runs/abc/events/stream')).status, 401);
  });

  it('accepts the token as a bearer header', async () => {
    assert.equal((await bare('/api/runs', { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
  });

  it('signs a browser in with GET /api/session?token=…: HttpOnly cookie, redirect, then the cookie alone works', async () => {
    const res = await bare(`/api/session?token=${TOKEN}&next=/runs`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/runs');
    const cookie = res.headers.get('set-cookie')!;
    assert.match(cookie, /^weir_token=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const pair = cookie.split(';')[0]!;
    assert.equal((await bare('/api/runs', { headers: { cookie: pair } })).status, 200);
    assert.deepEqual((await (await bare('/api/session', { headers: { cookie: pair } })).json() as any), { authenticated: true, tokenRequired: true });
  });

  it('signs in with POST /api/session and refuses a wrong token or an open redirect', async () => {
    const ok = await bare('/api/session', { method: 'POST', headers: json, body: JSON.stringify({ token: TOKEN }) });
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('set-cookie')!, /HttpOnly/);
    const wrong = await bare('/api/session', { method: 'POST', headers: json, body: JSON.stringify({ token: 'wrong' }) });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);
    assert.equal((await bare(`/api/session?token=${TOKEN}&next=//evil.example`)).status, 400);
    assert.deepEqual(await (await bare('/api/session')).json() as any, { authenticated: false, tokenRequired: true });
  });

  it('serves any Host with a token (the token keeps foreign pages out), and refuses a foreign Origin that has only the cookie', async () => {
    const cookie = { cookie: `weir_token=${TOKEN}`, host: 'build-box.lan:3000' };
    assert.equal((await bare('/api/runs', { headers: cookie })).status, 200);
    assert.equal((await bare('/api/runs', { headers: { ...cookie, origin: 'http://build-box.lan:3000' } })).status, 200);
    // The browser sends the cookie by itself, also for pages of other ports (the same site): it proves nothing.
    assert.equal((await bare('/api/runs', { headers: { ...cookie, origin: 'http://localhost:5173' } })).status, 403);
    const cancel = (headers: Record<string, string>) => bare('/api/runs/ffffffff/cancel', { method: 'POST', headers });
    assert.equal((await cancel({ ...cookie, origin: 'http://build-box.lan:3000' })).status, 404);
    assert.equal((await cancel({ ...cookie, origin: 'http://build-box.lan:5173' })).status, 403);
  });

  it('lets a valid bearer token through whatever the Origin or client address (no page can send that header cross-origin)', async () => {
    const bearer = { authorization: `Bearer ${TOKEN}`, host: 'build-box.lan:3000' };
    assert.equal((await bare('/api/runs', { headers: { ...bearer, origin: 'http://localhost:5173' } })).status, 200);
    assert.equal((await bare('/api/runs/ffffffff/cancel', { method: 'POST', headers: { ...bearer, origin: 'http://localhost:5173' } })).status, 404);
    assert.equal((await bare('/api/runs/ffffffff/cancel', { method: 'POST', headers: bearer }, from('192.168.1.20'))).status, 404);
    // A wrong one does not.
    const wrong = { authorization: 'Bearer nope', host: 'build-box.lan:3000' };
    assert.equal((await bare('/api/runs/ffffffff/cancel', { method: 'POST', headers: wrong }, from('192.168.1.21'))).status, 403);
    assert.equal((await bare('/api/runs/ffffffff/cancel', { method: 'POST', headers: { ...wrong, origin: 'http://localhost:5173' } }, from('192.168.1.21'))).status, 403);
  });
});

describe('security helpers', () => {
  it('compares tokens in constant time, whatever their lengths', () => {
    assert.equal(tokensEqual('abc', 'abc'), true);
    assert.equal(tokensEqual('abc', 'abd'), false);
    assert.equal(tokensEqual('abc', 'abcdef'), false);
  });

  it('reads host names without ports', () => {
    assert.equal(hostName('[::1]:3000'), '[::1]');
    assert.equal(hostName('LocalHost:80'), 'localhost');
    assert.equal(hostName('127.0.0.1'), '127.0.0.1');
  });

  it('refuses to bind beyond loopback without a token, or with one shorter than 32 characters', () => {
    assert.doesNotThrow(() => assertBindingAllowed('127.0.0.1', undefined));
    assert.doesNotThrow(() => assertBindingAllowed('::1', undefined));
    assert.doesNotThrow(() => assertBindingAllowed('localhost', 'a'), 'a short token on loopback is the user\'s choice');
    assert.doesNotThrow(() => assertBindingAllowed('0.0.0.0', 'x'.repeat(32)));
    assert.throws(() => assertBindingAllowed('0.0.0.0', undefined), /set WEIR_TOKEN.*openssl rand -hex 32/s);
    for (const token of ['a', 'tok', 'x'.repeat(31)]) {
      assert.throws(() => assertBindingAllowed('0.0.0.0', token), (error: any) => {
        assert.equal(error.code, 'TOKEN_TOO_SHORT');
        assert.match(error.message, new RegExp(`WEIR_TOKEN has ${token.length} characters?; serving on 0\\.0\\.0\\.0 needs a token of at least 32 characters`));
        assert.match(error.message, /openssl rand -hex 32/);
        return true;
      });
    }
    assert.throws(() => assertBindingAllowed('192.168.1.20', 'short'), /at least 32/);
  });

  it('knows loopback client addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', undefined]) assert.equal(isLoopbackAddress(a), true, String(a));
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', 'fe80::1', '128.0.0.1']) assert.equal(isLoopbackAddress(a), false, a);
  });
});
