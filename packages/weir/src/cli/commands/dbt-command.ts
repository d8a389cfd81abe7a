/**
 * dbt's verbs on a project that is or includes a dbt project: `weir build` (= `weir run`) and `weir dbt build|run|
 * test|seed|compile|ls|parse`, with dbt's flags, dbt's artefacts in `target/`, and the run recorded like any other.
 */
import { parse as parseYaml } from 'yaml';
import { basename, join, relative, resolve as resolvePath } from 'node:path';
import type { EventRecord } from '../../events/index.js';
import { applyRunEvent, checkOutcomeOf, EventType, initialRunState, RunStatus, type CheckEvaluationData, type RunState } from '../../events/index.js';
import { launchRun, projectRedactor, selectionText } from '../../engine/launch-run.js';
import { relationOf } from '../../engine/published-location.js';
import { EventSink } from '../../engine/event-sink.js';
import { evaluateCheck } from '../../checks/index.js';
import { selectAssets } from '../../graph/selection.js';
import { loadProjectConfig, type DbtInvocation, type LoadedDbt } from '../../loaders/index.js';
import {
  catalogJson, compileNode, expandStateTerms, freshnessCriteria, writeCatalog, freshnessSql, freshnessStatus, nodeRelation, writeSourcesJson, KIND_NOUN, VERBS_THAT_RUN, renderSnippet, tableSql, testResultSql, viewSql, writeCompiledFiles, writeManifest, writeRunFilesAsync, writeRunResults,
  type CatalogColumnRow, type CompiledNode, type DbtRunResult, type DbtNode, type DbtUnitTest, type FreshnessResult,
} from '../../loaders/dbt/index.js';
import { asQueryResult } from '../../loaders/dbt/dbt-assets.js';
import { WeirError } from '../../shared/errors.js';
import { newRunId } from '../../shared/ids.js';
import { formatDuration } from '../../shared/duration.js';
import { stringifyJson } from '../../shared/json.js';
import { openLocalInstance, type LocalInstance } from '../local-instance.js';
import { findServingProcess } from '../serving-process.js';
import { RunDisplay } from '../output/run-display.js';
import { checkOutcomeText, statusText, style } from '../output/style.js';
import { renderTable } from '../output/table.js';
import { CANCEL_SIGNALS, printSummary, runCommand } from './run-command.js';
import { dbtNodeStatusOf, dbtTestStatusOf } from './dbt-run-statuses.js';
import { keepRunningWhenStdoutCloses } from '../output/stdout-guard.js';
import { qualified, quoteIdent } from '../../connectors/duckdb/quote-identifier.js';
import { plural } from '../../shared/plural.js';

export type DbtVerb = 'build' | 'run' | 'test' | 'seed' | 'snapshot' | 'compile' | 'ls' | 'parse' | 'run-operation' | 'source freshness' | 'docs generate';

export interface DbtCommandOptions {
  project: string;
  verb: DbtVerb;
  /** `weir build` / `weir run`: every asset of the project, TypeScript ones too; `weir dbt …`: dbt nodes only. */
  allAssets?: boolean;
  select?: string[];
  exclude?: string[];
  vars?: string;
  fullRefresh?: boolean;
  target?: string;
  profilesDir?: string;
  threads?: number;
  concurrency?: number;
  failFast?: boolean;
  skipUnchanged?: boolean;
  json?: boolean;
  output?: 'selector' | 'name' | 'path' | 'json';
  /** `--state DIR`: the target/ folder of an earlier run, for state: and result: selectors. */
  state?: string;
  /** `ls --resource-type model --resource-type source`: only these kinds of node. */
  resourceType?: string[];
}

/**
 * `--vars` as dbt reads it: a YAML (or JSON) mapping.
 *
 * @example
 * parseVars('{start: 2024-01-01, n: 3}') // { start: '2024-01-01', n: 3 }
 */
