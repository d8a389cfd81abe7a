/**
 * dbt's verbs on a project that is or includes a dbt project: `weir build` (= `weir run`) and `weir dbt build|run|
 * test|seed|compile|ls|parse`, with dbt's flags, dbt's artefacts in `target/`, and the run recorded like any other.
 */
import { parse as parseYaml } from 'yaml';
import { join, relative } from 'node:path';
import type { EventRecord } from '../../events/index.js';
import { applyRunEvent, checkOutcomeOf, EventType, initialRunState, RunStatus, type CheckEvaluationData, type RunState } from '../../events/index.js';
import { launchRun, projectRedactor, selectionText } from '../../engine/launch-run.js';
import { relationOf } from '../../engine/published-location.js';
import { EventSink } from '../../engine/event-sink.js';
import { evaluateCheck } from '../../checks/index.js';
import { selectAssets } from '../../graph/selection.js';
import { loadProjectConfig, type DbtInvocation, type LoadedDbt } from '../../loaders/index.js';
import {
  compileNode, nodeRelation, VERBS_THAT_RUN, renderSnippet, tableSql, testResultSql, viewSql, writeCompiledFiles, writeManifest, writeRunFilesAsync, writeRunResults,
  type CompiledNode, type DbtRunResult, type DbtNode,
} from '../../loaders/dbt/index.js';
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

export type DbtVerb = 'build' | 'run' | 'test' | 'seed' | 'snapshot' | 'compile' | 'ls' | 'parse';

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

const VERB_TYPES: Partial<Record<DbtVerb, string>> = { run: 'model', seed: 'seed' };

