// What `weir dev` watches: the files the load read, weir.yaml, and the folders new definition files can appear in.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedProject } from '../loaders/index.js';
import { watchedPaths } from './project-files.js';

const root = mkdtempSync(join(tmpdir(), 'weir-watch-'));
after(() => rmSync(root, { recursive: true, force: true }));
for (const dir of ['definitions/sales', 'lib', 'models', 'seeds', 'target/run', 'logs', '.weir/cache']) mkdirSync(join(root, dir), { recursive: true });

function loaded(globs: string[], extra: Partial<LoadedProject> = {}): LoadedProject {
  return {
    definitions: {
      project: {
        name: 'p', root, configFile: join(root, 'weir.yaml'), warehousePath: '', metadataPath: '', definitionGlobs: globs, concurrency: 1,
        settings: {}, secretSettings: [], settingSources: {},
      },
      assets: [], externals: [],
    },
    cached: true, sourceFiles: [join(root, 'definitions/sales/orders.ts'), join(root, 'lib/util.ts')], loadMs: 1, ...extra,
  };
}

describe('watchedPaths', () => {
  it('watches the files read, weir.yaml, and the fixed folder of each glob (never the project root)', () => {
    const paths = watchedPaths(loaded(['definitions/**/*.ts', 'definitions/sales/*.ts', 'lib/util.ts', '*.ts', 'missing/**/*.ts']));
    assert.deepEqual(paths.files, [join(root, 'definitions/sales/orders.ts'), join(root, 'lib/util.ts'), join(root, 'weir.yaml')]);
    // definitions/sales is inside definitions; lib/util.ts is a file, so its folder is watched through the file.
    assert.deepEqual(paths.trees, [join(root, 'definitions'), join(root, 'lib')]);
  });

  it('watches a dbt project at the root by its source folders, never target/, logs/ or .weir/ (builds write there)', () => {
    const dbt = { project: { dir: root, packages: [{ name: 'p', dir: root }] }, assets: {}, targetDir: join(root, 'target') } as unknown as LoadedProject['dbt'];
    const paths = watchedPaths(loaded([], { dbt, sourceFiles: [] }));
    assert.deepEqual(paths.files, [join(root, 'dbt_project.yml'), join(root, 'weir.yaml')]);
    assert.deepEqual(paths.trees, [join(root, 'definitions'), join(root, 'lib'), join(root, 'models'), join(root, 'seeds')]);
  });
});
