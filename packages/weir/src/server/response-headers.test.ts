// Framing and sniffing headers on every answer: API data, errors of every kind, refusals, streams and the UI's files.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from './app.js';
import { openServerFixture } from './server-fixture.js';

const TOKEN = 'tok-headers-0123456789abcdef0123456789';
const root = mkdtempSync(join(tmpdir(), 'weir-headers-'));
writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
const fixture = await openServerFixture({ seed: false });
const app = createApp({ project: () => fixture.snapshot, storage: fixture.storage, staticRoot: root });
const guarded = createApp({ project: () => fixture.snapshot, storage: fixture.storage, security: { token: TOKEN } });
after(async () => {
  await fixture.close();
  rmSync(root, { recursive: true, force: true });
});

function assertFramingHeaders(res: Response, what: string): void {
  assert.equal(res.headers.get('x-frame-options'), 'DENY', what);
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, what);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(res.headers.get('strict-transport-security'), null, `${what}: no HSTS on a local tool`);
}

describe('response headers', () => {
  it('X-Frame-Options: DENY and frame-ancestors \'none\' on data, errors and refusals', async () => {
    const answers: Array<[string, Response, number]> = [
      ['data', await app.request('/api/project'), 200],
      ['UI file', await app.request('/'), 200],
      ['UI route', await app.request('/runs/abc'), 200],
      ['not found', await app.request('/api/nope'), 404],
      ['bad query', await app.request('/api/runs?limit=100000'), 400],
      ['foreign host', await app.request('/api/project', { headers: { host: 'evil.example' } }), 403],
      ['foreign origin', await app.request('/api/runs', { method: 'POST', headers: { origin: 'http://evil.example' } }), 403],
      ['too large', await app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(2 * 1024 * 1024) }), 413],
      ['not JSON', await app.request('/api/session', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }), 415],
      ['no token', await guarded.request('/api/runs'), 401],
    ];
    for (const [what, res, status] of answers) {
      assert.equal(res.status, status, what);
      assertFramingHeaders(res, what);
    }
  });

  it('on a live event stream too', async () => {
    const controller = new AbortController();
    const res = await app.request('/api/events/stream', { signal: controller.signal });
    assert.equal(res.status, 200);
    assertFramingHeaders(res, 'stream');
    await res.body?.cancel();
    controller.abort();
  });
});
