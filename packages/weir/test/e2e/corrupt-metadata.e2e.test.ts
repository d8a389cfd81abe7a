// A damaged metadata file (.weir/metadata.sqlite): every command names the file, says the warehouse is untouched and
// how to recover, never "a bug in Weir" or a stack; following its advice brings the project back.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openSync, readSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { TempDirs, duckQuery, stackLines, weir, weirJson, type RunJson } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

/** Asserts the clear message for `metadata` and returns the recovery command it gives. */
function assertCorruptMessage(stderr: string, metadata: string): string {
  assert.deepEqual(stackLines(stderr), []);
  assert.doesNotMatch(stderr, /bug in Weir/);
  assert.ok(stderr.includes(`error ${metadata}: Weir's metadata file (run history) is damaged or is not a SQLite database`), stderr);
  assert.match(stderr, /The warehouse and the published data are untouched\./);
  const mv = /(mv '[^']+' '[^']+')/.exec(stderr)?.[1];
  assert.equal(mv, `mv '${metadata}' '${metadata}.broken'`);
  return mv!;
}

async function project(): Promise<{ dir: string; metadata: string; warehouse: string }> {
  const dir = join(temp.make('weir-corrupt-'), 'shop');
  assert.equal((await weir(['init', dir])).code, 0);
  const run = await weir(['run'], { cwd: dir });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  return { dir, metadata: join(dir, '.weir/metadata.sqlite'), warehouse: join(dir, '.weir/warehouse.duckdb') };
}

describe('a damaged metadata file', () => {
  it('garbage instead of SQLite: `weir runs` and `weir run` say so, and the advice recovers the project', async () => {
    const { dir, metadata, warehouse } = await project();
    writeFileSync(metadata, Buffer.alloc(8192, 0x5a));
    for (const args of [['runs'], ['run'], ['run-info', 'abc'], ['assets']]) {
      const r = await weir(args, { cwd: dir });
      assert.equal(r.code, 1, `weir ${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assertCorruptMessage(r.stderr, metadata);
    }
    assert.deepEqual(await duckQuery('select count(*)::integer as n from w.main.orders', warehouse), [{ n: 4 }], 'the warehouse kept its data');

    const mv = assertCorruptMessage((await weir(['runs'], { cwd: dir })).stderr, metadata);
    execFileSync('/bin/sh', ['-c', mv]);
    const again = await weir(['run'], { cwd: dir });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const runs = await weirJson<RunJson[]>(['runs'], { cwd: dir });
    assert.equal(runs.length, 1, 'a new, empty history');
  });

  it('a page damaged inside the file is met mid-run: the same clear message, not "a bug in Weir"', async () => {
    const { dir, metadata } = await project();
    for (let i = 0; i < 4; i++) assert.equal((await weir(['run'], { cwd: dir })).code, 0);
    // Keep the header and the schema (page 1) intact so the file opens; overwrite the middle of the data pages.
    const size = statSync(metadata).size;
    const fd = openSync(metadata, 'r+');
    const header = Buffer.alloc(16);
    readSync(fd, header, 0, 16, 0);
    assert.equal(header.toString('latin1', 0, 15), 'SQLite format 3');
    writeSync(fd, Buffer.alloc(Math.floor(size / 2) - 4096, 0x13), 0, Math.floor(size / 2) - 4096, 4096);
    closeSync(fd);
    const r = await weir(['run'], { cwd: dir });
    assert.notEqual(r.code, 0);
    assertCorruptMessage(r.stderr, metadata);
  });
});
