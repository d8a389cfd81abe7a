/** profiles.yml: which database a dbt project runs against. Only DuckDB targets are supported for now. */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { WeirError } from '../../shared/errors.js';
import { didYouMean } from '../../shared/suggest.js';
import type { DbtTarget } from './types.js';

/** Renders `{{ env_var('X', 'default') }}` (the only Jinja profiles use in practice) in every string. */
export function renderEnvVars(value: unknown, file: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{\{\s*env_var\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]*)['"]\s*)?\)\s*(\|\s*(as_number|int|as_bool|as_text)\s*)?\}\}/g, (_m, name: string, fallback: string | undefined) => {
      const found = process.env[name] ?? fallback;
      if (found === undefined) {
        throw new WeirError(`env_var('${name}') is not set and has no default`, { code: 'DBT_MISSING_ENV_VAR', location: { file }, hint: `Set the environment variable ${name}, or give a default: env_var('${name}', 'default').` });
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v) => renderEnvVars(v, file));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderEnvVars(v, file)]));
  return value;
}

/** The database name dbt-duckdb derives from the file path: `dev.duckdb` → `dev`, in memory → `memory`. */
export function duckdbDatabaseName(path: string): string {
  if (!path || path === ':memory:' || path.startsWith(':memory:')) return 'memory';
  return basename(path).replace(/\.[^.]*$/, '');
}

/**
 * Reads the target for `profileName` from profiles.yml (in `profilesDir`, the project, then ~/.dbt).
 *
 * @example
 * readTarget({ projectDir: 'shop', profileName: 'shop' }) // { name: 'dev', type: 'duckdb', schema: 'main', database: 'dev', … }
 */
export function readTarget(options: { projectDir: string; profileName: string; target?: string; profilesDir?: string }): DbtTarget {
  const candidates = [options.profilesDir, process.env.DBT_PROFILES_DIR, options.projectDir, join(homedir(), '.dbt')].filter((d): d is string => !!d);
  const file = candidates.map((d) => join(d, 'profiles.yml')).find((f) => existsSync(f));
  if (!file) {
    // dbt-duckdb needs no settings: without profiles.yml, run in memory like its minimal profile.
    return { name: options.target ?? 'dev', type: 'duckdb', profileName: options.profileName, schema: 'main', database: 'memory', path: ':memory:', threads: 1, raw: {} };
  }
  // Parsed as plain YAML, rendered lazily: dbt renders only the selected target's output, so another output's
  // env_var('SNOWFLAKE_ACCOUNT') without a default must not stop a duckdb target.
  const profiles = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, any>;
  const profile = profiles[options.profileName];
  if (!profile) {
    throw new WeirError(`profiles.yml has no profile '${options.profileName}'`, {
      code: 'DBT_UNKNOWN_PROFILE', location: { file },
      hint: `The profile named in dbt_project.yml must be a top-level key of profiles.yml. ${didYouMean(options.profileName, Object.keys(profiles).filter((k) => k !== 'config'))}`,
    });
  }
  const outputs = (profile.outputs ?? {}) as Record<string, Record<string, unknown>>;
  const name = options.target ?? String(renderEnvVars(profile.target ?? 'dev', file));
  const unrendered = outputs[name];
  if (!unrendered) {
    throw new WeirError(`profile '${options.profileName}' has no target '${name}'`, {
      code: 'DBT_UNKNOWN_TARGET', location: { file }, hint: `Pick one of its outputs. ${didYouMean(name, Object.keys(outputs))}`,
    });
  }
  const output = renderEnvVars(unrendered, file) as Record<string, unknown>;
  const type = String(output.type ?? '');
  if (type !== 'duckdb') {
    throw new WeirError(`target '${name}' is of type '${type}', which Weir does not yet support for dbt projects`, {
      code: 'DBT_ADAPTER_NOT_SUPPORTED', location: { file },
      hint: 'Only DuckDB targets (type: duckdb) are supported for now; add a duckdb output and select it with target.',
    });
  }
  const path = String(output.path ?? ':memory:');
  return {
    name, type, profileName: options.profileName,
    schema: String(output.schema ?? 'main'),
    database: String(output.database ?? duckdbDatabaseName(path)),
    path,
    threads: Number(output.threads ?? 1),
    raw: output,
  };
}