export function parseVars(text: string | undefined): Record<string, unknown> {
  if (!text?.trim()) return {};
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { schema: 'core' });
  } catch (error) {
    throw new WeirError(`--vars is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { code: 'INVALID_VARS', hint: `Pass a mapping, e.g. --vars '{"start_date": "2024-01-01"}'.` });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WeirError('--vars must be a mapping of names to values', { code: 'INVALID_VARS', hint: `Pass e.g. --vars '{start_date: 2024-01-01}'.` });
  }
  return parsed as Record<string, unknown>;
}

const VERB_TYPES: Partial<Record<DbtVerb, string>> = { run: 'model', seed: 'seed', snapshot: 'snapshot' };

/** The user's selection, narrowed to what the verb builds (`dbt run`: models; `dbt seed`: seeds; `dbt …`: dbt nodes). */
function scopedSelection(options: DbtCommandOptions): string[] | undefined {
  const scope = VERB_TYPES[options.verb] ? `resource_type:${VERB_TYPES[options.verb]}` : options.allAssets ? undefined : 'origin:sql';
  const terms = (options.select ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
  if (!scope) return terms.length ? terms : undefined;
  return terms.length ? terms.map((t) => `${t},${scope}`) : [scope];
}

/**
 * Opens the project for a dbt verb. dbt exits 2 when the project cannot be parsed (1 is for nodes that ran and
 * failed), so scripts can tell them apart: a load error here carries exit code 2.
 *
 * @example
 * const instance = await openDbtInstance('jaffle_shop', { tests: true }) // a LocalInstance with instance.loaded.dbt
 */
async function openDbtInstance(project: string, invocation: DbtInvocation): Promise<LocalInstance> {
  try {
    return await openLocalInstance(project, { dbt: invocation });
  } catch (error) {
    if (error && typeof error === 'object') Object.assign(error, { exitCode: 2 });
    throw error;
  }
}

/**
 * Runs one dbt verb on the project; `weir run` / `weir build` come here too and fall back to the plain run command
 * when the project has no dbt project. Returns the exit code.
 *
 * @example
 * await dbtCommand({ project: 'jaffle_shop', verb: 'run', select: ['+customers'], vars: '{start: 2024-01-01}' }) // 0
 */
export async function dbtCommand(options: DbtCommandOptions): Promise<number> {
  const config = loadProjectConfig(options.project);
  const runLike = options.verb === 'build' || options.verb === 'run' || options.verb === 'seed' || options.verb === 'snapshot';
  if (!config.dbt) {
    if (options.allAssets) return runCommand({ project: options.project, select: options.select, exclude: options.exclude, concurrency: options.concurrency ?? options.threads, skipUnchanged: options.skipUnchanged, json: options.json });
    throw new WeirError(`${config.root} has no dbt project`, { code: 'NO_DBT_PROJECT', hint: 'Run `weir dbt …` in a folder with dbt_project.yml, or add `dbt: { project_dir: … }` to weir.yaml.' });
  }
  if (runLike && (await findServingProcess(config.root))) {
    // The serving process owns the warehouse; dbt flags other than selection do not travel with the hand-off.
    return runCommand({ project: options.project, select: scopedSelection(options), exclude: options.exclude, json: options.json });
  }
  const invocation: DbtInvocation = {
    target: options.target, profilesDir: options.profilesDir, vars: parseVars(options.vars), fullRefresh: options.fullRefresh,
    tests: options.verb === 'build' || options.verb === 'test' || options.verb === 'compile' || options.verb === 'ls' || options.verb === 'parse',
  };
  const instance = await openDbtInstance(options.project, invocation);
  try {
    const dbt = instance.loaded.dbt!;
    for (const warning of dbt.assets.warnings) process.stderr.write(`${style.yellow('warning')} ${warning}\n`);
    // state: and result: selectors name nodes of an earlier run's artefacts: rewritten into those nodes first.
    const terms = (list?: string[]) => (list ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
    const select = expandStateTerms(terms(options.select), { project: dbt.project, stateDir: options.state, keyOf: dbt.assets.keyOf });
    const exclude = expandStateTerms(terms(options.exclude), { project: dbt.project, stateDir: options.state, keyOf: dbt.assets.keyOf });
    if (select.unmatched.length || exclude.unmatched.length) warnUnmatched([...select.unmatched, ...exclude.unmatched]);
    if (terms(options.select).length && !select.terms.length) {
      if (options.verb === 'ls') process.stderr.write(`${style.yellow('warning')} No nodes selected!\n`);
      else process.stdout.write('Nothing to do. Try checking your model configs and model specification args\n');
      return 0;
    }
    options = { ...options, select: select.terms.length ? select.terms : undefined, exclude: exclude.terms.length ? exclude.terms : undefined };
    switch (options.verb) {
      case 'parse': return parseVerb(instance, dbt);
      case 'ls': return lsVerb(instance, dbt, { ...options, output: options.output ?? (options.json ? 'json' : undefined) });
      case 'compile': return await compileVerb(instance, dbt, options);
      case 'test': return Math.max(await testVerb(instance, dbt, options), notRunExit(dbt, 'test'));
      default: return Math.max(await buildVerb(instance, dbt, options), notRunExit(dbt, options.verb));
    }
  } finally {
    await instance.close();
  }
}

function parseVerb(instance: LocalInstance, dbt: LoadedDbt): number {
  writeManifest(dbt.project, join(dbt.targetDir, 'manifest.json'), { redact: projectRedactor(instance.loaded.definitions) });
  const count = (type: string) => [...dbt.project.nodes.values()].filter((n) => n.resourceType === type).length;
  process.stdout.write(`${statusText('succeeded', 'parsed')}  ${style.bold(dbt.project.name)}: ${plural(count('model'), 'model')}, ${plural(count('seed'), 'seed')}, ${plural(count('test'), 'test')}, ${plural(dbt.project.sources.size, 'source')}, ${plural(dbt.project.macros.size, 'macro')} ${style.dim(`(${Math.round(instance.loaded.loadMs)} ms)`)}\n`);
  process.stdout.write(style.dim(`  wrote ${relative(process.cwd(), join(dbt.targetDir, 'manifest.json'))}\n`));
  return 0;
}

/** Test-only criteria of dbt's selection grammar: they narrow a term to tests (dbt's `test_type:data` = singular + generic). */
const TEST_TYPES = ['generic', 'singular', 'data', 'unit'] as const;

function isTestCriterion(part: string): boolean {
  return part === 'resource_type:test' || part.startsWith('test_type:');
}

function testTypeMatches(test: DbtNode, part: string): boolean {
  if (part === 'resource_type:test') return true;
  const type = part.slice('test_type:'.length);
  if (!(TEST_TYPES as readonly string[]).includes(type)) {
    throw new WeirError(`test_type:${type} is not a test type`, { code: 'INVALID_SELECTOR', hint: `Use one of: ${TEST_TYPES.map((t) => `test_type:${t}`).join(', ')}.` });
  }
  // Unit tests are not nodes Weir runs yet (a load warning says so): test_type:unit selects none.
  if (type === 'unit') return false;
  const generic = test.resourceType === 'test' && !!test.testMetadata;
  return type === 'data' || (type === 'generic') === generic;
}

/**
 * The dbt nodes a selection picks, as dbt picks them: each space-separated term is a union member, each comma part
 * an intersection; a test is selected by its name, by `resource_type:test` / `test_type:…`, or with what it tests
 * (dbt's eager indirect selection); `--exclude` removes. Unmatched terms are dbt's warning, not an error.
 */
function selectedNodes(instance: LocalInstance, dbt: LoadedDbt, options: DbtCommandOptions): { nodes: DbtNode[]; unmatched: string[] } {
  const tests = [...dbt.project.nodes.values()].filter((n) => n.resourceType === 'test');
  const byName = new Map(tests.map((t) => [t.name, t]));
  const root = instance.loaded.definitions.project.root;
  const terms = (options.select ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
  const assetsOf = (parts: string[]) => selectAssets(instance.graph, { select: [[...parts, 'origin:sql'].join(',')], allowEmpty: true, root });
  const nodesWith = (assetKeys: Set<string>, words: string[]): DbtNode[] => {
    const out: DbtNode[] = [];
    for (const key of assetKeys) {
      const id = dbt.assets.nodeOf.get(key);
      if (id) out.push(dbt.project.nodes.get(id)!);
    }
    for (const test of tests) {
      const host = dbt.assets.attachedTo.get(test.uniqueId);
      const sourceOnly = !host && dbt.assets.unattached.includes(test.uniqueId) && (!words.length || words.some((w) => w.startsWith('source:') && test.sources.some(([s, t]) => w === `source:${s}` || w === `source:${s}.${t}` || w.startsWith(`source:${s}+`) || w.startsWith(`source:${s}.${t}+`))));
      if ((host && assetKeys.has(host)) || sourceOnly) out.push(test);
    }
    return out;
  };
  const chosen = new Map<string, DbtNode>();
  const unmatched: string[] = [];
  if (!terms.length) for (const node of nodesWith(assetsOf([]), [])) chosen.set(node.uniqueId, node);
  for (const term of terms) {
    const parts = term.split(',');
    const testParts = parts.filter(isTestCriterion);
    const named = parts.length === 1 ? byName.get(parts[0]!) : undefined;
    const rest = parts.filter((p) => !isTestCriterion(p));
    let picked = named ? [named] : nodesWith(assetsOf(rest), rest);
    if (testParts.length) picked = picked.filter((n) => n.resourceType === 'test' && testParts.every((p) => testTypeMatches(n, p)));
    if (!picked.length) unmatched.push(term);
    for (const node of picked) chosen.set(node.uniqueId, node);
  }
  const excludeTerms = (options.exclude ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
  if (excludeTerms.length) {
    const excluded = new Set(selectAssets(instance.graph, { select: excludeTerms, allowEmpty: true, root }));
    for (const [id, node] of chosen) {
      const key = node.resourceType === 'test' ? dbt.assets.attachedTo.get(id) : dbt.assets.keyOf.get(id);
      if ((key && excluded.has(key)) || excludeTerms.includes(node.name)) chosen.delete(id);
    }
  }
  // dbt's order: by unique id (`model.` < `seed.` < `snapshot.` < `source.` < `test.`).
  return { nodes: [...chosen.values()].sort((a, b) => (a.uniqueId < b.uniqueId ? -1 : a.uniqueId > b.uniqueId ? 1 : 0)), unmatched };
}

/** dbt's warning for a selection term that picks nothing; the command then goes on (and exits 0 if nothing is left). */
function warnUnmatched(unmatched: readonly string[]): void {
  for (const term of unmatched) process.stderr.write(`${style.yellow('warning')} The selection criterion '${term}' does not match any enabled nodes\n`);
}

function lsVerb(instance: LocalInstance, dbt: LoadedDbt, options: DbtCommandOptions): number {
  const { nodes, unmatched } = selectedNodes(instance, dbt, options);
  // Sources are listed as dbt lists them: all of them, or those the selection names (`source:raw`, `+orders`).
  const root = instance.loaded.definitions.project.root;
  const terms = (options.select ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
  // A term with a test criterion (`resource_type:test`, `test_type:…`) selects tests only, never a source.
  const sourceTerms = terms.length ? terms.filter((t) => !t.split(',').some(isTestCriterion)) : ['*'];
  const sourcesOf = (term: string) => selectAssets(instance.graph, { select: [`${term === '*' ? '' : `${term},`}resource_type:source`], exclude: options.exclude, allowEmpty: true, root });
  const picked = new Set(sourceTerms.flatMap((t) => [...sourcesOf(t)]));
  const sources = [...dbt.project.sources.values()].filter((s) => picked.has(dbt.assets.sourceKeyOf.get(s.uniqueId) ?? ''));
  const sourceUnmatched = unmatched.filter((term) => !sourceTerms.includes(term) || sourcesOf(term).size === 0);
  const types = options.resourceType?.length ? new Set(options.resourceType) : undefined;
  const entries: Array<{ uniqueId: string; line: string }> = [];
  for (const s of sources) {
    if (types && !types.has('source')) continue;
    entries.push({ uniqueId: s.uniqueId, line: lsLine(options.output, { name: s.name, path: s.originalFilePath, selector: `source:${s.packageName}.${s.sourceName}.${s.name}`, json: { name: s.name, resource_type: 'source', package_name: s.packageName, original_file_path: s.originalFilePath, unique_id: s.uniqueId, source_name: s.sourceName } }) });
  }
  for (const n of nodes) {
    if (types && !types.has(n.resourceType)) continue;
    entries.push({ uniqueId: n.uniqueId, line: lsLine(options.output, { name: n.name, path: n.originalFilePath, selector: n.fqn.join('.'), json: { name: n.name, resource_type: n.resourceType, package_name: n.packageName, original_file_path: n.originalFilePath, unique_id: n.uniqueId, alias: n.alias, config: { materialized: n.config.materialized }, tags: n.tags } }) });
  }
  warnUnmatched(sourceUnmatched);
  entries.sort((a, b) => (a.uniqueId < b.uniqueId ? -1 : a.uniqueId > b.uniqueId ? 1 : 0));
  if (!entries.length) process.stderr.write(`${style.yellow('warning')} No nodes selected!\n`);
  process.stdout.write(entries.length ? `${entries.map((e) => e.line).join('\n')}\n` : '');
  return 0;
}

function lsLine(output: string | undefined, node: { name: string; path: string; selector: string; json: Record<string, unknown> }): string {
  switch (output) {
    case 'name': return node.name;
    case 'path': return node.path;
    case 'json': return stringifyJson(node.json);
    default: return node.selector;
  }
}

/**
 * `weir dbt run-operation MACRO --args '{…}'`: renders the macro in the project's context, running the queries it
 * issues (`run_query`, `{% call statement %}`, `{% do … %}`) on the warehouse, as dbt does; what it returns is printed.
 *
 * @example
 * await runOperationCommand({ project: 'shop', verb: 'run-operation', macro: 'grant_select', args: '{role: reporter}' }) // 0
 */
export async function runOperationCommand(options: DbtCommandOptions & { macro: string; args?: string }): Promise<number> {
  if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)?$/.test(options.macro)) {
    throw new WeirError(`'${options.macro}' is not a macro name`, { code: 'INVALID_ARGUMENT', hint: 'Give the name of a macro of the project or a package: weir dbt run-operation my_macro, or my_package.my_macro.' });
  }
  const args = parseVars(options.args);
  const instance = await openDbtInstance(options.project, { target: options.target, profilesDir: options.profilesDir, vars: parseVars(options.vars), tests: false });
  try {
    const dbt = instance.loaded.dbt!;
    const name = options.macro.split('.').pop()!;
    if (!dbt.project.macros.size || ![...dbt.project.macros.values()].some((m) => m.name === name)) {
      throw new WeirError(`no macro named '${options.macro}' in the project or its packages`, { code: 'DBT_UNKNOWN_MACRO', hint: `Macros: ${[...new Set([...dbt.project.macros.values()].filter((m) => m.packageName !== 'dbt').map((m) => m.name))].slice(0, 12).join(', ')}.` });
    }
    const variables = Object.fromEntries(Object.entries(args).map(([k, v], i) => [`__weir_arg_${i}`, v]));
    const call = `{{ ${options.macro}(${Object.keys(args).map((k, i) => `${k}=__weir_arg_${i}`).join(', ')}) }}`;
    const session = await (await instance.warehouse()).connect();
    try {
      process.stdout.write(`Running macro '${options.macro}'\n`);
      const returned = await renderSnippet(dbt.project, undefined, call, {
        resolveRelation: dbt.assets.relationName, resolveExternal: dbt.assets.resolveExternal, variables,
        runQuery: (sql) => asQueryResult(session, sql),
      });
      if (returned.trim()) process.stdout.write(`${projectRedactor(instance.loaded.definitions)(returned.trim())}\n`);
      return 0;
    } finally {
      session.close();
    }
  } finally {
    await instance.close();
  }
}

/**
 * `weir dbt source freshness`: for each selected source with a `freshness:` rule and a `loaded_at_field`, how long
 * ago its newest row was loaded; pass / warn / error as dbt decides, `target/sources.json`, exit 1 on any error.
 *
 * @example
 * await sourceFreshnessCommand({ project: 'shop', verb: 'source freshness', select: ['source:erp'] }) // 0, or 1 if one is stale
 */
export async function sourceFreshnessCommand(options: DbtCommandOptions & { outputPath?: string }): Promise<number> {
  const instance = await openDbtInstance(options.project, { target: options.target, profilesDir: options.profilesDir, vars: parseVars(options.vars), tests: false });
  try {
    const dbt = instance.loaded.dbt!;
    const root = instance.loaded.definitions.project.root;
    const terms = (options.select ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
    const picked = terms.length ? selectAssets(instance.graph, { select: terms.map((t) => `${t},resource_type:source`), exclude: options.exclude, allowEmpty: true, root }) : undefined;
    const sources = [...dbt.project.sources.values()].filter((s) => s.config.enabled !== false && (!picked || picked.has(dbt.assets.sourceKeyOf.get(s.uniqueId) ?? '')));
    const started = Date.now();
    const results: FreshnessResult[] = [];
    const session = await (await instance.warehouse()).connect();
    try {
      for (const source of sources) {
        const criteria = freshnessCriteria(source);
        if (!criteria) continue;
        const startedAtMs = Date.now();
        try {
          const [row] = await session.query<{ max_loaded_at_ms: number | null }>(freshnessSql(source, dbt.assets.relationName(source), criteria));
          const snapshottedAtMs = Date.now();
          const maxLoadedAtMs = row?.max_loaded_at_ms ?? null;
          const status = freshnessStatus(criteria, maxLoadedAtMs === null ? null : (snapshottedAtMs - maxLoadedAtMs) / 1000);
          results.push({ source, criteria, status, maxLoadedAtMs, snapshottedAtMs, startedAtMs, completedAtMs: Date.now() });
        } catch (error) {
          results.push({ source, criteria, status: 'runtime error', maxLoadedAtMs: null, snapshottedAtMs: Date.now(), startedAtMs, completedAtMs: Date.now(), error: (error as Error).message.split('\n')[0] });
        }
      }
    } finally {
      session.close();
    }
    const redact = projectRedactor(instance.loaded.definitions);
    writeSourcesJson(results, options.outputPath ? resolvePath(options.outputPath) : join(dbt.targetDir, 'sources.json'), { elapsedMs: Date.now() - started, redact });
    if (!results.length) process.stderr.write(`${style.yellow('warning')} No sources with a freshness rule (freshness: and loaded_at_field:) were selected\n`);
    for (const r of results) {
      const age = r.maxLoadedAtMs === null ? 'no rows' : `loaded ${formatDuration(r.snapshottedAtMs - r.maxLoadedAtMs)} ago`;
      const label = r.status === 'pass' ? style.green('PASS') : r.status === 'warn' ? style.yellow('WARN') : style.red(r.status === 'error' ? 'ERROR STALE' : 'ERROR');
      process.stdout.write(`${label}  source ${r.source.sourceName}.${r.source.name}  ${r.status === 'runtime error' ? redact(r.error ?? '') : age}\n`);
    }
    return results.some((r) => r.status === 'error' || r.status === 'runtime error') ? 1 : 0;
  } finally {
    await instance.close();
  }
}

/**
 * `weir dbt docs generate`: the manifest (with compiled SQL) and `target/catalog.json` (every relation's columns and
 * types from the warehouse), which dbt docs and other tools read.
 *
 * @example
 * await docsGenerateCommand({ project: 'shop', verb: 'docs generate' }) // 0; target/manifest.json and target/catalog.json written
 */
export async function docsGenerateCommand(options: DbtCommandOptions): Promise<number> {
  const instance = await openDbtInstance(options.project, { target: options.target, profilesDir: options.profilesDir, vars: parseVars(options.vars), tests: true });
  try {
    const dbt = instance.loaded.dbt!;
    const redact = projectRedactor(instance.loaded.definitions);
    const session = await (await instance.warehouse()).connect();
    let rows: CatalogColumnRow[];
    try {
      rows = await session.query<CatalogColumnRow>(`select c.table_catalog, c.table_schema, c.table_name, t.table_type, c.column_name, c.data_type, c.ordinal_position::integer as ordinal_position
        from information_schema.columns c join information_schema.tables t using (table_catalog, table_schema, table_name)`);
    } finally {
      session.close();
    }
    // Relations are named in the warehouse's own catalog (the DuckDB file's name), as the assets name them.
    const catalogName = instance.loaded.definitions.project.warehousePath === ':memory:' ? 'memory' : basename(instance.loaded.definitions.project.warehousePath).replace(/\.[^.]*$/, '');
    const catalogOf = (database: string | null) => (database === null || database === dbt.project.target.database ? catalogName : database);
    const document = catalogJson(dbt.project, rows, catalogOf);
    writeManifest(dbt.project, join(dbt.targetDir, 'manifest.json'), { redact });
    writeCatalog(document, join(dbt.targetDir, 'catalog.json'), redact);
    const found = Object.keys(document.nodes as object).length + Object.keys(document.sources as object).length;
    const expected = [...dbt.project.nodes.values()].filter((n) => n.resourceType !== 'test' && n.relationName !== null).length + dbt.project.sources.size;
    process.stdout.write(`${statusText('succeeded', 'catalog')}  ${plural(found, 'relation')} of ${expected} found in the warehouse ${style.dim(`→ ${relative(process.cwd(), join(dbt.targetDir, 'catalog.json'))}`)}\n`);
    if (found < expected) process.stderr.write(`${style.yellow('warning')} ${expected - found} of the project's relations are not in the warehouse yet (build them first: weir build)\n`);
    return 0;
  } finally {
    await instance.close();
  }
}

