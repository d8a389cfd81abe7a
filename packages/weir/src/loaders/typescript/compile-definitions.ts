/**
 * Compiles a project's TypeScript definition files to JavaScript with esbuild, cached: an unchanged project
 * (same files, same sizes and modification times) loads from the cache without compiling.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import type { Message, Plugin } from 'esbuild';
import { entryPointPath } from '../../shared/package-paths.js';
import { WeirError } from '../../shared/errors.js';
import { hashText } from '../../shared/hash.js';

export interface CompiledDefinitions {
  /** Absolute paths of the compiled modules, one per entry file, in entry order. */
  modules: string[];
  /** True when the cache was used. */
  cached: boolean;
  /** Every source file that went into the build (entries and what they import locally). */
  inputs: string[];
}

interface CacheManifest {
  key: string;
  inputs: Array<{ path: string; mtimeMs: number; size: number }>;
  modules: string[];
}

// The entries of the copy of Weir that is running (sources, dist or the CLI bundle), so user code shares its state.
const SELF_ENTRIES: Record<string, string> = {
  weir: entryPointPath('index'),
  'weir/testing': entryPointPath('testing/index'),
};

/** esbuild's version, for the cache key, without loading esbuild (~60 ms) when the cache is fresh. */
function esbuildVersion(): string {
  const manifest = createRequire(import.meta.url).resolve('esbuild/package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** User code imports 'weir'; it must get this very copy, wherever the project folder is. */
const resolveWeirToSelf: Plugin = {
  name: 'weir-self',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^weir(\/testing)?$/ }, (args) => ({ path: SELF_ENTRIES[args.path]!, external: true }));
  },
};

function manifestIsFresh(manifest: CacheManifest, key: string): boolean {
  if (manifest.key !== key) return false;
  for (const input of manifest.inputs) {
    const stat = statSync(input.path, { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs !== input.mtimeMs || stat.size !== input.size) return false;
  }
  return manifest.modules.every((m) => existsSync(m));
}

function esbuildError(root: string, messages: Message[]): WeirError {
  const first = messages[0]!;
  const file = first.location ? resolve(root, first.location.file) : undefined;
  const more = messages.length > 1 ? ` (and ${messages.length - 1} more error${messages.length > 2 ? 's' : ''})` : '';
  return new WeirError(`${first.text}${more}`, {
    code: 'DEFINITIONS_SYNTAX',
    location: file ? { file, line: first.location!.line, column: first.location!.column + 1 } : undefined,
    hint: first.location?.lineText ? `The line reads: ${first.location.lineText.trim()}` : 'Fix the file and run the command again.',
  });
}

/**
 * @example
 * const { modules, cached } = await compileDefinitions('/proj', ['/proj/definitions/pipeline.ts'], '/proj/.weir/cache');
 */
export async function compileDefinitions(root: string, entries: string[], cacheDir: string): Promise<CompiledDefinitions> {
  const key = hashText(esbuildVersion(), process.version, SELF_ENTRIES.weir!, ...entries);
  const outDir = join(cacheDir, 'definitions', key.slice(0, 16));
  const manifestPath = join(outDir, 'cache.json');
  if (existsSync(manifestPath)) {
    try {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as CacheManifest;
      if (manifestIsFresh(manifest, key)) return { modules: manifest.modules, cached: true, inputs: manifest.inputs.map((i) => i.path) };
    } catch {
      // A damaged cache is rebuilt, never trusted.
    }
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const { build } = await import('esbuild');
  let result;
  try {
    result = await build({
      absWorkingDir: root,
      entryPoints: entries,
      outdir: outDir,
      outbase: root,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      metafile: true,
      write: true,
      logLevel: 'silent',
      outExtension: { '.js': '.mjs' },
      plugins: [resolveWeirToSelf],
    });
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (errors?.length) throw esbuildError(root, errors);
    throw error;
  }
  const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(root, p));
  const modules = entries.map((entry) => {
    const rel = relative(root, entry).replace(/\.[cm]?[jt]sx?$/, '.mjs');
    return join(outDir, rel);
  });
  const manifest: CacheManifest = {
    key,
    inputs: inputs.map((path) => {
      const stat = statSync(path);
      return { path, mtimeMs: stat.mtimeMs, size: stat.size };
    }),
    modules,
  };
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return { modules, cached: false, inputs };
}
