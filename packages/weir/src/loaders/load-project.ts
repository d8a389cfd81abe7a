/**
 * Loads a project folder into Definitions: weir.yaml (or dbt_project.yml), its TypeScript definition files
 * (compiled, cached) and the seeds, models and tests of its dbt project, all in one graph.
 */
import { basename, join, relative } from 'node:path';
import { WeirError } from '../shared/errors.js';
import { globFiles } from '../shared/glob.js';
import { formatLocation } from '../shared/errors.js';
import type { AssetDefinition } from '../definitions/asset.js';
import type { Definitions } from '../definitions/definitions.js';
import type { ExternalAssetDefinition } from '../definitions/external-asset.js';
import type { ProjectConfig } from '../definitions/project.js';
import type { ResourcesDefinition } from '../definitions/resources.js';
import type { SensorDefinition, WebhookDefinition } from '../definitions/sensor.js';
import { buildAssetGraph } from '../graph/asset-graph.js';
import { assertSensorsValid } from './validate-sensors.js';
import { interpolateSettings, loadProjectConfig, PROJECT_FILE } from './project/load-project-config.js';
import { compileDefinitions } from './typescript/compile-definitions.js';
import { withDeclarationSource } from './typescript/declaration-source.js';
import { loadDefinitionModules } from './typescript/load-definitions-modules.js';
import { projectSchedules } from './schedules/project-schedules.js';
import { automationWarnings } from './automation/automation-warnings.js';
import type { ScheduleDefinition } from '../definitions/schedule.js';
import { setLoadingProject } from '../definitions/loading-project.js';
import type { DbtAssets, ExternalAssetRelation } from './dbt/dbt-assets.js';
import type { DbtProject } from './dbt/types.js';
import { unsupportedMessage } from './dbt/unsupported-features.js';

/** dbt's command-line options, as `weir build` / `weir dbt …` take them. */
export interface DbtInvocation {
  target?: string;
  profilesDir?: string;
  vars?: Record<string, unknown>;
  fullRefresh?: boolean;
  /** Attach tests as checks (default true). */
  tests?: boolean;
}

export interface LoadProjectOptions {
  dbt?: DbtInvocation;
}

export interface LoadedDbt {
  project: DbtProject;
  assets: DbtAssets;
  /** `<dbt project>/target`. */
  targetDir: string;
}