async function compileVerb(instance: LocalInstance, dbt: LoadedDbt, options: DbtCommandOptions): Promise<number> {
  const selected = selectedNodes(instance, dbt, options);
  warnUnmatched(selected.unmatched);
  const nodes = selected.nodes.filter((n) => n.resourceType !== 'seed');
  const warehouse = await instance.warehouse();
  const session = await warehouse.connect();
  const compiled = new Map<string, CompiledNode>();
  try {
    const cache = new Map<string, CompiledNode>();
    for (const node of nodes) {
      compiled.set(node.uniqueId, await compileNode(dbt.project, node.uniqueId, {
        resolveRelation: dbt.assets.relationName, resolveExternal: dbt.assets.resolveExternal,
        runQuery: (sql) => asQueryResult(session, sql),
        fullRefresh: options.fullRefresh,
      }, cache));
    }
  } finally {
    session.close();
  }
  const redact = projectRedactor(instance.loaded.definitions);
  writeCompiledFiles(dbt.project, compiled, dbt.targetDir, redact);
  writeManifest(dbt.project, join(dbt.targetDir, 'manifest.json'), { compiled, redact });
  const now = Date.now();
  writeRunResults([...compiled.values()].map((c) => ({ uniqueId: c.uniqueId, status: 'success', startedAtMs: now, completedAtMs: now, compiledCode: c.compiledCode })), join(dbt.targetDir, 'run_results.json'), { args: { which: 'compile' }, redact });
  if (compiled.size === 1 && options.select?.length) process.stdout.write(`${redact([...compiled.values()][0]!.compiledCode.trim())}\n`);
  else process.stdout.write(`${statusText('succeeded', 'compiled')}  ${plural(compiled.size, 'node')} ${style.dim(`→ ${relative(process.cwd(), join(dbt.targetDir, 'compiled'))}`)}\n`);
  return 0;
}

