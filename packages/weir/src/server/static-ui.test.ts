import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServerFixture } from './server-fixture.js';
import { createApp } from './app.js';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';

const root = mkdtempSync(join(tmpdir(), 'weir-static-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(join(root, 'assets/index-3f2a1c.js'), 'console.log(1)');
writeFileSync(join(root, 'favicon.svg'), '<svg/>');
writeFileSync(join(tmpdir(), 'weir-static-secret.txt'), 'secret');
const fixture = await openServerFixture({ seed: false });
const app = createApp({ project: () => fixture.snapshot, storage: fixture.storage, staticRoot: root });
after(async () => {
  await fixture.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(join(tmpdir(), 'weir-static-secret.txt'), { force: true });
});

describe('static UI', () => {
  it('serves files with their content type; hashed assets are cached for good, the rest revalidated', async () => {
    const js = await app.request('/assets/index-3f2a1c.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(await js.text(), 'console.log(1)');
    const svg = await app.request('/favicon.svg');
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
    assert.equal(svg.headers.get('cache-control'), 'no-cache');
  });

  it('answers index.html for other paths (history routing), never for /api', async () => {
    for (const path of ['/', '/runs/5b0e1c2a', '/assets/sales/orders']) {
      const page = await app.request(path);
      assert.equal(page.status, 200, path);
      assert.match(page.headers.get('content-type')!, /text\/html/);
      assert.equal(page.headers.get('cache-control'), 'no-cache');
    }
    const api = await app.request('/api/nope');
    assert.equal(api.status, 404);
    assert.equal((await api.json() as { error: { code: string } }).error.code, 'NOT_FOUND');
    assert.equal((await app.request('/api/runs')).status, 200);
  });

  it('never serves a file outside its folder, and keeps the Host check', async () => {
    const escape = await app.request('/..%2fweir-static-secret.txt');
    assert.doesNotMatch(await escape.text(), /secret/);
    const foreign = await app.request('/', { headers: { host: 'evil.example' } });
    assert.equal(foreign.status, 403);
  });

  it('serves the UI while DuckDB queries hold every thread of libuv\'s pool (where async file reads would wait)', async () => {
    writeFileSync(join(root, 'late.txt'), 'read while DuckDB is busy');
    const warehouse = await DuckDbWarehouse.open(':memory:');
    const controller = new AbortController();
    let queriesEnded = false;
    try {
      const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
      const sessions = await Promise.all(Array.from({ length: threads }, () => warehouse.connect()));
      // Each runs for minutes unless interrupted; each holds one pool thread while it runs.
      const queries = Promise.allSettled(sessions.map((session) => session.query('select count(*) from range(100000000000) t(i) where i % 7 = 3', [], { signal: controller.signal })))
        .then(() => { queriesEnded = true; });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const answers = await Promise.race([
        Promise.all([app.request('/runs/abc'), app.request('/late.txt')]),
        new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 5000).unref()),
      ]);
      assert.notEqual(answers, 'waited', 'the UI did not wait for DuckDB');
      const [page, file] = answers as [Response, Response];
      assert.equal(page.status, 200);
      assert.match(await page.text(), /id="root"/);
      assert.equal(await file.text(), 'read while DuckDB is busy');
      assert.equal(queriesEnded, false, 'answered while the queries were still running');
      controller.abort();
      await queries;
      sessions.forEach((session) => session.close());
    } finally {
      controller.abort();
      warehouse.close();
    }
  });
});
