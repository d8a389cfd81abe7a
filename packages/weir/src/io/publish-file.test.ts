/** Tests of write-audit-publish for files. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { publishFile } from './publish-file.js';
import { stagingFilePath } from '../shared/reserved-names.js';

describe('publishFile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-publish-file-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  test('stagingFilePath sits next to the final path and keeps the extension', () => {
    assert.equal(stagingFilePath('out/revenue.xlsx', '01JD3K5V8Q-7c2e9a41'), 'out/.revenue.xlsx.weir-stage-01jd3k5v');
    assert.equal(dirname(stagingFilePath('/a/b/c.parquet', 'r')), '/a/b');
  });

  test('renames the staged file into place, creating the folder and replacing the old file', async () => {
    const final = join(dir, 'exports', 'revenue.csv');
    const staged = join(dir, 'staged.csv');
    await writeFile(staged, 'v1');
    await publishFile(staged, final);
    assert.equal(await readFile(final, 'utf8'), 'v1');
    const staged2 = stagingFilePath(final, 'run2');
    await writeFile(staged2, 'v2');
    await publishFile(staged2, final);
    assert.equal(await readFile(final, 'utf8'), 'v2');
  });

  test('a missing staged file leaves the old file and says so', async () => {
    const final = join(dir, 'exports', 'revenue.csv');
    await assert.rejects(publishFile(join(dir, 'nothing.csv'), final), { code: 'STAGING_FILE_MISSING' });
    assert.equal(await readFile(final, 'utf8'), 'v2');
  });
});
