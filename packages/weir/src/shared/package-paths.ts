/**
 * Where Weir's own files are, whichever way this copy runs: TypeScript sources under `src/` (tests, through tsx),
 * one compiled file per source under `dist/` (the library), or the CLI bundle under `bundle/` (the `weir`
 * command, built as a few chunks so that it starts fast). Paths relative to `import.meta.url` break once code is
 * bundled into chunks, so code that needs a sibling entry point (a worker, a child process, the package's
 * index for user definitions) asks here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Layout = 'src' | 'dist' | 'bundle';

let cached: { root: string; layout: Layout } | undefined;

function locate(): { root: string; layout: Layout } {
  if (cached) return cached;
  const self = fileURLToPath(import.meta.url);
  for (let dir = dirname(self); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name !== 'weir') continue;
    const top = relative(dir, self).split(sep)[0];
    const layout: Layout = top === 'bundle' ? 'bundle' : top === 'dist' ? 'dist' : 'src';
    cached = { root: dir, layout };
    return cached;
  }
  throw new Error(`cannot find the weir package above ${self}`);
}

/**
 * The version in Weir's package.json, e.g. '0.1.0'.
 *
 * @example
 * packageVersion() // '0.1.0'
 */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The folder holding Weir's package.json. */
export function packageRoot(): string {
  return locate().root;
}

/**
 * Absolute path of an entry point given by its path under `src/` without extension, e.g.
 * `server/load-project.entry`. Entry points other than the package's own (`index`, `testing/index`,
 * `cli/main`) end in `.entry.ts`, so the build knows to make them bundle entries. In the bundle every entry sits
 * at the top, named by its path with `/` as `__`.
 */
export function entryPointPath(sourcePath: string): string {
  const { root, layout } = locate();
  if (layout === 'bundle') return join(root, 'bundle', `${bundleEntryName(sourcePath)}.js`);
  if (layout === 'dist') return join(root, 'dist', `${sourcePath}.js`);
  return join(root, 'src', `${sourcePath}.ts`);
}

/** `testing/index` -> `testing__index`: the bundle's flat name for an entry point (the build uses the same rule). */
export function bundleEntryName(sourcePath: string): string {
  return sourcePath.replaceAll('/', '__');
}