/** The user's selection, narrowed to what the verb builds (`dbt run`: models; `dbt seed`: seeds; `dbt …`: dbt nodes). */
function scopedSelection(options: DbtCommandOptions): string[] | undefined {
  const scope = VERB_TYPES[options.verb] ? `resource_type:${VERB_TYPES[options.verb]}` : options.allAssets ? undefined : 'origin:sql';
  const terms = (options.select ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
  if (!scope) return terms.length ? terms : undefined;
  return terms.length ? terms.map((t) => `${t},${scope}`) : [scope];
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
  const runLike = options.verb === 'build' || options.verb === 'run' || options.verb === 'seed';
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
  const instance = await openLocalInstance(options.project, { dbt: invocation });
  try {
    const dbt = instance.loaded.dbt!;
    for (const warning of dbt.assets.warnings) process.stderr.write(`${style.yellow('warning')} ${warning}\n`);
    switch (options.verb) {
      case 'parse': return parseVerb(instance, dbt);
      case 'ls': return lsVerb(instance, dbt, { ...options, output: options.output ?? (options.json ? 'json' : undefined) });
      case 'compile': return await compileVerb(instance, dbt, options);
      case 'test': return Math.max(await testVerb(instance, dbt, options), notRunExit(dbt, 'test'));
      case 'snapshot': return notRunExit(dbt, 'snapshot');
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

/** The dbt nodes a selection names: models and seeds through the asset graph, tests by name or by their asset. */
function selectedNodes(instance: LocalInstance, dbt: LoadedDbt, options: DbtCommandOptions): DbtNode[] {
  const tests = [...dbt.project.nodes.values()].filter((n) => n.resourceType === 'test');
  const testNames = new Set(tests.map((t) => t.name));
  const words = (options.select ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
  const byName = words.filter((w) => testNames.has(w));
  const rest = words.filter((w) => !testNames.has(w) && w !== 'resource_type:test' && w !== 'test_type:generic' && w !== 'test_type:singular');
  const onlyTests = words.length > 0 && rest.length === 0;
  const assetKeys = onlyTests && !words.some((w) => w.startsWith('resource_type:test') || w.startsWith('test_type:'))
    ? new Set<string>()
    : selectAssets(instance.graph, { select: rest.length ? rest.map((t) => `${t},origin:sql`) : ['origin:sql'], exclude: options.exclude, root: instance.loaded.definitions.project.root });
  const out: DbtNode[] = [];
  for (const key of instance.graph.topologicalOrder()) {
    const id = dbt.assets.nodeOf.get(key);
    if (id && assetKeys.has(key)) out.push(dbt.project.nodes.get(id)!);
  }
  for (const test of tests) {
    const host = dbt.assets.attachedTo.get(test.uniqueId);
    const sourceOnly = !host && dbt.assets.unattached.includes(test.uniqueId) && (!words.length || words.some((w) => w.startsWith('source:') && test.sources.some(([s, t]) => w === `source:${s}` || w === `source:${s}.${t}` || w.startsWith(`source:${s}+`) || w.startsWith(`source:${s}.${t}+`))));
    if (byName.includes(test.name) || (host && assetKeys.has(host)) || sourceOnly) out.push(test);
  }
  return out;
}

function lsVerb(instance: LocalInstance, dbt: LoadedDbt, options: DbtCommandOptions): number {
  const nodes = selectedNodes(instance, dbt, options);
  // Sources are listed as dbt lists them: all of them, or those the selection names (`source:raw`, `+orders`).
  const narrowed = !!(options.select?.length || options.exclude?.length);
  const words = (options.select ?? []).flatMap((s) => s.split(/\s+/)).filter((w) => w && !w.startsWith('resource_type:test') && !w.startsWith('test_type:'));
  const picked = narrowed ? selectAssets(instance.graph, { select: words.map((w) => `${w},resource_type:source`), exclude: options.exclude, allowEmpty: true, root: instance.loaded.definitions.project.root }) : undefined;
  const sources = [...dbt.project.sources.values()].filter((s) => !picked || picked.has(dbt.assets.sourceKeyOf.get(s.uniqueId) ?? ''));
  const sourceLines = sources.map((s) => {
    switch (options.output) {
      case 'name': return s.name;
      case 'path': return s.originalFilePath;
      case 'json': return stringifyJson({ name: s.name, resource_type: 'source', package_name: s.packageName, original_file_path: s.originalFilePath, unique_id: s.uniqueId, source_name: s.sourceName });
      default: return `source:${s.fqn.join('.')}`;
    }
  });
  const lines = nodes.map((n) => {
    switch (options.output) {
      case 'name': return n.name;
      case 'path': return n.originalFilePath;
      case 'json': return stringifyJson({ name: n.name, resource_type: n.resourceType, package_name: n.packageName, original_file_path: n.originalFilePath, unique_id: n.uniqueId, alias: n.alias, config: { materialized: n.config.materialized }, tags: n.tags });
      default: return n.fqn.join('.');
    }
  });
  const all = [...lines, ...sourceLines];
  process.stdout.write(all.length ? `${all.join('\n')}\n` : '');
  return 0;
}

async function compileVerb(instance: LocalInstance, dbt: LoadedDbt, options: DbtCommandOptions): Promise<number> {
  const nodes = selectedNodes(instance, dbt, options).filter((n) => n.resourceType !== 'seed');
  const warehouse = await instance.warehouse();
  const session = await warehouse.connect();
  const compiled = new Map<string, CompiledNode>();
  try {
    const cache = new Map<string, CompiledNode>();
    for (const node of nodes) {
      compiled.set(node.uniqueId, await compileNode(dbt.project, node.uniqueId, {
        resolveRelation: dbt.assets.relationName, resolveExternal: dbt.assets.resolveExternal,
        runQuery: async (sql) => {
          const rows = await session.query<Record<string, unknown>>(sql);
          const columns = rows[0] ? Object.keys(rows[0]) : [];
          return { columns, rows: rows.map((r) => columns.map((c) => r[c])) };
        },
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
 * 1 when the verb would, in dbt, run something the project declares that Weir does not run yet (a snapshot, a unit
 * test, an enforced contract): everything else ran, but CI must not pass as if it had. Each was named as a warning at load.
 *
 * @example
 * notRunExit(dbt, 'build') // 1, after printing "✘ not run: 2 unit tests, 1 snapshot (see the warnings above) …"
 */
function notRunExit(dbt: LoadedDbt, verb: DbtVerb): number {
  const skipped = dbt.project.unsupported.filter((u) => VERBS_THAT_RUN[u.kind].includes(verb));
  if (!skipped.length) {
    if (verb === 'snapshot') process.stdout.write('Nothing to do: the project declares no snapshots.\n');
    return 0;
  }
  const counts = (['unit_test', 'snapshot', 'contract'] as const)
    .map((kind) => [kind, skipped.filter((u) => u.kind === kind).length] as const).filter(([, n]) => n > 0)
    .map(([kind, n]) => (kind === 'unit_test' ? plural(n, 'unit test') : kind === 'snapshot' ? plural(n, 'snapshot') : plural(n, 'enforced contract')));
  process.stderr.write(`${style.red('✘')} not run: ${counts.join(', ')} (see the warnings above). Weir does not support them yet, so \`${verb}\` exits 1 rather than pass without them.\n`);
  return 1;
}

/** What run_results.json needs beyond the fold of the run's events: the SQL each step ran, each test's evaluation. */
interface BuildRecord {
  run: RunState;
  sql: Map<string, string>;
  checks: Map<string, CheckEvaluationData & { timestamp: number }>;
}

async function buildVerb(instance: LocalInstance, dbt: LoadedDbt, options: DbtCommandOptions): Promise<number> {
  const { definitions } = instance.loaded;
  const started = Date.now();
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
      select: scopedSelection(options), exclude: options.exclude, concurrency: options.concurrency ?? options.threads, skipUnchanged: options.skipUnchanged,
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
async function testVerb(instance: LocalInstance, dbt: LoadedDbt, options: DbtCommandOptions): Promise<number> {
  const { definitions } = instance.loaded;
  const tests = selectedNodes(instance, dbt, options).filter((n) => n.resourceType === 'test');
  const warehouse = await instance.warehouse();
  const session = await warehouse.connect();
  const runId = newRunId();
  const started = Date.now();
  const hosts = [...new Set(tests.map((t) => dbt.assets.attachedTo.get(t.uniqueId)).filter((k): k is string => !!k))];
  await instance.storage.runs.createRun({ runId, project: definitions.project.name, trigger: 'cli', selection: selectionText({ select: options.select, exclude: options.exclude }), stepKeys: hosts, tags: { command: 'weir dbt test' }, createdAt: started });
  const redact = projectRedactor(definitions);
  const sink = new EventSink(instance.storage.events, redact);
  const release = keepRunningWhenStdoutCloses();
  const emit = (type: EventType, stepKey: string | null, message: string, data: unknown) =>
    sink.emit({ runId, project: definitions.project.name, type, stepKey, timestamp: Date.now(), message, data } as never);
  await emit(EventType.RUN_START, null, `Testing: ${plural(tests.length, 'test')}`, { stepKeys: hosts, concurrency: 1 });
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
