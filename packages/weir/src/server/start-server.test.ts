// startServer: a real port (the one test file that opens one), real HTTP requests, a clean close with a stream open,
// and the API's closing rules over a real socket (body limit, origin, content type, redirects, headers).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startServer } from './start-server.js';
import { openServerFixture } from './server-fixture.js';

describe('startServer', () => {
  it('serves the app on 127.0.0.1, refuses a foreign Host, and closes with a live stream open', async () => {
    const f = await openServerFixture({ seed: false });
    const server = await startServer({ app: f.app, port: 0 });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${server.url}/api/project`);
      assert.equal(res.status, 200);
      assert.equal((await res.json() as any).name, 'shop');
      // fetch() drops a Host header, so the rebinding case goes through node:http.
      const foreign = await new Promise<number>((resolve, reject) => {
        request(`${server.url}/api/project`, { headers: { host: 'evil.example:3000' } }, (res) => { res.resume(); resolve(res.statusCode!); }).on('error', reject).end();
      });
      assert.equal(foreign, 403);
      const stream = await fetch(`${server.url}/api/events/stream`);
      assert.equal(stream.status, 200);
      const reader = stream.body!.getReader();
      assert.match(new TextDecoder().decode((await reader.read()).value), /retry: 1000/);
      const started = Date.now();
      await server.close();
      assert.ok(Date.now() - started < 5000);
      await reader.cancel().catch(() => undefined);
    } finally {
      await server.close().catch(() => undefined);
      await f.close();
    }
  });

  it('closes the API over real HTTP: 1 MB body limit (declared or chunked), exact origin, JSON only, same-origin redirects, framing headers', async () => {
    const f = await openServerFixture({ seed: false });
    const server = await startServer({ app: f.app, port: 0 });
    try {
      const { hostname, port } = new URL(server.url);
      const raw = (method: string, path: string, headers: Record<string, string>, body?: string | string[]) => new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
        const req = request({ hostname, port, path, method, headers, agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk) => { text += chunk; }).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
        }).on('error', reject);
        for (const part of Array.isArray(body) ? body : body === undefined ? [] : [body]) req.write(part);
        req.end();
      });
      const json = { 'content-type': 'application/json' };
      const big = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: json, body: JSON.stringify({ tags: { note: 'x'.repeat(2 * 1024 * 1024) } }) });
      assert.equal(big.status, 413);
      assert.equal((await big.json() as any).error.code, 'BODY_TOO_LARGE');
      assert.equal(big.headers.get('x-frame-options'), 'DENY');
      // Chunked, no Content-Length: refused once 1 MB has arrived (the client may see the answer or a reset).
      const chunk = 'x'.repeat(256 * 1024);
      const chunked = await raw('POST', '/api/runs', { ...json, 'transfer-encoding': 'chunked' }, ['{"tags":{"note":"', ...Array(8).fill(chunk), '"}}']).catch((error: NodeJS.ErrnoException) => {
        // The server may close the socket while the client still writes: only a reset counts as refused.
        assert.match(String(error.code), /ECONNRESET|EPIPE/);
        return { status: 413, headers: {}, text: String(error) };
      });
      assert.equal(chunked.status, 413, chunked.text);
      const foreign = await raw('POST', '/api/runs/ffffffff/cancel', { ...json, origin: 'http://localhost:5173' }, '{}');
      assert.equal(foreign.status, 403);
      assert.match(foreign.text, /FORBIDDEN_ORIGIN/);
      const own = await raw('POST', '/api/runs/ffffffff/cancel', { ...json, origin: server.url }, '{}');
      assert.equal(own.status, 404, 'the page\'s own origin reaches the route');
      const noOrigin = await raw('POST', '/api/runs/ffffffff/cancel', json, '{}');
      assert.equal(noOrigin.status, 404, 'no Origin, from 127.0.0.1: reaches the route');
      const text = await raw('POST', '/api/runs', { 'content-type': 'text/plain' }, '{"select":"orders"}');
      assert.equal(text.status, 415);
      const redirect = await raw('GET', '/api/session?token=x&next=/%5Cevil.example', {});
      assert.equal(redirect.status, 400);
      assert.equal(redirect.headers.location, undefined);
      const page = await raw('GET', '/api/project', {});
      assert.equal(page.headers['x-frame-options'], 'DENY');
      assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
      assert.equal(await f.storage.runs.countRuns(), 0);
    } finally {
      await server.close();
      await f.close();
    }
  });

  it('says clearly when the port is taken', async () => {
    const f = await openServerFixture({ seed: false });
    const first = await startServer({ app: f.app, port: 0 });
    try {
      await assert.rejects(startServer({ app: f.app, port: first.port }), /already in use/);
    } finally {
      await first.close();
      await f.close();
    }
  });
});
