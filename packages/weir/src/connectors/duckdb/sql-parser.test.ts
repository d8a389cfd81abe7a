// DuckDB's parser alone: syntax errors as a run reports them, no binding, nothing executed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from './duckdb-warehouse.js';
import { SqlParser } from './sql-parser.js';

describe('SqlParser', () => {
  let parser: SqlParser;
  const dir = mkdtempSync(join(tmpdir(), 'weir-parser-'));
  before(async () => { parser = await SqlParser.open(); });
  after(() => { parser.close(); rmSync(dir, { recursive: true, force: true }); });

  it('gives the message and line a run of the same SQL gives', async () => {
    const sql = 'select a,\n  b\nform t';
    const parsed = await parser.syntaxError(sql);
    const warehouse = await DuckDbWarehouse.open(':memory:');
    const session = await warehouse.connect();
    const ran = await session.run(sql).then(() => undefined, (e: Error) => e);
    warehouse.close();
    assert.ok(parsed && ran);
    assert.equal(parsed.message, ran.message);
    assert.match(parsed.message, /^Parser Error: syntax error at or near "t"\n\nLINE 3: form t/);
  });

  it('parses what names missing tables and columns (nothing is bound)', async () => {
    assert.equal(await parser.syntaxError('select nope from missing_table join other using (id) where x > 1'), undefined);
    assert.equal(await parser.syntaxError("create table t as select 1; select * from t"), undefined);
  });

  it('executes nothing', async () => {
    const file = join(dir, 'out.csv');
    assert.equal(await parser.syntaxError(`copy (select 1) to '${file}'`), undefined);
    assert.equal(existsSync(file), false);
  });

  it('reports an unfinished statement', async () => {
    assert.match((await parser.syntaxError('select 1 +'))?.message ?? '', /^Parser Error: syntax error at end of input/);
  });
});