/** On-run-start / on-run-end statements, rendered in the project's context and run in the warehouse. */
async function runProjectHooks(instance: LocalInstance, dbt: LoadedDbt, hooks: string[], which: string, variables: Record<string, unknown> = {}): Promise<void> {
  if (!hooks.length) return;
  const warehouse = await instance.warehouse();
  const session = await warehouse.connect();
  try {
    // As dbt: the schemas of the project exist before on-run-start runs.
    const schemas = new Set([dbt.project.target.schema, ...instance.loaded.definitions.assets.flatMap((a) => (a.origin === 'sql' && a.io.kind === 'table' ? [a.io.schema] : []))]);
    for (const schema of schemas) await session.run(`create schema if not exists ${quoteIdent(schema)}`);
    for (const hook of hooks) {
      const sql = await renderSnippet(dbt.project, undefined, hook, { resolveRelation: dbt.assets.relationName, resolveExternal: dbt.assets.resolveExternal, variables });
      if (!sql.trim()) continue;
      try {
        await session.run(sql);
      } catch (error) {
        throw new WeirError(`${which} hook failed: ${(error as Error).message.split('\n')[0]}`, { code: 'SQL_ERROR', location: { file: relative(instance.loaded.definitions.project.root, join(dbt.project.dir, 'dbt_project.yml')) }, hint: `The statement was: ${sql.trim().slice(0, 300)}` });
      }
    }
  } finally {
    session.close();
  }
}

