/** dbt's artefacts: manifest.json (v12), run_results.json (v6), target/compiled and target/run files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parentChildMaps } from './graph.js';
import type { CompiledNode } from './compile.js';
import type { DbtNode, DbtProject } from './types.js';

const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';
const RUN_RESULTS_SCHEMA = 'https://schemas.getdbt.com/dbt/run-results/v6.json';
const DBT_VERSION = '1.10.0';

/** Masks secret setting values in an artefact's text; the default keeps it as is. */
export type ArtifactRedactor = (text: string) => string;
const keep: ArtifactRedactor = (text) => text;

// The redactor masks JSON-escaped forms too, so the whole document is masked at once.
function writeJson(path: string, value: unknown, redact: ArtifactRedactor = keep): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${redact(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v), 2))}\n`);
}

function configJson(node: DbtNode): Record<string, unknown> {
  const { pre_hook, post_hook, ...rest } = node.config;
  return { ...rest, 'pre-hook': pre_hook, 'post-hook': post_hook };
}

export function nodeJson(node: DbtNode, compiled?: CompiledNode): Record<string, unknown> {
  const base: Record<string, unknown> = {
    database: node.database, schema: node.schema, name: node.name, resource_type: node.resourceType, package_name: node.packageName,
    path: node.path, original_file_path: node.originalFilePath, unique_id: node.uniqueId, fqn: node.fqn, alias: node.alias,
    checksum: { name: node.checksum ? 'sha256' : 'none', checksum: node.checksum }, config: configJson(node), tags: node.tags,
    description: node.description, columns: node.columns, meta: node.meta, group: null, docs: { show: true, node_color: null, ...node.config.docs as Record<string, unknown> | undefined },
    patch_path: node.patchPath ?? null, build_path: null, unrendered_config: node.unrenderedConfig, created_at: Date.now() / 1000,
    relation_name: node.relationName, raw_code: node.rawCode, language: 'sql',
    refs: node.refs.map((r) => ({ name: r.name, package: r.package ?? null, version: r.version ?? null })),
    sources: node.sources, metrics: [], depends_on: { macros: [...new Set(node.dependsOn.macros)].sort(), nodes: node.dependsOn.nodes },
    compiled_path: compiled ? `target/compiled/${node.packageName}/${node.originalFilePath}` : null,
    contract: { enforced: false, alias_types: true, checksum: null },
  };
  if (compiled) Object.assign(base, { compiled: true, compiled_code: compiled.compiledCode, extra_ctes_injected: true, extra_ctes: compiled.extraCtes.map((c) => ({ id: c.id, sql: c.sql })) });
  if (node.resourceType === 'model') {
    Object.assign(base, {
      access: 'protected', constraints: [], version: node.version ?? null, latest_version: node.latestVersion ?? null, deprecation_date: null,
      primary_key: [], time_spine: null,
    });
  }
  if (node.resourceType === 'seed') Object.assign(base, { root_path: null, depends_on: { macros: [] } });
  if (node.resourceType === 'test') {
    Object.assign(base, {
      column_name: node.columnName ?? null, file_key_name: node.fileKeyName ?? null, attached_node: node.attachedNode ?? null,
      ...(node.testMetadata ? { test_metadata: node.testMetadata } : {}),
    });
  }
  return base;
}

/**
 * Writes manifest.json in dbt's v12 shape (what dbt docs, state selection and other tools read).
 *
 * @example
 * writeManifest(project, 'target/manifest.json', { compiled })
 */
export function writeManifest(project: DbtProject, path: string, options: { compiled?: Map<string, CompiledNode>; invocationId?: string; redact?: ArtifactRedactor } = {}): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  for (const node of project.nodes.values()) nodes[node.uniqueId] = nodeJson(node, options.compiled?.get(node.uniqueId));
  const sources: Record<string, unknown> = {};
  for (const s of project.sources.values()) {
    sources[s.uniqueId] = {
      database: s.database, schema: s.schema, name: s.name, resource_type: 'source', package_name: s.packageName, path: s.path,
      original_file_path: s.originalFilePath, unique_id: s.uniqueId, fqn: s.fqn, source_name: s.sourceName, source_description: s.sourceDescription,
      loader: s.loader, identifier: s.identifier, quoting: {}, loaded_at_field: s.loadedAtField ?? null, freshness: s.freshness ?? null,
      external: null, description: s.description, columns: s.columns, meta: s.meta, source_meta: {}, tags: s.tags, config: s.config,
      patch_path: null, unrendered_config: {}, relation_name: s.relationName, created_at: Date.now() / 1000,
    };
  }
  const macros: Record<string, unknown> = {};
  for (const m of project.macros.values()) {
    macros[m.uniqueId] = {
      name: m.name, resource_type: 'macro', package_name: m.packageName, path: m.path, original_file_path: m.originalFilePath,
      unique_id: m.uniqueId, macro_sql: m.macroSql, depends_on: { macros: [] }, description: m.description, meta: {}, docs: { show: true, node_color: null },
      patch_path: null, arguments: [], created_at: Date.now() / 1000, supported_languages: null,
    };
  }
  const docs: Record<string, unknown> = {};
  for (const d of project.docs.values()) {
    docs[d.uniqueId] = { name: d.name, resource_type: 'doc', package_name: d.packageName, path: d.path, original_file_path: d.originalFilePath, unique_id: d.uniqueId, block_contents: d.blockContents };
  }
  const ids = [...project.nodes.keys(), ...project.sources.keys()];
  const { parentMap, childMap } = parentChildMaps(ids, (id) => project.nodes.get(id)?.dependsOn.nodes ?? []);
  const unused = project.unused;
  const manifest = {
    metadata: {
      dbt_schema_version: MANIFEST_SCHEMA, dbt_version: DBT_VERSION, generated_at: new Date().toISOString(),
      invocation_id: options.invocationId ?? null, env: {}, project_name: project.name, adapter_type: 'duckdb', send_anonymous_usage_stats: false,
    },
    nodes, sources, macros, docs,
    exposures: unused.exposures ?? {}, metrics: unused.metrics ?? {}, groups: unused.groups ?? {}, selectors: {},
    disabled: Object.fromEntries([...project.disabled ?? []].map(([id, node]) => [id, [nodeJson(node)]])), parent_map: parentMap, child_map: childMap, group_map: {},
    saved_queries: unused.saved_queries ?? {}, semantic_models: unused.semantic_models ?? {}, unit_tests: unused.unit_tests ?? {},
  };
  writeJson(path, manifest, options.redact);
  return manifest;
}

export type RunStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn' | 'runtime error';

/** One node's result, as the engine reports it. */
export interface DbtRunResult {
  uniqueId: string;
  status: RunStatus;
  /** Start and end of execution, epoch milliseconds. */
  startedAtMs: number;
  completedAtMs: number;
  message?: string | null;
  /** Failing rows for tests, rows affected for models. */
  failures?: number | null;
  rowsAffected?: number;
  compiledCode?: string;
  relationName?: string | null;
  adapterResponse?: Record<string, unknown>;
}

/** Writes run_results.json in dbt's v6 shape. */
export function writeRunResults(results: DbtRunResult[], path: string, options: { invocationId?: string; elapsedMs?: number; args?: Record<string, unknown>; redact?: ArtifactRedactor } = {}): Record<string, unknown> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const document = {
    metadata: { dbt_schema_version: RUN_RESULTS_SCHEMA, dbt_version: DBT_VERSION, generated_at: new Date().toISOString(), invocation_id: options.invocationId ?? null, env: {} },
    results: results.map((r) => ({
      status: r.status,
      timing: [
        { name: 'compile', started_at: iso(r.startedAtMs), completed_at: iso(r.startedAtMs) },
        { name: 'execute', started_at: iso(r.startedAtMs), completed_at: iso(r.completedAtMs) },
      ],
      thread_id: 'Thread-1',
      execution_time: (r.completedAtMs - r.startedAtMs) / 1000,
      adapter_response: r.adapterResponse ?? { _message: 'OK', rows_affected: r.rowsAffected ?? null },
      message: r.message ?? null,
      failures: r.failures ?? null,
      unique_id: r.uniqueId,
      compiled: r.compiledCode !== undefined,
      compiled_code: r.compiledCode ?? null,
      relation_name: r.relationName ?? null,
      batch_results: null,
    })),
    elapsed_time: (options.elapsedMs ?? results.reduce((sum, r) => sum + r.completedAtMs - r.startedAtMs, 0)) / 1000,
    args: options.args ?? {},
  };
  writeJson(path, document, options.redact);
  return document;
}

/**
 * Writes `target/compiled/<package>/<path>` (the compiled SELECT) as dbt does; generic tests go under their yml file.
 *
 * @example
 * writeCompiledFiles(project, compiled, 'target') // target/compiled/shop/models/marts/orders.sql, …
 */
export function writeCompiledFiles(project: DbtProject, compiled: Map<string, CompiledNode>, targetDir: string, redact: ArtifactRedactor = keep): string[] {
  return writeUnder(project, compiled, join(targetDir, 'compiled'), (c) => redact(c.compiledCode));
}

/** Writes `target/run/<package>/<path>` with the statements that built each node. */
export function writeRunFiles(project: DbtProject, statements: Map<string, string[]>, targetDir: string, redact: ArtifactRedactor = keep): string[] {
  const written: string[] = [];
  for (const [id, sql] of statements) {
    const node = project.nodes.get(id);
    if (!node) continue;
    const file = join(targetDir, 'run', node.packageName, fileFor(node));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, redact(`${sql.join(';\n\n')};\n`));
    written.push(file);
  }
  return written;
}

/**
 * `writeRunFiles` without blocking: the files are written in parallel (on a slow disk, 1,000 synchronous writes
 * take more than a second).
 *
 * @example
 * await writeRunFilesAsync(project, statements, 'target') // target/run/shop/models/marts/orders.sql, …
 */
export async function writeRunFilesAsync(project: DbtProject, statements: Map<string, string[]>, targetDir: string, redact: ArtifactRedactor = keep): Promise<string[]> {
  const files: Array<[string, string]> = [];
  for (const [id, sql] of statements) {
    const node = project.nodes.get(id);
    if (node) files.push([join(targetDir, 'run', node.packageName, fileFor(node)), redact(`${sql.join(';\n\n')};\n`)]);
  }
  const dirs = [...new Set(files.map(([file]) => dirname(file)))];
  await Promise.all(dirs.map((dir) => mkdir(dir, { recursive: true })));
  await Promise.all(files.map(([file, text]) => writeFile(file, text)));
  return files.map(([file]) => file);
}

function fileFor(node: DbtNode): string {
  if (node.resourceType === 'test' && node.testMetadata) return `${node.originalFilePath}/${node.alias}.sql`;
  return node.originalFilePath;
}

function writeUnder(project: DbtProject, compiled: Map<string, CompiledNode>, dir: string, text: (c: CompiledNode) => string): string[] {
  const written: string[] = [];
  for (const [id, c] of compiled) {
    const node = project.nodes.get(id);
    if (!node) continue;
    const file = join(dir, node.packageName, fileFor(node));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text(c));
    written.push(file);
  }
  return written;
}
