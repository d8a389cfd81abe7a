/** Reads `weir.yaml`: validated, defaults applied, settings resolved from the environment. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { WeirError, WeirErrors } from '../../shared/errors.js';
import { MIN_MASKED_SECRET_LENGTH, MIN_SAFE_SECRET_LENGTH } from '../../shared/redact.js';
import { projectFileSchema, type ProjectConfig } from '../../definitions/project.js';
import { lineOf } from './yaml-location.js';
import { describeProjectFileIssues } from './project-file-issue.js';

export const PROJECT_FILE = 'weir.yaml';

/**
 * @example
 * loadProjectConfig('examples/wine-shop', process.env).settings.data_dir // '/…/shared/data/wine-shop'
 */
export function loadProjectConfig(dir: string, env: NodeJS.ProcessEnv = process.env): ProjectConfig {
  const root = resolve(dir);
  const configFile = join(root, PROJECT_FILE);
  if (!existsSync(root)) {
    throw new WeirError(`project folder ${root} does not exist`, { code: 'PROJECT_NOT_FOUND', hint: 'Pass an existing folder with --project, or create one with `weir init DIR`.' });
  }
  if (!existsSync(configFile)) {
    if (existsSync(join(root, DBT_PROJECT_FILE))) return dbtFolderConfig(root);
    throw new WeirError(`no ${PROJECT_FILE} in ${root}`, { code: 'PROJECT_NOT_FOUND', hint: `Run \`weir init ${dir}\` to create a project there (or add a dbt_project.yml), or pass --project DIR.` });
  }
  const text = readFileSync(configFile, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    const error = doc.errors[0]!;
    const pos = lineCounter.linePos(error.pos[0]);
    throw new WeirError(`${PROJECT_FILE} is not valid YAML: ${error.message.split('\n')[0]}`, {
      code: 'INVALID_PROJECT_FILE', location: { file: configFile, line: pos.line, column: pos.col },
      hint: 'Check the indentation and quoting on that line.',
    });
  }
  const input: unknown = doc.toJS() ?? {};
  const parsed = projectFileSchema.safeParse(input);
  if (!parsed.success) {
    const errors = describeProjectFileIssues(parsed.error.issues, input).map((problem) => new WeirError(problem.summary, {
      code: 'INVALID_PROJECT_FILE', location: { file: configFile, line: lineOf(doc, lineCounter, problem.path) ?? 1 }, hint: problem.hint,
    })).sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0));
    throw errors.length === 1 ? errors[0]! : new WeirErrors(errors);
  }
  const file = parsed.data;
  const settings: ProjectConfig['settings'] = {};
  const settingSources: ProjectConfig['settingSources'] = {};
  const secretSettings: string[] = [];
  for (const [name, setting] of Object.entries(file.settings)) {
    if (typeof setting !== 'object') {
      settings[name] = setting;
      settingSources[name] = 'default';
      continue;
    }
    if (setting.secret) secretSettings.push(name);
    const fromEnv = setting.env ? env[setting.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      settings[name] = typeof setting.default === 'number' ? Number(fromEnv) : typeof setting.default === 'boolean' ? /^(1|true|yes)$/i.test(fromEnv) : fromEnv;
      settingSources[name] = 'env';
    } else if (setting.default !== undefined) {
      settings[name] = setting.default;
      settingSources[name] = 'default';
    } else settingSources[name] = 'unset';
  }
  const warnings = secretSettings.flatMap((name) => shortSecretWarning(name, settings[name], file.settings[name] as { env?: string }));
  return {
    name: file.name,
    description: file.description,
    root,
    configFile,
    warehousePath: file.warehouse === ':memory:' ? ':memory:' : resolve(root, file.warehouse),
    metadataPath: file.metadata === ':memory:' ? ':memory:' : resolve(root, file.metadata),
    definitionGlobs: Array.isArray(file.definitions) ? file.definitions : [file.definitions],
    concurrency: file.concurrency,
    ...(file.max_concurrent_runs !== undefined ? { maxConcurrentRuns: file.max_concurrent_runs } : {}),
    ...(file.public_url !== undefined ? { publicUrl: file.public_url.replace(/\/+$/, '') } : {}),
    settings,
    secretSettings,
    settingSources,
    ...(warnings.length ? { warnings } : {}),
    ...(file.dbt ? {
      dbt: {
        projectDir: resolve(root, file.dbt.project_dir), target: file.dbt.target, profilesDir: file.dbt.profiles_dir ? resolve(root, file.dbt.profiles_dir) : undefined,
        vars: file.dbt.vars ?? {}, audit: file.dbt.audit, warehouseSet: (input as Record<string, unknown>).warehouse !== undefined,
      },
    } : {}),
  };
}

