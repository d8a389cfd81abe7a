// Staged data stays out of readers' way, in process on real DuckDB and SQLite: a reader's glob over the output
// folder never sees a file being staged, and failing data is kept under a reserved name no asset can take.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { asset, check, rowCount } from '../../src/index.js';
import { WeirErrors } from '../../src/shared/errors.js';
import { materialize, type MaterializeResult } from '../../src/testing/index.js';
import { scratchSpace } from './scratch-space.js';

const { open, tempDir } = scratchSpace('weir-staging-');

describe('staged data and readers', () => {
  it("a reader's read_parquet('output/*.parquet') run while an asset is being staged sees only published files", async () => {
    const root = tempDir();
    const glob = join(root, 'output', '*.parquet').replaceAll("'", "''");
    const seen: { files: string[]; rows: number }[] = [];
    const published = asset({ key: 'published', io: { path: 'output/published.parquet' } }, () => 'select * from range(2) t(n)');
    // A raw file asset: its function writes the staged file itself, and its check runs while that file is staged.
    const staged = asset({
      key: 'staged', deps: [published], io: { path: 'output/staged.parquet', format: 'raw' },
      checks: [check('reader_sees_published_only', async (ctx) => {
        const [row] = await ctx.query<{ n: number }>(`select count(*)::int as n from read_parquet('${glob}')`);
        seen.push({ files: readdirSync(join(root, 'output')).sort(), rows: row!.n });
        return { passed: row!.n === 2, observed: row!.n, expected: 2 };
      })],
    }, async (_inputs, ctx) => {
      await ctx.run(`copy (select * from range(1000) t(n)) to '${ctx.outputPath!.replaceAll("'", "''")}' (format parquet)`);
    });
    const result = await materialize({ assets: [published, staged], root });
    open.push(result);
    assert.equal(result.status, 'SUCCESS', result.events.filter((e) => e.type === 'STEP_FAILURE').map((e) => e.message).join('\n'));
    assert.equal(seen.length, 1);
    // The staged file was there, hidden and without the .parquet extension, and the glob did not read its 1,000 rows.
    assert.equal(seen[0]!.rows, 2);
    assert.equal(seen[0]!.files.length, 2, seen[0]!.files.join(', '));
    assert.equal(seen[0]!.files[1], 'published.parquet');
    assert.match(seen[0]!.files[0]!, /^\.staged\.parquet\.weir-stage-[a-z0-9]{8}$/);
    assert.deepEqual(readdirSync(join(root, 'output')).sort(), ['published.parquet', 'staged.parquet'], 'no staged file left');
  });

  it("a failed check keeps the failing data under the asset's own reserved name, never on another asset's table", async () => {
    let rows = 3;
    const orders = asset({ key: 'orders', checks: [rowCount({ equals: 3 })] }, () => `select * from range(${rows}) t(n)`);
    // Under the old audit name (`<table>__audit`), a failed check of 'orders' replaced this asset's table.
    const neighbour = asset({ key: 'orders__audit' }, () => "select 'mine' as owner");
    const first = await materialize({ assets: [orders, neighbour] });
    open.push(first);
    assert.equal(first.status, 'SUCCESS');
    rows = 5;
    const second = await materialize({ assets: [orders, neighbour], select: 'orders', reuse: first });
    assert.equal(second.status, 'FAILURE');
    assert.deepEqual(await second.query('select owner from main.orders__audit'), [{ owner: 'mine' }]);
    assert.deepEqual(await second.query('select count(*)::int as n from main.orders'), [{ n: 3 }]);
    assert.deepEqual(await second.query('select count(*)::int as n from main.orders__weir_audit'), [{ n: 5 }]);
    // And no asset can take the reserved name: declaring one is a load error, before anything runs.
    const squatter = asset({ key: 'squatter', io: { table: 'orders__weir_audit' } }, () => 'select 1 as x');
    const error = await materialize({ assets: [orders, squatter], reuse: first }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof WeirErrors, String(error));
    assert.equal(error.errors[0]!.code, 'RESERVED_LOCATION');
    assert.match(error.message, /staging-isolation\.test\.ts:\d+:\d+: asset 'squatter' cannot publish where it does: its table main\.orders__weir_audit is reserved/);
  });
});
