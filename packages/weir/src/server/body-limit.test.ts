// The request body limit on every route: 1 MB, 413 in the API's JSON shape beyond it (declared length or chunked),
// nothing launched; bodies under it reach the route.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BODY_BYTES } from './body-limit.js';
import { openServerFixture, type ServerFixture } from './server-fixture.js';

const json = { 'content-type': 'application/json' };
/** A valid launch body of about `bytes` bytes: one tag value padded out (the schema refuses it, the limit comes first). */
const launchBody = (bytes: number) => JSON.stringify({ select: 'orders', tags: { note: 'x'.repeat(bytes - 40) } });
/** The same bytes sent in 64 KB chunks with no Content-Length, as a streaming client would. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 65_536));
      offset += 65_536;
    },
  });
}

describe('request body limit', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture({ seed: false }); });
  after(() => f.close());

  it('answers 413 with a JSON error to a body over 1 MB, and launches nothing', async () => {
    const res = await f.app.request('/api/runs', { method: 'POST', headers: json, body: launchBody(MAX_BODY_BYTES + 100) });
    assert.equal(res.status, 413);
    const body = await res.json() as any;
    assert.equal(body.error.code, 'BODY_TOO_LARGE');
    assert.match(body.error.message, /larger than 1 MB/);
    assert.equal(await f.storage.runs.countRuns(), 0);
  });

  it('counts the bytes of a chunked body that declares no length', async () => {
    const res = await f.app.request('/api/runs', { method: 'POST', headers: json, body: chunked(launchBody(2 * MAX_BODY_BYTES)), duplex: 'half' } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal((await res.json() as any).error.code, 'BODY_TOO_LARGE');
    assert.equal(await f.storage.runs.countRuns(), 0);
  });

  it('applies to every route, known or not', async () => {
    const big = 'x'.repeat(MAX_BODY_BYTES + 1);
    for (const [method, path] of [['POST', '/api/session'], ['POST', '/api/runs/ffffffff/cancel'], ['POST', '/api/runs/ffffffff/reexecute'], ['DELETE', '/api/session'], ['POST', '/api/nope'], ['POST', '/']]) {
      const res = await f.app.request(path!, { method, headers: json, body: big });
      assert.equal(res.status, 413, `${method} ${path}`);
    }
  });

  it('lets a body under the limit through to the route (whose schema then judges it)', async () => {
    const res = await f.app.request('/api/runs', { method: 'POST', headers: json, body: launchBody(MAX_BODY_BYTES - 1000) });
    assert.equal(res.status, 400);
    assert.equal((await res.json() as any).error.code, 'INVALID_BODY');
    const small = await f.app.request('/api/session', { method: 'POST', headers: json, body: JSON.stringify({ token: 'x' }) });
    assert.equal(small.status, 200);
  });
});
