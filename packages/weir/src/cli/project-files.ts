/** Which paths a loaded project was built from: what `weir dev` watches to reload it. */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { LoadedProject } from '../loaders/index.js';

// Folders a dbt project or Weir writes into, or that hold installed code: never sources to reload on.
const NOT_SOURCES = new Set(['target', 'logs', 'dbt_packages', 'dbt_modules', 'node_modules', 'output', 'dist']);

/** Files watched one by one, and folders watched with everything under them. */
export interface WatchedPaths {
  /** The files the loader read (definition files and what they import), weir.yaml, dbt_project.yml. */
  files: string[];
  /** Where new definition files may appear (the fixed part of each `definitions:` glob), and the dbt project's folders. */
  trees: string[];
}

/**
 * The paths to watch for a project, taken from what its load actually read.
 *
 * @example
 * watchedPaths(await loadProject('/p'))
 * // { files: ['/p/definitions/orders.ts', '/p/lib/util.ts', '/p/weir.yaml'], trees: ['/p/definitions'] }
 */
export function watchedPaths(loaded: LoadedProject): WatchedPaths {
  const { project } = loaded.definitions;
  const files = new Set([...loaded.sourceFiles.map((f) => resolve(f)), project.configFile]);
  const trees = new Set<string>();
  for (const glob of project.definitionGlobs) {
    const fixed = glob.split(/[\\/]/).filter((part, i, parts) => !/[*?[{]/.test(part) && parts.slice(0, i).every((p) => !/[*?[{]/.test(p)));
    // The last fixed part of `definitions/orders.ts` is a file, not a folder.
    const folder = resolve(project.root, ...(/[*?[{]/.test(glob) ? fixed : fixed.slice(0, -1)));
    // Never the project root itself: that would watch .weir/, output/ and node_modules/ too.
    if (folder !== project.root && existsSync(folder)) trees.add(folder);
  }
  if (loaded.dbt) {
    files.add(join(loaded.dbt.project.dir, 'dbt_project.yml'));
    // Each dbt folder's source folders (models, seeds, macros, or whatever its *-paths name), never the folder itself:
    // builds write target/ and logs/ there, and watching those would reload the project after every run.
    for (const dir of [loaded.dbt.project.dir, ...loaded.dbt.project.packages.map((p) => p.dir)]) {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && !entry.name.startsWith('.') && !NOT_SOURCES.has(entry.name)) trees.add(resolve(dir, entry.name));
      }
    }
  }
  // A tree inside another tree is watched by the outer one.
  const sorted = [...trees].sort();
  const outer = sorted.filter((tree) => !sorted.some((other) => other !== tree && tree.startsWith(other + sep)));
  return { files: [...files].sort(), trees: outer };
}