export interface LoadedProject {
  definitions: Definitions;
  /** Whether the compiled definitions came from the cache. */
  cached: boolean;
  /** Source files the definitions were built from (for reload-on-change). */
  sourceFiles: string[];
  loadMs: number;
  /** The dbt project, when the project is or includes one. */
  dbt?: LoadedDbt;
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

export async function loadProject(dir: string, env: NodeJS.ProcessEnv = process.env, options: LoadProjectOptions = {}): Promise<LoadedProject> {
  const started = performance.now();
  let project = loadProjectConfig(dir, env);
  const entries = globFiles(project.root, project.definitionGlobs).filter((f) => /\.(m|c)?[jt]s$/.test(f) && !/\.test\.[jt]s$/.test(f) && !f.endsWith('.d.ts'));
  if (!entries.length && !project.dbt) {
    throw new WeirError(`no definition files match ${project.definitionGlobs.join(', ')} in ${project.root}`, {
      code: 'NO_DEFINITIONS', location: { file: project.configFile },
      hint: `Add a .ts file there that exports asset(...) definitions, or change 'definitions:' in ${PROJECT_FILE}.`,
    });
  }
  let assets: readonly AssetDefinition[] = [];
  let externals: readonly ExternalAssetDefinition[] = [];
  let resources: Record<string, unknown> = {};
  let typescriptSchedules: readonly ScheduleDefinition[] = [];
  let sensors: SensorDefinition[] = [...(project.sensors ?? [])];
  let webhooks: WebhookDefinition[] = [...(project.webhooks ?? [])];
  let cached = false;
  let sourceFiles: string[] = [];
  if (entries.length) {
    const compiled = await compileDefinitions(project.root, entries, join(project.root, '.weir', 'cache'));
    setLoadingProject(project);
    const collected = await loadDefinitionModules(compiled.modules, entries);
    assets = withDeclarationSource(collected.assets, compiled.inputs);
    externals = collected.externals;
    resources = mergeResources(collected.resources);
    typescriptSchedules = collected.schedules;
    sensors = [...sensors, ...collected.sensors];
    webhooks = [...webhooks, ...collected.webhooks];
    cached = compiled.cached;
    sourceFiles = compiled.inputs;
  }
  let dbt: LoadedDbt | undefined;
  if (project.dbt) {
    const loaded = await loadDbtInto(project, assets, options.dbt ?? {});
    project = loaded.project;
    dbt = loaded.dbt;
    assets = [...assets, ...dbt.assets.assets];
    // dbt sources: relations loaded by something else, observed by each run that reads them.
    externals = [...externals, ...dbt.assets.sources];
  }
  const schedules = projectSchedules(project, assets, externals, typescriptSchedules);
  const warnings = automationWarnings(assets);
  if (warnings.length) project = { ...project, warnings: [...(project.warnings ?? []), ...warnings] };
  const definitions: Definitions = {
    project, assets, externals, resources, schedules, ...(sensors.length ? { sensors } : {}), ...(webhooks.length ? { webhooks } : {}),
  };
  // Only a project with sensors pays for a graph here: their selections and watched assets are checked at load.
  if (sensors.length || webhooks.length) assertSensorsValid(definitions, buildAssetGraph(definitions));
  return {
    definitions,
    cached,
    sourceFiles,
    loadMs: performance.now() - started,
    ...(dbt ? { dbt } : {}),
  };
}

async function loadDbtInto(config: ProjectConfig, tsAssets: readonly AssetDefinition[], invocation: DbtInvocation): Promise<{ project: ProjectConfig; dbt: LoadedDbt }> {
  // Loaded only for projects with dbt: the parser and its Jinja engine are most of the loader's code.
  const [{ loadDbtProject }, { dbtAssets, warehouseFileOf }] = await Promise.all([import('./dbt/load-dbt-project.js'), import('./dbt/dbt-assets.js')]);
  const settings = config.dbt!;
  const byKey = new Map(tsAssets.map((a) => [a.key, a]));
  const external = new Map<string, ExternalAssetRelation>();
  for (const a of tsAssets) {
    let sql: string;
    if (a.io.kind === 'table') sql = `${quote(a.io.schema)}.${quote(a.io.name)}`;
    else {
      const path = join(config.root, interpolateSettings(a.io.path, config.settings, `asset '${a.key}'`)).replaceAll("'", "''");
      sql = a.io.format === 'parquet' ? `read_parquet('${path}')` : a.io.format === 'csv' ? `read_csv('${path}')` : a.io.format === 'json' ? `read_json_auto('${path}')` : `'${path}'`;
    }
    external.set(a.key, { key: a.key, sql, location: a.location ? formatLocation({ ...a.location, file: relative(config.root, a.location.file) }) : undefined });
  }
  const project = loadDbtProject(settings.projectDir, {
    target: invocation.target ?? settings.target,
    profilesDir: invocation.profilesDir ?? settings.profilesDir,
    vars: { ...settings.vars, ...invocation.vars },
    externalRef: (name) => {
      const a = byKey.get(name);
      if (!a) return undefined;
      return a.io.kind === 'table' ? { schema: a.io.schema, identifier: a.io.name } : { schema: '', identifier: name };
    },
  });
  const targetFile = warehouseFileOf(settings.projectDir, project.target.path);
  const isDbtFolder = config.configFile.endsWith('dbt_project.yml');
  let warehousePath = config.warehousePath;
  if (isDbtFolder || !settings.warehouseSet) warehousePath = targetFile ?? config.warehousePath;
  else if (targetFile && targetFile !== config.warehousePath) {
    const show = (file: string) => relative(config.root, file) || file;
    const where = `the dbt target '${project.target.name}' writes to ${show(targetFile)}, Weir's assets live in ${show(config.warehousePath)}`;
    const hint = `Weir runs one warehouse per project: remove 'warehouse:' from ${PROJECT_FILE} (it then defaults to the dbt target's file), or point the profile's path at ${show(config.warehousePath)}.`;
    for (const node of project.nodes.values()) {
      const name = node.externalRefs?.[0];
      if (!name) continue;
      throw new WeirError(`${node.resourceType} '${node.name}' refs TypeScript asset '${name}'${external.get(name)?.location ? ` (${external.get(name)!.location})` : ''}, which lives in another warehouse: ${where}`, {
        code: 'DBT_OTHER_WAREHOUSE', location: { file: relative(config.root, node.absolutePath) }, hint,
      });
    }
    throw new WeirError(`the dbt project ${show(settings.projectDir)} builds in another warehouse: ${where}`, { code: 'DBT_OTHER_WAREHOUSE', location: { file: config.configFile }, hint });
  }
  const catalog = warehousePath === ':memory:' ? 'memory' : basename(warehousePath).replace(/\.[^.]*$/, '');
  const auditVar = project.vars.weir_audit;
  const audit = settings.audit ?? (auditVar === 'publish_then_test' ? 'publish_then_test' : 'staged');
  const externalUpstream = new Map(tsAssets.map((a) => [a.key, [...a.upstream]]));
  const assets = dbtAssets(project, {
    root: config.root, catalog, fullRefresh: invocation.fullRefresh, audit, external, externalUpstream, tests: invocation.tests,
  });
  // An ephemeral model has no relation: a TypeScript asset cannot read it.
  for (const a of tsAssets) {
    for (const input of a.inputs) {
      const model = assets.assets.find((m) => m.key === input.key && m.materialize?.kind === 'ephemeral');
      if (model) {
        throw new WeirError(`asset '${a.key}' reads model '${model.key}', which is ephemeral (inlined into SQL models, never a table)`, {
          code: 'DBT_EPHEMERAL_INPUT', location: a.location ? { ...a.location, file: relative(config.root, a.location.file) } : undefined,
          hint: `Materialize '${model.key}' as a view or table ({{ config(materialized='view') }}), or list it in deps instead of inputs.`,
        });
      }
    }
  }
  const threads = project.target.raw.threads !== undefined ? Math.max(1, project.target.threads) : config.concurrency;
  return {
    // Said by every command, `weir validate` and the UI: what the project declares and Weir does not run yet.
    project: {
      ...config, warehousePath, concurrency: isDbtFolder ? threads : config.concurrency,
      warnings: [...config.warnings ?? [], ...project.unsupported.map((u) => unsupportedMessage(u, relative(config.root, project.dir)))],
    },
    dbt: { project, assets, targetDir: join(project.dir, 'target') },
  };
}

/** Every `defineResources()` of the project as one object; a name declared twice is an error naming both places. */
function mergeResources(declarations: readonly ResourcesDefinition[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const where = new Map<string, ResourcesDefinition>();
  for (const declaration of declarations) {
    for (const [name, value] of Object.entries(declaration.values)) {
      const first = where.get(name);
      if (first) {
        throw new WeirError(`resource '${name}' is declared twice: ${formatLocation(first.location) || '?'} and ${formatLocation(declaration.location) || '?'}`, {
          code: 'DUPLICATE_RESOURCE', location: declaration.location, hint: 'Give each resource its own name, or declare it once and import it.',
        });
      }
      where.set(name, declaration);
      merged[name] = value;
    }
  }
  return merged;
}
