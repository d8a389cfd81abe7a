// Helpers for the end-to-end tests: run the real `weir` CLI as a child process (the compiled bundle in packages/weir/bundle,
// built by `npm test` or `node packages/weir/scripts/build.mjs`), temporary folders, and projects copied or written.
import { createServer } from 'node:net';
import { DuckDBInstance } from '@duckdb/node-api';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
export const WEIR_BIN = join(REPO_ROOT, 'packages/weir/bin/weir.js');
export const WINE_SHOP_EXAMPLE = join(REPO_ROOT, 'examples/wine-shop');
export const REAL_EXPORTS = process.env.WEIR_REAL_EXPORTS ?? resolve(REPO_ROOT, '../shared/data/wine-shop');
export const REAL_EXPORT_FILES = ['Fichier_erp.xlsx', 'fichier_liaison.xlsx', 'Fichier_web.xlsx'] as const;
export const hasRealExports = () => REAL_EXPORT_FILES.every((f) => existsSync(join(REAL_EXPORTS, f)));

if (!existsSync(join(REPO_ROOT, 'packages/weir/bundle/cli__main.js'))) {
  throw new Error('packages/weir/bundle is missing: run `node packages/weir/scripts/build.mjs` (or `npm test`, which builds first).');
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** Environment for every child: no colours, no debug stacks, and nothing inherited that changes Weir's behaviour. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NODE_NO_WARNINGS: '1' };
  delete env.WEIR_DEBUG;
  delete env.WINE_SHOP_DATA_DIR;
  delete env.NODE_OPTIONS; // the test runner's --import tsx must not leak into the CLI: it runs compiled JS only
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs `weir …args`; never throws on a non-zero exit, returns the code and both streams. */
export async function weir(args: string[], options: CliOptions = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [WEIR_BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: childEnv(options.env),
      timeout: options.timeoutMs ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; signal?: string; killed?: boolean };
    if (typeof e.code !== 'number') throw new Error(`weir ${args.join(' ')} did not exit normally (${e.signal ?? e.code}): ${e.stderr ?? ''}`);
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `weir …args --json` parsed; fails with both streams when the command fails or prints no JSON. */
export async function weirJson<T = unknown>(args: string[], options: CliOptions = {}): Promise<T> {
  const r = await weir([...args, '--json'], options);
  if (r.code !== 0) throw new Error(`weir ${args.join(' ')} --json exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Starts `weir …args` without waiting: for tests that signal the process. */
export function spawnWeir(args: string[], options: CliOptions = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [WEIR_BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: childEnv(options.env) });
}

/** Runs a Node script of the repository (e.g. the data generator); throws with its output when it fails. */
export async function node(args: string[], options: CliOptions = {}): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, args, { cwd: options.cwd ?? REPO_ROOT, env: childEnv(options.env), timeout: options.timeoutMs ?? 60_000 });
  return stdout;
}

/** Temporary folders, removed by `cleanup()` (call it from `after`). */
export class TempDirs {
  private readonly dirs: string[] = [];
  make(prefix = 'weir-e2e-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }
  cleanup(): void {
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

/** Writes `files` (path relative to `root` → content) and returns `root`. */
export function writeProject(root: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return root;
}

/** Copies the wine-shop example's weir.yaml and definitions/ (not its output or .weir) into `dir`. */
export function copyWineShop(dir: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(join(WINE_SHOP_EXAMPLE, 'weir.yaml'), join(dir, 'weir.yaml'));
  cpSync(join(WINE_SHOP_EXAMPLE, 'definitions'), join(dir, 'definitions'), { recursive: true });
  return dir;
}

/** Lines of stderr that look like a raw JavaScript stack frame: a CLI error must never print one. */
export function stackLines(text: string): string[] {
  return text.split('\n').filter((l) => /^\s{2,}at\s/.test(l));
}

// ---- shapes of the CLI's --json output, as far as the tests read them ----

export interface RunJson {
  runId: string;
  status: string;
  selection: string | null;
  stepKeys: string[];
}
export interface StepJson {
  key: string;
  kind: string;
  status: string;
  reason?: string;
  rowCount?: number | null;
}
export interface CheckJson {
  assetKey: string;
  checkName: string;
  passed: boolean;
  observed: number | null;
  expected: number | null;
  message: string;
}
export interface MaterializationJson {
  assetKey: string;
  storage: { kind: string; location: string };
  rowCount: number | null;
}
export interface RunInfoJson {
  run: RunJson;
  steps: StepJson[];
  materializations: MaterializationJson[];
  checks: CheckJson[];
  observations: { assetKey: string; path: string; hash: string; bytes: number }[];
}
export interface AssetJson {
  key: string;
  type: string;
  status: string;
  staleBecause: string[];
  upstream: string[];
  downstream: string[];
  lastMaterialization: { runId: string; rowCount: number | null; location: string } | null;
}

/** The run id printed by `weir run` (first line: `Run <uuid> · …`). */
export function runIdOf(stdout: string): string {
  const m = /Run ([0-9a-f-]{36})/.exec(stdout);
  if (!m) throw new Error(`no run id in:\n${stdout}`);
  return m[1]!;
}

/** The most recent run of a project, from `weir runs --json`. */
export async function latestRun(project: string): Promise<RunJson> {
  const runs = await weirJson<RunJson[]>(['runs', '--project', project, '-n', '1']);
  if (!runs[0]) throw new Error(`no runs in ${project}`);
  return runs[0];
}

/**
 * Runs one query on a fresh in-memory DuckDB (for read_parquet / read_csv), with the project's warehouse attached
 * read-only as `w` when given. Closed before returning, so the CLI can open the warehouse again.
 */
export async function duckQuery(sql: string, warehouse?: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    if (warehouse) await connection.run(`attach '${warehouse.replaceAll("'", "''")}' as w (read_only)`);
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A TCP port free on 127.0.0.1 right now, for a server the test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
