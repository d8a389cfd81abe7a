// GET /api/project, and the promise behind it: no response of any route ever holds a secret setting's value.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProjectConfig } from '../../loaders/project/load-project-config.js';
import { projectSchema } from '../api-schemas.js';
import { SECRET, SECRET_BASIC, openServerFixture, type ServerFixture } from '../server-fixture.js';

describe('GET /api/project', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture(); });
  after(() => f.close());

  it('shows name, settings with secret values masked, counts and the graph hash', async () => {
    const { status, body } = await f.json('/api/project', projectSchema);
    assert.equal(status, 200);
    assert.equal(body.name, 'shop');
    assert.deepEqual(body.settings, [
      { name: 'api_key', value: '***', secret: true, source: 'env' },
      { name: 'data_dir', value: 'data', secret: false, source: 'default' },
    ]);
    assert.deepEqual(body.counts, { assets: 5, externals: 1, checks: 3 });
    assert.equal(body.graphHash, f.snapshot.graph.hash());
    assert.equal(body.version, 1);
    assert.equal(typeof body.loadedAt, 'number');
    assert.equal(body.loadError, null);
  });

  it('shows the latest load error with file and line, secrets masked, while serving the last good definitions', async () => {
    f.snapshot.loadError = {
      message: `definitions/orders.ts:4:9: loading definitions failed: bad key ${SECRET}.`, file: 'definitions/orders.ts', line: 4, column: 9,
      hint: `Fix the code at that line (${SECRET}).`, code: 'DEFINITIONS_LOAD', failedAt: 1_700_000_000_000,
    };
    try {
      const response = await f.request('/api/project');
      const text = await response.text();
      assert.ok(!text.includes(SECRET), 'the secret is masked');
      const body = projectSchema.parse(JSON.parse(text));
      assert.deepEqual(body.loadError, {
        message: 'definitions/orders.ts:4:9: loading definitions failed: bad key ***.', file: 'definitions/orders.ts', line: 4, column: 9,
        hint: 'Fix the code at that line (***).', code: 'DEFINITIONS_LOAD', failedAt: 1_700_000_000_000,
      });
      assert.deepEqual(body.counts, { assets: 5, externals: 1, checks: 3 }, 'still the last good definitions');
    } finally {
      delete f.snapshot.loadError;
    }
  });

  it('shows the project\'s warnings (a secret too short to mask) as loading gave them, without the value', async () => {
    assert.deepEqual((await f.json('/api/project', projectSchema)).body.warnings, [], 'none for this project');
    const dir = mkdtempSync(join(tmpdir(), 'weir-project-warnings-'));
    try {
      writeFileSync(join(dir, 'weir.yaml'), 'name: w\nsettings:\n  pin: { env: PIN, secret: true }\n');
      const { warnings } = loadProjectConfig(dir, { PIN: '4711' });
      f.snapshot.definitions.project.warnings = warnings;
      const text = await (await f.request('/api/project')).text();
      const body = projectSchema.parse(JSON.parse(text));
      assert.equal(body.warnings.length, 1);
      assert.match(body.warnings[0]!, /^weir\.yaml: secret setting 'pin' has a value of only 4 characters: .* Set PIN to a value of at least 8 characters/);
      assert.ok(!text.includes('4711'), 'the value itself is never sent');
    } finally {
      delete f.snapshot.definitions.project.warnings;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never sends a secret value, in any route, stream or error', async () => {
    const { ok, failed } = f.runs;
    const paths = [
      '/api/project', '/api/assets', '/api/assets/sales/by_customer', '/api/assets/orders', '/api/lineage', '/api/checks',
      '/api/runs', `/api/runs/${ok}`, `/api/runs/${failed}`, `/api/runs/${ok}/events?limit=5000`, `/api/runs/${failed}/events`,
      `/api/runs/${ok}/events/stream`, '/api/openapi.json', `/api/assets/${SECRET}`, `/api/runs?asset=${SECRET}`,
    ];
    let bytes = 0;
    for (const path of paths) {
      const text = await (await f.request(path)).text();
      bytes += text.length;
      assert.ok(!text.includes(SECRET), `${path} leaks the secret`);
      assert.ok(!text.includes(SECRET_BASIC), `${path} leaks the secret in base64`);
    }
    assert.ok(bytes > 20_000, 'the responses were real');
    // The secret does reach places on its way: the asset's description (in memory) and the asset's log call.
    assert.ok(f.snapshot.definitions.assets.some((a) => a.description?.includes(SECRET) && a.description.includes(SECRET_BASIC)));
    const logs = await f.storage.events.eventsForRun(ok, { types: ['LOG'] });
    assert.ok(logs.some((e) => e.message.includes('reading with key ***')), 'the log line exists, masked');
  });
});
