/** dbt_project.yml and packages.yml: a project's name, folders, vars, folder configs, hooks and local packages. */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { WeirError } from '../../shared/errors.js';
import { renderEnvVars } from './profiles.js';

export interface DbtProjectFile {
  name: string;
  profile: string;
  dir: string;
  file: string;
  modelPaths: string[];
  seedPaths: string[];
  testPaths: string[];
  macroPaths: string[];
  /** `snapshot-paths` (default `snapshots`): Weir does not build snapshots yet, but must say so. */
  snapshotPaths: string[];
  docsPaths: string[];
  vars: Record<string, unknown>;
  models: unknown;
  seeds: unknown;
  snapshots: unknown;
  tests: unknown;
  sources: unknown;
  onRunStart: string[];
  onRunEnd: string[];
  dispatch: Record<string, string[]>;
  raw: Record<string, unknown>;
}

function list(value: unknown, fallback: string[]): string[] {
  if (value === undefined || value === null) return fallback;
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Reads a yml file, turning YAML syntax errors into located WeirErrors. */
export function readYaml(file: string, displayFile: string): any {
  const text = readFileSync(file, 'utf8');
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    const pos = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    throw new WeirError(`invalid YAML: ${(error as Error).message.split('\n')[0]}`, {
      code: 'DBT_INVALID_YAML', location: { file: displayFile, line: pos?.line, column: pos?.col }, hint: 'Fix the YAML syntax (indentation, a missing colon or quote).', cause: error,
    });
  }
}

/** Reads `<dir>/dbt_project.yml`. */
export function readProjectFile(dir: string): DbtProjectFile {
  const file = join(dir, 'dbt_project.yml');
  if (!existsSync(file)) {
    throw new WeirError(`no dbt_project.yml in ${dir}`, { code: 'DBT_NO_PROJECT', location: { file: dir }, hint: 'Point Weir at the folder that holds dbt_project.yml.' });
  }
  const raw = renderEnvVars(readYaml(file, 'dbt_project.yml'), 'dbt_project.yml') as Record<string, any>;
  if (typeof raw.name !== 'string' || !raw.name) {
    throw new WeirError('dbt_project.yml has no name', { code: 'DBT_INVALID_PROJECT', location: { file: 'dbt_project.yml', line: 1 }, hint: 'Add `name: my_project` (letters, digits and _).' });
  }
  const modelPaths = list(raw['model-paths'] ?? raw['source-paths'], ['models']);
  const seedPaths = list(raw['seed-paths'] ?? raw['data-paths'], ['seeds']);
  const testPaths = list(raw['test-paths'], ['tests']);
  const macroPaths = list(raw['macro-paths'], ['macros']);
  const dispatch: Record<string, string[]> = {};
  for (const entry of (raw.dispatch ?? []) as Array<{ macro_namespace?: string; search_order?: string[] }>) {
    if (entry.macro_namespace && Array.isArray(entry.search_order)) dispatch[entry.macro_namespace] = entry.search_order.map(String);
  }
  return {
    name: raw.name,
    profile: String(raw.profile ?? raw.name),
    dir: resolve(dir),
    file,
    modelPaths, seedPaths, testPaths, macroPaths, snapshotPaths: list(raw['snapshot-paths'], ['snapshots']),
    docsPaths: list(raw['docs-paths'], [...modelPaths, seedPaths, testPaths, macroPaths, list(raw['analysis-paths'], ['analyses']), list(raw['snapshot-paths'], ['snapshots'])].flat()),
    vars: (raw.vars ?? {}) as Record<string, unknown>,
    models: raw.models,
    seeds: raw.seeds,
    snapshots: raw.snapshots,
    tests: raw.data_tests ?? raw.tests,
    sources: raw.sources,
    onRunStart: list(raw['on-run-start'], []),
    onRunEnd: list(raw['on-run-end'], []),
    dispatch,
    raw,
  };
}

/**
 * The packages a project depends on (packages.yml or dependencies.yml). `local:` packages are read from disk;
 * hub and git packages only when `dbt deps` already installed them under dbt_packages/.
 */
export function readPackages(project: DbtProjectFile, seen = new Set<string>(), rootInstallDir?: string): DbtProjectFile[] {
  const file = ['packages.yml', 'dependencies.yml'].map((f) => join(project.dir, f)).find((f) => existsSync(f));
  if (!file) return [];
  const display = relative(process.cwd(), file) || file;
  const entries = (readYaml(file, display).packages ?? []) as Array<Record<string, unknown>>;
  // `dbt deps` installs every package, its packages' packages too, flat in the root project's install folder.
  const installDir = rootInstallDir ?? join(project.dir, String(project.raw['packages-install-path'] ?? 'dbt_packages'));
  const out: DbtProjectFile[] = [];
  for (const entry of entries) {
    let dir: string | undefined;
    if (typeof entry.local === 'string') {
      dir = resolve(project.dir, entry.local);
    } else {
      const spec = String(entry.package ?? entry.git ?? entry.tarball ?? entry.private ?? '?');
      const guess = spec.replace(/\.git$/, '').split(/[/:]/).pop() ?? spec;
      const installed = existsSync(installDir) ? readdirSync(installDir).filter((d) => statSync(join(installDir, d)).isDirectory()) : [];
      // `dbt deps` names the folder after the package's own project name: dbt-labs/dbt_utils -> dbt_utils,
      // github.com/dbt-labs/dbt-audit-helper.git -> audit_helper.
      const candidates = [guess, guess.replace(/-/g, '_'), guess.replace(/^dbt[-_]/, ''), guess.replace(/^dbt[-_]/, '').replace(/-/g, '_')];
      const match = installed.find((d) => candidates.includes(d));
      if (!match) {
        throw new WeirError(`package '${spec}' is not installed, and Weir cannot download dbt packages yet`, {
          code: 'DBT_PACKAGE_NOT_SUPPORTED', location: { file: display },
          hint: 'Run `dbt deps` once so it lands in dbt_packages/, or vendor it and use `- local: path/to/package`.',
        });
      }
      dir = join(installDir, match);
    }
    if (!existsSync(join(dir, 'dbt_project.yml'))) {
      throw new WeirError(`package at ${dir} has no dbt_project.yml`, { code: 'DBT_PACKAGE_NOT_FOUND', location: { file: display }, hint: 'Check the `local:` path in packages.yml.' });
    }
    const pkg = readProjectFile(dir);
    if (seen.has(pkg.name)) continue;
    seen.add(pkg.name);
    out.push(pkg, ...readPackages(pkg, seen, installDir));
  }
  return out;
}

/** Every file under `dir` with one of `extensions`, relative to `dir`, sorted; hidden folders skipped. */
export function listFiles(dir: string, extensions: string[]): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (extensions.some((ext) => entry.name.endsWith(ext))) out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}