/**
 * 1 when the verb would, in dbt, run something the project declares that Weir does not run yet (a unit
 * test, an enforced contract): everything else ran, but CI must not pass as if it had. Each was named as a warning at load.
 *
 * @example
 * notRunExit(dbt, 'build') // 1, after printing "✘ not run: 2 unit tests, 1 enforced contract (see the warnings above) …"
 */
function notRunExit(dbt: LoadedDbt, verb: DbtVerb): number {
  const skipped = dbt.project.unsupported.filter((u) => VERBS_THAT_RUN[u.kind].includes(verb));
  if (!skipped.length) {
    return 0;
  }
  const counts = [...new Set(skipped.map((u) => u.kind))].map((kind) => plural(skipped.filter((u) => u.kind === kind).length, KIND_NOUN[kind]));
  process.stderr.write(`${style.red('✘')} not run: ${counts.join(', ')} (see the warnings above). Weir does not support them yet, so \`${verb}\` exits 1 rather than pass without them.\n`);
  return 1;
}

/** What run_results.json needs beyond the fold of the run's events: the SQL each step ran, each test's evaluation. */
interface BuildRecord {
  run: RunState;
  sql: Map<string, string>;
  checks: Map<string, CheckEvaluationData & { timestamp: number }>;
}

/**
 * The verb's selection with dbt's leniency: a term that matches nothing is a warning, not an error, and a selection
 * that matches nothing at all is "Nothing to do" (undefined here).
 */
