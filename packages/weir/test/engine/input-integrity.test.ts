// Inputs are read completely or not at all, in process on real DuckDB and SQLite: a ragged, mis-encoded or emptied
// input file fails its step with the file and line, and the last good data stays published.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asset, load } from '../../src/index.js';
import { isWeirError } from '../../src/shared/errors.js';
import { materialize, type MaterializeResult } from '../../src/testing/index.js';
import { scratchSpace } from './scratch-space.js';
import { writeExcelFromQuery } from '../../src/connectors/excel/write-excel-from-query.js';

const { open, tempDir } = scratchSpace('weir-inputs-');

/** The failure of the run's only failed step: its error code and message. */
function failure(result: MaterializeResult): { code?: string; message: string } {
  const event = result.events.find((e) => e.type === 'STEP_FAILURE');
  assert.ok(event && event.type === 'STEP_FAILURE', `expected a failed step, got ${result.status}`);
  return { code: event.data.error.code, message: event.data.error.message };
}

describe('input integrity', () => {
  it('an input that becomes empty fails when it had rows before, and keeps the last good table', async () => {
    const root = tempDir();
    const file = join(root, 'orders.csv');
    writeFileSync(file, 'id,amount\n1,10\n2,20\n3,30\n');
    const orders = asset({ key: 'orders' }, () => load.csv('orders.csv'));
    const first = await materialize({ assets: [orders], root });
    open.push(first);
    assert.equal(first.status, 'SUCCESS');
    writeFileSync(file, 'id,amount\n');
    const emptied = await materialize({ assets: [orders], reuse: first });
    assert.equal(emptied.status, 'FAILURE');
    const { code, message } = failure(emptied);
    assert.equal(code, 'INPUT_BECAME_EMPTY');
    assert.match(message, new RegExp(`asset 'orders' loaded 0 rows from orders\\.csv, where its last materialization \\(run ${first.runId.slice(0, 8)}\\) had 3 rows; nothing was published\\. .*set allowEmpty: true on the asset`));
    assert.deepEqual(await emptied.query('select count(*)::int as n from main.orders'), [{ n: 3 }]);
    // allowEmpty: true publishes it.
    const allowed = asset({ key: 'orders', allowEmpty: true }, () => load.csv('orders.csv'));
    const published = await materialize({ assets: [allowed], reuse: first });
    assert.equal(published.status, 'SUCCESS');
    assert.deepEqual(await published.query('select count(*)::int as n from main.orders'), [{ n: 0 }]);
  });

  it('an input that was never materialized, or was empty before, may load empty', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'none.csv'), 'id,amount\n');
    const none = asset({ key: 'none' }, () => load.csv('none.csv'));
    const first = await materialize({ assets: [none], root });
    open.push(first);
    assert.equal(first.status, 'SUCCESS');
    assert.equal((await materialize({ assets: [none], reuse: first })).status, 'SUCCESS');
  });

  it('a ragged or mis-encoded csv fails its step with the file and line; the published table is untouched', async () => {
    const root = tempDir();
    const file = join(root, 'products.csv');
    writeFileSync(file, 'id,name\n1,wine\n2,cheese\n');
    const products = asset({ key: 'products' }, () => load.csv('products.csv'));
    const first = await materialize({ assets: [products], root });
    open.push(first);
    assert.equal(first.status, 'SUCCESS');
    writeFileSync(file, 'id,name\n1,wine\n2,cheese,extra\n');
    const ragged = await materialize({ assets: [products], reuse: first });
    assert.equal(failure(ragged).code, 'CSV_WRONG_FIELD_COUNT');
    assert.match(failure(ragged).message, /products\.csv:3: the csv file has rows with the wrong number of fields: line 3 has 3 fields where the header \(line 1\) has 2\./);
    writeFileSync(file, Buffer.concat([Buffer.from('id,name\n1,wine\n2,ros'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const latin1 = await materialize({ assets: [products], reuse: first });
    assert.equal(failure(latin1).code, 'FILE_ENCODING');
    assert.match(failure(latin1).message, /products\.csv:3: the csv file is not UTF-8: .*'é'.*encoding: 'latin-1'/);
    assert.deepEqual(await latin1.query('select name from main.products order by id'), [{ name: 'wine' }, { name: 'cheese' }]);
  });

  it('a truncated workbook fails its step and the table keeps its last good rows', async () => {
    const root = tempDir();
    const file = join(root, 'erp.xlsx');
    const erp = asset({ key: 'erp' }, () => load.excel('erp.xlsx'));
    const seed = await materialize({ assets: [asset({ key: 'seed' }, () => 'select 1 as x')], root });
    open.push(seed);
    const session = await seed.warehouse.connect();
    try {
      await writeExcelFromQuery(session, 'select i as product_id, i * 1.5 as price from range(2000) t(i)', file, { sheet: 'Feuil1' });
    } finally {
      session.close();
    }
    const first = await materialize({ assets: [erp], reuse: seed });
    assert.equal(first.status, 'SUCCESS');
    const bytes = readFileSync(file);
    // Cut where its central directory starts: every part is still there, only the end of the zip is missing.
    const directoryStart = bytes.readUInt32LE(bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) + 16);
    writeFileSync(file, bytes.subarray(0, directoryStart));
    const truncated = await materialize({ assets: [erp], reuse: seed });
    assert.equal(failure(truncated).code, 'EXCEL_UNREADABLE');
    assert.match(failure(truncated).message, /erp\.xlsx: not a readable \.xlsx workbook \(the file ends early/);
    assert.deepEqual(await truncated.query('select count(*)::int as n from main.erp'), [{ n: 2000 }]);
  });

  it("a loaded file's path, size and SHA-256 are in the materialization's metadata", async () => {
    const root = tempDir();
    const text = 'id,amount\n1,10\n2,20\n';
    writeFileSync(join(root, 'orders.csv'), text);
    const one = asset({ key: 'orders' }, () => load.csv('orders.csv'));
    const sql = asset({ key: 'totals' }, () => 'select 1 as n');
    const result = await materialize({ assets: [one, sql], root });
    open.push(result);
    assert.equal(result.status, 'SUCCESS');
    const metadataOf = (key: string) => {
      const event = result.events.find((e) => e.type === 'ASSET_MATERIALIZATION' && e.stepKey === key);
      return (event?.data as { metadata?: Record<string, unknown> } | undefined)?.metadata;
    };
    assert.deepEqual(metadataOf('orders'), { loaded: { path: 'orders.csv', sha256: createHash('sha256').update(text).digest('hex'), bytes: text.length } });
    assert.deepEqual(metadataOf('totals'), {}, 'nothing loaded, nothing recorded');
  });

  it('allowEmpty is validated with the other options', () => {
    assert.throws(() => asset({ key: 'x', allowEmpty: 'yes' as unknown as boolean }, () => 'select 1'), (error: unknown) => {
      assert.ok(isWeirError(error));
      assert.match(error.message, /asset 'x': option 'allowEmpty' is invalid: .*\(expected true or false\)/);
      return true;
    });
  });
});
