// Builds Weir twice with esbuild, so that `weir` starts as plain JavaScript with no TypeScript loader:
//  - dist/: one file in, one file out, no bundling: the library as projects and benchmarks import it;
//  - bundle/: the CLI and the package's entry points bundled into a few chunks (code splitting keeps each
//    command's modules lazy). Loading ~150 small files of Weir and its pure-JS dependencies costs ~200 ms of
//    module resolution at every start; the bundle loads a handful. Native and large packages stay external.
// Entry points besides index, testing/index and cli/main are files named *.entry.ts (workers, child processes);
// shared/package-paths.ts finds them in either layout. Type checking is `npm run typecheck` (tsc), which emits nothing.
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !/-fixture\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

// zod re-exports its ~60 message translations as `z.locales`, which Weir never uses (its messages are English and
// its own): without them the bundle is ~300 kB smaller, and every start compiles that much less.
const englishZodOnly = {
  name: 'english-zod-only',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/zod/`) ? { path: 'zod-locales', namespace: 'weir-empty' } : undefined);
    pluginBuild.onLoad({ filter: /.*/, namespace: 'weir-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

const started = performance.now();
rmSync(join(root, 'dist'), { recursive: true, force: true });
rmSync(join(root, 'bundle'), { recursive: true, force: true });
const files = sources(src);
const common = { format: 'esm', platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
const sourcePath = (file) => relative(src, file).replace(/\.tsx?$/, '').replaceAll('\\', '/');
const entries = files.filter((f) => ['index', 'testing/index', 'cli/main'].includes(sourcePath(f)) || f.endsWith('.entry.ts'));
await Promise.all([
  build({ ...common, entryPoints: files, outdir: join(root, 'dist'), outbase: src }),
  build({
    ...common,
    // Same naming rule as bundleEntryName() in src/shared/package-paths.ts.
    entryPoints: Object.fromEntries(entries.map((f) => [sourcePath(f).replaceAll('/', '__'), f])),
    outdir: join(root, 'bundle'),
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // Maps are written but not linked: Node parses a linked map at every start once source maps are on (~80 ms for
    // this bundle), and Weir's own stack traces are shown only under WEIR_DEBUG. User definitions keep theirs.
    sourcemap: 'external',
    minifySyntax: true,
    minifyWhitespace: true,
    // Native addons, esbuild itself, and exceljs (large, CommonJS, loaded only where a workbook is read or written).
    external: ['@duckdb/node-api', 'libsql', 'esbuild', 'exceljs'],
    plugins: [englishZodOnly],
    // Bundled CommonJS packages (commander, …) call require() for Node's modules; ESM chunks have none of their own.
    banner: { js: "import { createRequire as __weirCreateRequire } from 'node:module'; const require = __weirCreateRequire(import.meta.url);" },
  }),
]);
console.log(`weir: compiled ${files.length} files to dist/ and ${entries.length} entry points to bundle/ in ${Math.round(performance.now() - started)} ms`);