/**
 * Output is kept free of secrets by masking their text, so a short secret value cannot be masked safely: either
 * ordinary words would be masked too, or (below MIN_MASKED_SECRET_LENGTH) it is not masked at all.
 *
 * @example
 * shortSecretWarning('api_key', 'abc12', { env: 'API_KEY' })
 * // ["weir.yaml: secret setting 'api_key' has a value of only 5 characters: … Set API_KEY to a value of at least 8 characters …"]
 */
function shortSecretWarning(name: string, value: unknown, setting: { env?: string }): string[] {
  if (typeof value !== 'string' && typeof value !== 'number') return [];
  const length = String(value).length;
  if (length >= MIN_SAFE_SECRET_LENGTH) return [];
  const what = length < MIN_MASKED_SECRET_LENGTH
    ? 'it is too short to be masked in logs, errors and the UI without masking ordinary text, so it is not masked at all'
    : 'only its exact text is masked in logs, errors and the UI (its base64 form is too short to tell apart from ordinary text)';
  const where = setting.env ? `Set ${setting.env}` : `Set settings.${name}`;
  return [`${PROJECT_FILE}: secret setting '${name}' has a value of only ${length} character${length === 1 ? '' : 's'}: ${what}. ${where} to a value of at least ${MIN_SAFE_SECRET_LENGTH} characters (a real token or password; for a test value, e.g. \`openssl rand -hex 16\`).`];
}

export const DBT_PROJECT_FILE = 'dbt_project.yml';

/**
 * A folder with dbt_project.yml and no weir.yaml is a Weir project: named after the dbt project, metadata in
 * `.weir/`, the warehouse being the DuckDB file of the profile target (set when the dbt project is loaded).
 */
function dbtFolderConfig(root: string): ProjectConfig {
  const configFile = join(root, DBT_PROJECT_FILE);
  let name = 'dbt_project';
  try {
    const raw = parseDocument(readFileSync(configFile, 'utf8')).toJS() as { name?: unknown } | null;
    if (typeof raw?.name === 'string' && raw.name) name = raw.name.replace(/[^A-Za-z0-9_-]/g, '_');
  } catch {
    // dbt_project.yml errors are reported with their line when the dbt project loads.
  }
  return {
    name, root, configFile,
    warehousePath: resolve(root, '.weir/warehouse.duckdb'),
    metadataPath: resolve(root, '.weir/metadata.sqlite'),
    definitionGlobs: [], concurrency: 4, settings: {}, secretSettings: [], settingSources: {},
    dbt: { projectDir: root, vars: {}, warehouseSet: false },
  };
}

/**
 * Replaces `${settings.name}` in a path or string with the setting's value.
 *
 * @example
 * interpolateSettings('${settings.data_dir}/erp.xlsx', { data_dir: 'in' }, 'weir.yaml') // 'in/erp.xlsx'
 */
export function interpolateSettings(text: string, settings: Record<string, unknown>, where: string): string {
  return text.replace(/\$\{\s*settings\.([A-Za-z0-9_]+)\s*\}/g, (_, name: string) => {
    if (settings[name] === undefined) {
      throw new WeirError(`${where}: setting '${name}' is not set`, { code: 'UNKNOWN_SETTING', hint: `Declare it under settings: in ${PROJECT_FILE} with a default or an env variable.` });
    }
    return String(settings[name]);
  });
}