function buildSelection(instance: LocalInstance, options: DbtCommandOptions): { select: string[] | undefined } | undefined {
  const terms = (options.select ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
  if (!terms.length) return { select: scopedSelection(options) };
  const root = instance.loaded.definitions.project.root;
  const matches = (term: string) => selectAssets(instance.graph, { select: scopedSelection({ ...options, select: [term] }), allowEmpty: true, root }).size > 0;
  const kept = terms.filter(matches);
  warnUnmatched(terms.filter((t) => !kept.includes(t)));
  if (!kept.length) return undefined;
  const select = scopedSelection({ ...options, select: kept });
  return selectAssets(instance.graph, { select, exclude: options.exclude, allowEmpty: true, root }).size ? { select } : undefined;
}

async function buildVerb(instance: LocalInstance, dbt: LoadedDbt, options: DbtCommandOptions): Promise<number> {
  const { definitions } = instance.loaded;
  const started = Date.now();
  const selection = buildSelection(instance, options);
  if (!selection) {
    process.stdout.write('Nothing to do. Try checking your model configs and model specification args\n');
    return 0;
  }
  await runProjectHooks(instance, dbt, dbt.project.onRunStart, 'on-run-start');
  const warehouse = await instance.warehouse();
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  for (const signal of CANCEL_SIGNALS) process.on(signal, onSigint);
  // `weir build | head -1`: the run goes on to its end and its record even when nobody reads any more.
  const release = keepRunningWhenStdoutCloses();
  let display: RunDisplay | undefined;
  const record: BuildRecord = { run: initialRunState([]), sql: new Map(), checks: new Map() };
  try {
    const result = await launchRun({
      definitions, graph: instance.graph, storage: instance.storage, warehouse,
      select: selection.select, exclude: options.exclude, concurrency: options.concurrency ?? options.threads, skipUnchanged: options.skipUnchanged,
      trigger: 'cli', signal: controller.signal, tags: { command: `${options.allAssets ? 'weir' : 'weir dbt'} ${options.verb}` },
      onRunCreated: (run) => {
        record.run = initialRunState(run.stepKeys);
        if (options.json) return;
        process.stdout.write(`${style.bold(`Run ${run.runId}`)} ${style.dim(`· ${definitions.project.name} · ${options.allAssets ? '' : 'dbt '}${options.verb} · ${plural(run.stepKeys.length, 'step')}`)}\n`);
        display = new RunDisplay(run.stepKeys);
      },
      onEvent: (event: EventRecord) => {
        if (options.json) process.stdout.write(`${stringifyJson(event)}\n`);
        else display?.onEvent(event);
        record.run = applyRunEvent(record.run, event);
        const key = event.stepKey;
        if (!key) return;
        if (event.type === EventType.STEP_FAILURE && options.failFast && !controller.signal.aborted) controller.abort();
        else if (event.type === EventType.ASSET_MATERIALIZATION && event.data.sql !== undefined) record.sql.set(key, event.data.sql);
        else if (event.type === EventType.ASSET_CHECK_EVALUATION) record.checks.set(`${key}\u0000${event.data.checkName}`, { ...event.data, timestamp: event.timestamp });
      },
    });
    display?.stop();
    const results = await writeBuildArtefacts(dbt, record, started, options, projectRedactor(instance.loaded.definitions));
    if (result.status === RunStatus.SUCCESS || !controller.signal.aborted) {
      // on-run-end sees dbt's `results` (one per node run) and `schemas`.
      const hookResults = results.map((r) => {
        const node = dbt.project.nodes.get(r.uniqueId)!;
        return { node: { unique_id: node.uniqueId, name: node.name, resource_type: node.resourceType, schema: node.schema, alias: node.alias }, status: r.status, message: r.message ?? null, failures: r.failures ?? null, execution_time: (r.completedAtMs - r.startedAtMs) / 1000, unique_id: r.uniqueId };
      });
      const schemas = [...new Set(definitions.assets.flatMap((a) => (a.origin === 'sql' && a.io.kind === 'table' ? [a.io.schema] : [])))];
      await runProjectHooks(instance, dbt, dbt.project.onRunEnd, 'on-run-end', { results: hookResults, schemas, database_schemas: schemas.map((s) => [dbt.project.target.database, s]) });
    }
    if (!options.json) await printSummary(instance.storage, result.runId, result.status, result.durationMs, result.reused.length, definitions.project.root);
    return result.status === 'SUCCESS' ? 0 : 1;
  } finally {
    display?.stop();
    for (const signal of CANCEL_SIGNALS) process.off(signal, onSigint);
    release();
  }
}

async function writeBuildArtefacts(dbt: LoadedDbt, record: BuildRecord, started: number, options: DbtCommandOptions, redact: (text: string) => string): Promise<DbtRunResult[]> {
  const results: DbtRunResult[] = [];
  const compiled = new Map<string, CompiledNode>();
  const statements = new Map<string, string[]>();
  const publishThenTest = dbt.project.vars.weir_audit === 'publish_then_test';
  const steps = new Map(record.run.steps.map((s) => [s.key, s]));
  for (const step of record.run.steps) {
    const id = dbt.assets.nodeOf.get(step.key);
    const node = id ? dbt.project.nodes.get(id) : undefined;
    const status = dbtNodeStatusOf(step, { publishThenTest });
    if (!node || !status) continue;
    const sql = record.sql.get(step.key);
    if (sql !== undefined) {
      compiled.set(node.uniqueId, { uniqueId: node.uniqueId, compiledCode: sql, extraCtes: [], queries: [] });
      const target = nodeRelation(node);
      if (node.resourceType === 'model' && node.config.materialized === 'view') statements.set(node.uniqueId, viewSql(target, sql));
      else if (node.resourceType === 'model' && node.config.materialized !== 'ephemeral') statements.set(node.uniqueId, tableSql(target, sql));
    }
    // dbt writes no result for an ephemeral model: it is inlined into the models that use it, never run.
    if (node.resourceType === 'model' && node.config.materialized === 'ephemeral') continue;
    const startedAtMs = step.startedAt ?? step.endedAt ?? started;
    results.push({
      uniqueId: node.uniqueId, status, startedAtMs, completedAtMs: step.endedAt ?? startedAtMs,
      message: step.status === 'succeeded' ? (node.resourceType === 'seed' ? `INSERT ${step.rowCount ?? 0}` : 'OK') : step.reason ?? null,
      ...(sql !== undefined ? { compiledCode: sql } : {}), relationName: node.relationName, rowsAffected: step.rowCount ?? undefined,
    });
  }
  if (options.verb === 'build') {
    for (const [checkKey, testId] of dbt.assets.testOf) {
      const [key] = checkKey.split('\u0000');
      const step = steps.get(key!);
      if (!step || !dbtNodeStatusOf(step, { publishThenTest })) continue;
      const evaluation = record.checks.get(checkKey);
      const ended = step.endedAt ?? started;
      if (!evaluation) {
        results.push({ uniqueId: testId, status: 'skipped', startedAtMs: ended, completedAtMs: ended, message: step.reason ?? 'not run' });
        continue;
      }
      const status = dbtTestStatusOf(checkOutcomeOf(evaluation));
      results.push({
        uniqueId: testId, status, startedAtMs: evaluation.timestamp, completedAtMs: evaluation.timestamp,
        message: status === 'pass' ? null : evaluation.message, failures: evaluation.failingRows ?? 0,
      });
    }
  }
  writeManifest(dbt.project, join(dbt.targetDir, 'manifest.json'), { compiled, redact });
  await writeRunFilesAsync(dbt.project, statements, dbt.targetDir, redact);
  writeRunResults(results, join(dbt.targetDir, 'run_results.json'), { elapsedMs: Date.now() - started, args: { which: options.verb, select: options.select ?? [], exclude: options.exclude ?? [], full_refresh: !!options.fullRefresh, vars: parseVars(options.vars) }, redact });
  return results;
}

/** `dbt test`: the selected tests on the published relations; recorded as a run with one check evaluation each. */
/** The unit tests `weir dbt test` runs: all, or those of the selected models, named, or picked by test_type:unit. */
function selectedUnitTests(dbt: LoadedDbt, options: DbtCommandOptions, selectedIds: Set<string>): DbtUnitTest[] {
  const terms = (options.select ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
  if (!terms.length) return dbt.project.unitTests;
  return dbt.project.unitTests.filter((u) => selectedIds.has(u.modelId) || terms.includes(u.name) || terms.includes('test_type:unit'));
}

async function testVerb(instance: LocalInstance, dbt: LoadedDbt, options: DbtCommandOptions): Promise<number> {
  const { definitions } = instance.loaded;
  const selected = selectedNodes(instance, dbt, options);
  warnUnmatched(selected.unmatched.filter((t) => t !== 'test_type:unit' && !dbt.project.unitTests.some((u) => u.name === t)));
  const tests = selected.nodes.filter((n) => n.resourceType === 'test');
  const unitTests = selectedUnitTests(dbt, options, new Set(selected.nodes.map((n) => n.uniqueId)));
  const warehouse = await instance.warehouse();
  const session = await warehouse.connect();
  const runId = newRunId();
  const started = Date.now();
  const hosts = [...new Set([...tests.map((t) => dbt.assets.attachedTo.get(t.uniqueId)), ...unitTests.map((u) => dbt.assets.keyOf.get(u.modelId))].filter((k): k is string => !!k))];
  await instance.storage.runs.createRun({ runId, project: definitions.project.name, trigger: 'cli', selection: selectionText({ select: options.select, exclude: options.exclude }), stepKeys: hosts, tags: { command: 'weir dbt test' }, createdAt: started });
  const redact = projectRedactor(definitions);
  const sink = new EventSink(instance.storage.events, redact);
  const release = keepRunningWhenStdoutCloses();
  const emit = (type: EventType, stepKey: string | null, message: string, data: unknown) =>
    sink.emit({ runId, project: definitions.project.name, type, stepKey, timestamp: Date.now(), message, data } as never);
  await emit(EventType.RUN_START, null, `Testing: ${plural(tests.length + unitTests.length, 'test')}`, { stepKeys: hosts, concurrency: 1 });
  const results: DbtRunResult[] = [];
  const rows: string[][] = [];
  let failed = 0;
  try {
    for (const test of tests) {
      const hostKey = dbt.assets.attachedTo.get(test.uniqueId);
      if (!hostKey) {
        // A test of sources only: no asset to record it on; run, printed and written to run_results.json.
        const testStarted = Date.now();
        const compiled = await compileNode(dbt.project, test.uniqueId, { resolveRelation: dbt.assets.relationName, resolveExternal: dbt.assets.resolveExternal });
        const [row] = await session.query<{ failures: unknown; should_warn: unknown; should_error: unknown }>(testResultSql(test, compiled.compiledCode));
        const failures = Number(row?.failures ?? 0);
        const isError = String(test.config.severity ?? 'ERROR').toUpperCase() !== 'WARN' && row?.should_error === true;
        const status = isError ? 'fail' : row?.should_warn === true ? 'warn' : 'pass';
        if (status === 'fail') failed++;
        const message = status === 'pass' ? null : `${test.name}: ${failures} failing row${failures === 1 ? '' : 's'}`;
        results.push({ uniqueId: test.uniqueId, status, startedAtMs: testStarted, completedAtMs: Date.now(), failures, message, compiledCode: compiled.compiledCode });
        rows.push([test.name, `source:${test.sources.map(([s, t]) => `${s}.${t}`).join(', ')}`, statusText(status === 'pass' ? 'succeeded' : status === 'warn' ? 'warn' : 'failed', status.toUpperCase()), String(failures)]);
        continue;
      }
      const host = definitions.assets.find((a) => a.key === hostKey);
      // A test of sources only is a check of the source (an external relation), run where the source is.
      const source = host ? undefined : definitions.externals.find((e) => e.key === hostKey)!;
      const spec = (host ?? source!).checks!.find((c) => c.name === test.name)!;
      const testStarted = Date.now();
      const relation = !host ? relationOf(definitions.project, source!) : host.io.kind === 'table' ? (host.materialize?.kind === 'ephemeral' ? '(select 1)' : qualified(host.io.schema, host.io.name)) : hostKey;
      const evaluation = await evaluateCheck(spec, { assetKey: hostKey, runner: session, relation, resolveRelation: (k) => k });
      await emit(EventType.ASSET_CHECK_EVALUATION, hostKey, evaluation.message, evaluation);
      const status = dbtTestStatusOf(checkOutcomeOf(evaluation));
      if (status === 'fail' || status === 'error') failed++;
      results.push({ uniqueId: test.uniqueId, status, startedAtMs: testStarted, completedAtMs: Date.now(), failures: evaluation.failingRows ?? 0, message: status === 'pass' ? null : evaluation.message });
      rows.push([test.name, hostKey, checkOutcomeText(checkOutcomeOf(evaluation), status.toUpperCase()), String(evaluation.failingRows ?? '')]);
    }
    for (const unit of unitTests) {
      // A unit test runs the model's SQL on its given rows: it needs no published table, only the inputs' column types.
      const hostKey = dbt.assets.keyOf.get(unit.modelId)!;
      const host = definitions.assets.find((a) => a.key === hostKey)!;
      const spec = host.checks.find((c) => c.name === unit.name)!;
      const testStarted = Date.now();
      const evaluation = await evaluateCheck(spec, { assetKey: hostKey, runner: session, relation: qualified(host.io.kind === 'table' ? host.io.schema : 'main', hostKey), resolveRelation: (k) => k });
      await emit(EventType.ASSET_CHECK_EVALUATION, hostKey, evaluation.message, evaluation);
      const status = dbtTestStatusOf(checkOutcomeOf(evaluation));
      if (status === 'fail' || status === 'error') failed++;
      results.push({ uniqueId: unit.uniqueId, status, startedAtMs: testStarted, completedAtMs: Date.now(), failures: evaluation.failingRows ?? 0, message: status === 'pass' ? null : evaluation.message });
      rows.push([unit.name, hostKey, checkOutcomeText(checkOutcomeOf(evaluation), status.toUpperCase()), String(evaluation.failingRows ?? '')]);
    }
  } finally {
    session.close();
  }
  const durationMs = Date.now() - started;
  const end = { durationMs, succeeded: failed ? [] : hosts, failed: failed ? hosts : [], skipped: [] };
  await emit(failed ? EventType.RUN_FAILURE : EventType.RUN_SUCCESS, null, `${plural(tests.length, 'test')}, ${failed} failed, in ${formatDuration(durationMs)}`, end);
  await sink.flush();
  release();
  writeRunResults(results, join(dbt.targetDir, 'run_results.json'), { elapsedMs: durationMs, args: { which: 'test', select: options.select ?? [] }, redact });
  writeManifest(dbt.project, join(dbt.targetDir, 'manifest.json'), { redact });
  if (options.json) process.stdout.write(`${stringifyJson(results)}\n`);
  else {
    if (rows.length) process.stdout.write(`${renderTable(['test', 'asset', 'result', 'failing rows'], rows)}\n`);
    for (const r of results) if (r.status !== 'pass') process.stdout.write(`  ${r.status === 'warn' ? style.yellow('!') : style.red('✘')} ${r.message}\n`);
    process.stdout.write(`${failed ? style.red('Failed') : style.green('Passed')}: ${plural(tests.length, 'test')}, ${failed} failed, in ${formatDuration(durationMs)}  ${style.dim(`weir run-info ${runId.slice(0, 8)}`)}\n`);
  }
  return failed ? 1 : 0;
}
