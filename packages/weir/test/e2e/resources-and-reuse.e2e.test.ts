// defineResources() reaches asset functions as ctx.resources; a name declared twice is an error naming both files.
// `--skip-unchanged` reuses tables known from the catalog remembered at the last close, and notices a table dropped
// behind Weir's back (the warehouse file changed, so it opens it and asks).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TempDirs, duckQuery, stackLines, weir, writeProject } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

const PROJECT = {
  'weir.yaml': 'name: shared_things\n',
  'definitions/resources.ts': `import { defineResources } from 'weir';\nexport const shared = defineResources({ greeting: { text: 'hello from a resource' } });\n`,
  'definitions/assets.ts': `import { asset } from 'weir';
export const greeting = asset({ key: 'greeting' }, (_inputs, ctx) => [{ text: (ctx.resources.greeting as { text: string }).text }]);
export const shout = asset({ key: 'shout', inputs: { greeting } }, ({ greeting }) => \`select upper(text) as text from \${greeting}\`);
`,
};

describe('resources and reuse', () => {
  it('an asset reads ctx.resources declared with defineResources() in another file', async () => {
    const dir = writeProject(temp.make('weir-resources-'), PROJECT);
    const run = await weir(['run'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const rows = await duckQuery('select text from w.main.shout', join(dir, '.weir/warehouse.duckdb'));
    assert.deepEqual(rows, [{ text: 'HELLO FROM A RESOURCE' }]);
  });

  it('a resource name declared twice names both declarations', async () => {
    const dir = writeProject(temp.make('weir-resources-dup-'), {
      ...PROJECT,
      'definitions/more.ts': `import { defineResources } from 'weir';\nexport const more = defineResources({ greeting: 1 });\n`,
    });
    const result = await weir(['validate'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /resource 'greeting' is declared twice: .*definitions\/(more|resources)\.ts:2:\d+ and .*definitions\/(more|resources)\.ts:2:\d+/);
    assert.deepEqual(stackLines(result.stderr), []);
  });

  it('--skip-unchanged reuses from the remembered catalog, and rebuilds a table dropped behind its back', async () => {
    const dir = writeProject(temp.make('weir-reuse-'), PROJECT);
    assert.equal((await weir(['run'], { cwd: dir })).code, 0);
    assert.ok(existsSync(join(dir, '.weir/warehouse-catalog.json')), 'the catalog is remembered at close');

    const reused = await weir(['run', '--skip-unchanged'], { cwd: dir });
    assert.equal(reused.code, 0, reused.stdout + reused.stderr);
    assert.match(reused.stdout, /2 unchanged assets reused/);

    // Another tool drops a table: the warehouse file changes, so the remembered catalog is no longer trusted.
    const instance = await DuckDBInstance.create(join(dir, '.weir/warehouse.duckdb'));
    const connection = await instance.connect();
    await connection.run('drop table main.shout');
    connection.closeSync();
    instance.closeSync();
    const rebuilt = await weir(['run', '--skip-unchanged'], { cwd: dir });
    assert.equal(rebuilt.code, 0, rebuilt.stdout + rebuilt.stderr);
    assert.match(rebuilt.stdout, /1 unchanged assets reused/);
    const rows = await duckQuery('select text from w.main.shout', join(dir, '.weir/warehouse.duckdb'));
    assert.deepEqual(rows, [{ text: 'HELLO FROM A RESOURCE' }]);

    // A corrupted catalog file is ignored, never trusted.
    writeFileSync(join(dir, '.weir/warehouse-catalog.json'), '{not json');
    const again = await weir(['run', '--skip-unchanged'], { cwd: dir });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /2 unchanged assets reused/);
  });
});
