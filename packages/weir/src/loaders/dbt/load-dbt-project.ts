/** Loads a dbt project from disk into data: models, seeds, tests, sources, macros and docs, with refs resolved. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { WeirError, isWeirError, type SourceLocation } from '../../shared/errors.js';
import { didYouMean } from '../../shared/suggest.js';
import { compileTemplate, lineColumn, type Template } from './jinja/template.js';
import { renderIn } from './jinja/render.js';
import { pyStr, toJinja, type JsRelation } from './jinja/values.js';
import { createDbtScope, type ContextOptions } from './context.js';
import { INTERNAL_PACKAGE, MacroRegistry, parseMacroFile } from './macro-registry.js';
import { folderConfigs, resolveConfig } from './node-config.js';
import { genericTestSpec, testHash, type TestTarget } from './generic-tests.js';
import { listFiles, readPackages, readProjectFile, readYaml, type DbtProjectFile } from './project-file.js';
import { findUnsupportedFeatures } from './unsupported-features.js';
import { snapshotFiles, ymlSnapshot } from './snapshot-definitions.js';
import { unitTestsOf } from './unit-tests.js';
import { readTarget } from './profiles.js';
import { setInternals, type ProjectInternals } from './project-internals.js';
import { findCycle } from './graph.js';
import type {
  DbtColumn, DbtDoc, DbtModelNode, DbtNode, DbtSnapshotNode, DbtProject, DbtRefCall, DbtSeedNode, DbtSource, DbtTestNode,
} from './types.js';

export interface LoadDbtProjectOptions {
  /** The profiles.yml target (default: the profile's `target:`). */
  target?: string;
  /** Like `dbt --vars`: override vars of dbt_project.yml. */
  vars?: Record<string, unknown>;
  /** Folder holding profiles.yml (default: $DBT_PROFILES_DIR, the project, then ~/.dbt). */
  profilesDir?: string;
  /**
   * Names that `ref()` may point at outside the dbt project (Weir's TypeScript assets), with their relation.
   * A ref matching no model or seed is looked up here before it is an error.
   */
  externalRef?: (name: string) => { database?: string | null; schema: string; identifier: string } | undefined;
}

const UNUSED_KEYS = ['unit_tests', 'semantic_models', 'metrics', 'saved_queries', 'exposures', 'groups', 'analyses', 'macros'];
const toPosix = (p: string) => p.split(sep).join('/');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A yml entry's config layer: its `config:`, with the `meta:` and `docs:` written beside it merged in (as dbt does). */
function ymlConfigOf(entry: Record<string, any> | undefined): Record<string, unknown> {
  const config = { ...entry?.config } as Record<string, unknown>;
  for (const key of ['meta', 'docs']) {
    if (entry?.[key] && typeof entry[key] === 'object') config[key] = { ...entry[key], ...(config[key] as object | undefined) };
  }
  return config;
}

interface YmlEntry { entry: Record<string, any>; file: string; line: number; pkg: string; dirParts: string[]; text?: string }

/** The 1-based line of `name: <name>` in a yml text (where an entry is declared), else 1. */
function lineOf(text: string, name: string, fromLine = 1): number {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // From a line on (a source's tables come after the source): skip the text before it, count its lines back in.
  const offset = fromLine > 1 ? text.split('\n').slice(0, fromLine - 1).join('\n').length : 0;
  const match = new RegExp(`^\\s*-?\\s*name:\\s*['"]?${escaped}['"]?\\s*$`, 'm').exec(text.slice(offset));
  return match ? text.slice(0, offset + match.index).split('\n').length + (text[offset + match.index] === '\n' ? 1 : 0) : fromLine;
}

function column(name: string, entry: Record<string, any> = {}): DbtColumn {
  return {
    name, description: String(entry.description ?? ''), data_type: entry.data_type ?? null, meta: entry.meta ?? {}, tags: entry.tags ?? [],
    quote: entry.quote ?? null, constraints: entry.constraints ?? [],
  };
}

function columnsOf(entries: unknown): Record<string, DbtColumn> {
  const out: Record<string, DbtColumn> = {};
  for (const c of (Array.isArray(entries) ? entries : []) as Array<Record<string, any>>) if (c?.name) out[String(c.name)] = column(String(c.name), c);
  return out;
}

/**
 * Reads and parses a dbt project (dbt-core 1.10 semantics, DuckDB targets).
 *
 * @example
 * const project = loadDbtProject('examples/jaffle', { target: 'dev', vars: { start_date: '2024-01-01' } });
 * project.nodes.get('model.jaffle.orders')?.dependsOn.nodes // ['model.jaffle.stg_orders', 'seed.jaffle.raw_orders']
 */
export function loadDbtProject(dir: string, options: LoadDbtProjectOptions = {}): DbtProject {
  const root = readProjectFile(dir);
  const target = readTarget({ projectDir: root.dir, profileName: root.profile, target: options.target, profilesDir: options.profilesDir });
  const packages = [root, ...readPackages(root)];
  const byName = new Map(packages.map((p) => [p.name, p]));
  const registry = new MacroRegistry(root.name, root.dispatch);
  const warnings: string[] = [];
  const templates = new Map<string, Template>();
  const nodes = new Map<string, DbtNode>();
  const sources = new Map<string, DbtSource>();
  /** Models with `enabled: false`: not in the graph, but listed under the manifest's `disabled` as dbt does. */
  const disabled = new Map<string, DbtNode>();
  const docs = new Map<string, DbtDoc>();
  const unused: Record<string, Record<string, unknown>> = {};
  /** A path as shown to users: relative to the root project for its files, else to the package. */
  const display = (pkg: DbtProjectFile, rel: string) => toPosix(pkg === root ? rel : join(relative(root.dir, pkg.dir), rel));

  const varsFor = (pkgName: string) => (name: string): { found: boolean; value?: unknown } => {
    if (options.vars && name in options.vars) return { found: true, value: options.vars[name] };
    const scoped = root.vars[pkgName];
    if (pkgName !== root.name && scoped && typeof scoped === 'object' && name in (scoped as object)) return { found: true, value: (scoped as Record<string, unknown>)[name] };
    if (name in root.vars && !(byName.has(name) && typeof root.vars[name] === 'object')) return { found: true, value: root.vars[name] };
    const own = byName.get(pkgName)?.vars;
    if (own && name in own) return { found: true, value: own[name] };
    return { found: false };
  };

  // ---- macros, docs ----
  for (const pkg of packages) {
    for (const base of [...pkg.macroPaths, ...pkg.testPaths]) {
      for (const rel of listFiles(join(pkg.dir, base), ['.sql'])) {
        const isGeneric = pkg.macroPaths.includes(base) || toPosix(rel).startsWith('generic/');
        if (!isGeneric) continue;
        const file = join(pkg.dir, base, rel);
        const displayed = display(pkg, join(base, rel));
        for (const macro of parseMacroFile(readFileSync(file, 'utf8'), pkg.name, displayed, file)) registry.add(macro);
      }
    }
    for (const base of new Set(pkg.docsPaths)) {
      for (const rel of listFiles(join(pkg.dir, base), ['.md'])) {
        const displayed = display(pkg, join(base, rel));
        const template = compileTemplate(readFileSync(join(pkg.dir, base, rel), 'utf8'), displayed);
        for (const block of template.docs) {
          docs.set(`doc.${pkg.name}.${block.name}`, { uniqueId: `doc.${pkg.name}.${block.name}`, name: block.name, packageName: pkg.name, path: toPosix(rel), originalFilePath: displayed, blockContents: block.content });
        }
      }
    }
  }
  const docLookup = (name: string, pkg?: string) => {
    if (pkg) return docs.get(`doc.${pkg}.${name}`)?.blockContents;
    for (const p of packages) { const d = docs.get(`doc.${p.name}.${name}`); if (d) return d.blockContents; }
    return undefined;
  };

  // ---- yml property files ----
  const modelPatches = new Map<string, YmlEntry>();
  const seedPatches = new Map<string, YmlEntry>();
  const sourceEntries: YmlEntry[] = [];
  /** yml `snapshots:` entries: with `relation:` they define a snapshot (dbt 1.9), without they describe a SQL one. */
  const snapshotEntries: YmlEntry[] = [];
  const unitTestEntries: YmlEntry[] = [];
  for (const pkg of packages) {
    for (const base of new Set([...pkg.modelPaths, ...pkg.seedPaths, ...pkg.testPaths, ...pkg.macroPaths, ...pkg.snapshotPaths])) {
      for (const rel of listFiles(join(pkg.dir, base), ['.yml', '.yaml'])) {
        const file = join(pkg.dir, base, rel);
        const displayed = display(pkg, join(base, rel));
        const text = readFileSync(file, 'utf8');
        const doc = readYaml(file, displayed) as Record<string, unknown>;
        const dirParts = toPosix(dirname(rel)).split('/').filter((p) => p && p !== '.');
        const add = (map: Map<string, YmlEntry>, kind: string, entry: Record<string, any>) => {
          if (!entry?.name) return;
          const key = `${pkg.name}.${entry.name}`;
          if (map.has(key)) {
            throw new WeirError(`${kind} '${entry.name}' is described twice (also in ${map.get(key)!.file})`, { code: 'DBT_DUPLICATE_PATCH', location: { file: displayed, line: lineOf(text, entry.name) }, hint: 'Keep one yml entry per model or seed.' });
          }
          map.set(key, { entry, file: displayed, line: lineOf(text, entry.name), pkg: pkg.name, dirParts });
        };
        for (const entry of (doc.models ?? []) as Array<Record<string, any>>) add(modelPatches, 'model', entry);
        for (const entry of (doc.seeds ?? []) as Array<Record<string, any>>) add(seedPatches, 'seed', entry);
        for (const entry of (doc.unit_tests ?? []) as Array<Record<string, any>>) if (entry?.name) unitTestEntries.push({ entry, file: displayed, line: lineOf(text, entry.name), pkg: pkg.name, dirParts, text });
        for (const entry of (doc.snapshots ?? []) as Array<Record<string, any>>) if (entry?.name) snapshotEntries.push({ entry, file: displayed, line: lineOf(text, entry.name), pkg: pkg.name, dirParts, text });
        for (const entry of (doc.sources ?? []) as Array<Record<string, any>>) if (entry?.name) sourceEntries.push({ entry, file: displayed, line: lineOf(text, entry.name), pkg: pkg.name, dirParts, text });
        for (const key of UNUSED_KEYS) {
          const value = doc[key];
          if (!Array.isArray(value)) continue;
          for (const item of value as Array<Record<string, any>>) {
            (unused[key] ??= {})[`${key}.${pkg.name}.${item?.name ?? Object.keys(unused[key] ?? {}).length}`] = { ...item, original_file_path: displayed, package_name: pkg.name };
          }
        }
      }
    }
  }

  const renderDescription = (text: unknown): string => {
    const s = typeof text === 'string' ? text : '';
    if (!s.includes('{{')) return s;
    return s.replace(/\{\{\s*doc\(\s*['"]([\w.]+)['"]\s*(?:,\s*['"]([\w.]+)['"]\s*)?\)\s*\}\}/g, (_m, a: string, b?: string) => (b ? docLookup(b, a) : docLookup(a)) ?? '');
  };

  // ---- relations ----
  const quote = (part: string) => `"${part.replace(/"/g, '""')}"`;
  const makeRelation = (database: string | null, schema: string | null, identifier: string, type?: string | null): JsRelation => ({
    database, schema, identifier, type: (type ?? null) as JsRelation['type'],
    rendered: [database, schema, identifier].filter((p): p is string => !!p).map(quote).join('.'),
  });
  const relationOf = (node: DbtNode): JsRelation => {
    if (node.resourceType === 'model' && node.config.materialized === 'ephemeral') {
      return { database: null, schema: null, identifier: `__dbt__cte__${node.name}`, rendered: `__dbt__cte__${node.name}`, type: 'cte' };
    }
    const type = node.resourceType === 'model' && node.config.materialized === 'view' ? 'view' : 'table';
    return makeRelation(node.database, node.schema, node.alias, type);
  };

  // Lookups by name for ref(): filled as nodes are created.
  const refIndex = new Map<string, DbtNode[]>();
  const index = (node: DbtNode) => {
    if (node.resourceType === 'test') return;
    const list = refIndex.get(node.name) ?? [];
    list.push(node);
    refIndex.set(node.name, list);
  };
  const resolveRef = (call: DbtRefCall, fromPackage: string): DbtNode | undefined => {
    const candidates = refIndex.get(call.name) ?? [];
    const inPackage = (pkg: string) => candidates.filter((n) => n.packageName === pkg);
    let pool = call.package ? inPackage(call.package) : inPackage(fromPackage).length ? inPackage(fromPackage) : inPackage(root.name).length ? inPackage(root.name) : candidates;
    if (!pool.length) return undefined;
    if (call.version !== undefined) return pool.find((n) => n.resourceType === 'model' && String(n.version) === String(call.version));
    const versioned = pool.filter((n) => n.resourceType === 'model' && n.version !== undefined) as DbtModelNode[];
    if (versioned.length) {
      const latest = versioned[0]!.latestVersion;
      pool = [versioned.find((n) => String(n.version) === String(latest)) ?? versioned.at(-1)!];
    }
    return pool[0];
  };
  const knownRefNames = () => [...refIndex.keys()];
  const externalRelation = (name: string): JsRelation | undefined => {
    const found = options.externalRef?.(name);
    return found ? makeRelation(found.database ?? null, found.schema, found.identifier, 'table') : undefined;
  };

  /** A scope for one node (parse phase), collecting refs, sources and config() calls. */
  const parseNode = (node: DbtNode, template: Template) => {
    const refs: DbtRefCall[] = [];
    const sourceCalls: Array<[string, string]> = [];
    const configCalls: Record<string, unknown>[] = [];
    const scope = createDbtScope(parseContext(node, template.source, {
      ref: (call) => {
        refs.push(call);
        const found = resolveRef(call, node.packageName);
        return found ? relationOf(found) : externalRelation(call.name) ?? makeRelation(target.database, target.schema, call.name, 'table');
      },
      source_: (s, t) => {
        sourceCalls.push([s, t]);
        return sources.get(`source.${node.packageName}.${s}.${t}`) ? toRelation(sources.get(`source.${node.packageName}.${s}.${t}`)!) : makeRelation(target.database, s, t, 'table');
      },
      onConfig: (c) => configCalls.push(c),
    }));
    renderNode(scope, template, node.originalFilePath, () => registry.visibleNames(node.packageName));
    return { refs, sourceCalls, configCalls };
  };

  const toRelation = (s: DbtSource): JsRelation => makeRelation(s.database, s.schema, s.identifier, 'table');

  const parseContext = (node: DbtNode, source: string, extra: Pick<ContextOptions, 'ref' | 'source_' | 'onConfig'>): ContextOptions => ({
    phase: 'parse', projectName: root.name, packageName: node.packageName, registry, target,
    vars: varsFor(node.packageName), model: nodeDict(node), thisRelation: relationOf(node),
    file: node.originalFilePath, source, makeRelation, docs: docLookup, config: () => node.config,
    ...extra,
  });

  // dbt renders dbt_project.yml's config values with Jinja when it parses (`+enabled: "{{ var('load', false) }}"`,
  // `+schema: "{{ env_var('SCHEMA') }}"`): strings holding `{{` are rendered here, per package (its vars), and a
  // rendered True/False becomes a boolean, as dbt's native rendering gives.
  const configScopes = new Map<string, ReturnType<typeof createDbtScope>>();
  const renderConfigLayer = (layer: Record<string, unknown>, pkgName: string, file: string): Record<string, unknown> => {
    if (!Object.values(layer).some((v) => typeof v === 'string' && v.includes('{{'))) return layer; // the usual case
    let scope = configScopes.get(pkgName);
    if (!scope) {
      scope = createDbtScope({
        phase: 'parse', projectName: root.name, packageName: pkgName, registry, target, vars: varsFor(pkgName),
        file, source: '', makeRelation, docs: docLookup, config: () => ({}),
        ref: (call) => makeRelation(target.database, target.schema, call.name), source_: (src, t) => makeRelation(target.database, src, t),
      });
      configScopes.set(pkgName, scope);
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(layer)) {
      // Hooks are rendered when their model runs ({{ this }}), as dbt does: never here.
      const isHook = /^\+?(pre|post)[-_]hook$/.test(key);
      if (isHook || typeof value !== 'string' || !value.includes('{{')) { out[key] = value; continue; }
      const rendered = renderNode(scope, compileTemplate(value, file), file).trim();
      out[key] = /^true$/i.test(rendered) ? true : /^false$/i.test(rendered) ? false : rendered;
    }
    return out;
  };
  const projectConfigs = (tree: unknown, fqn: string[], pkg: DbtProjectFile) =>
    folderConfigs(tree, fqn).map((layer) => renderConfigLayer(layer, pkg.name, display(pkg, 'dbt_project.yml')));

  /** Runs generate_schema_name / generate_alias_name / generate_database_name (user overrides included). */
  // One scope per package, reused for every node (the macros only read their arguments, `target` and `config`).
  const namingScopes = new Map<string, ReturnType<typeof createDbtScope>>();
  let namingNode: DbtNode | undefined;
  // dbt's own generate_*_name macros, unless the project or a package overrides them: computed in JS, since
  // rendering them for every node costs ~1 ms each (a dict of the node built for Jinja) on large projects.
  const builtinNaming = new Map<string, boolean>();
  const isBuiltin = (macro: string, pkg: string) => {
    const key = `${pkg}\u0000${macro}`;
    let found = builtinNaming.get(key);
    if (found === undefined) {
      found = registry.find(macro, pkg)?.packageName === INTERNAL_PACKAGE && registry.dispatch(macro, 'dbt', pkg)?.packageName === INTERNAL_PACKAGE;
      builtinNaming.set(key, found);
    }
    return found;
  };
  const applyNaming = (node: DbtNode) => {
    const pkg = node.packageName;
    if (isBuiltin('generate_schema_name', pkg) && isBuiltin('generate_database_name', pkg) && (node.resourceType === 'test' || isBuiltin('generate_alias_name', pkg))) {
      const { schema, database, alias } = node.config;
      node.schema = schema === null || schema === undefined ? target.schema : `${target.schema}_${String(schema).trim()}`;
      node.database = database === null || database === undefined ? target.database : String(database).trim();
      const version = node.resourceType === 'model' ? node.version : undefined;
      node.alias = node.resourceType === 'test' ? String(alias ?? node.name)
        : alias ? String(alias).trim() : version !== undefined && version !== null && version !== '' ? `${node.name}_v${String(version).replaceAll('.', '_')}` : node.name;
      node.relationName = node.resourceType === 'test' || (node.resourceType === 'model' && node.config.materialized === 'ephemeral') ? null : relationOf(node).rendered;
      return;
    }
    namingNode = node;
    let scope = namingScopes.get(node.packageName);
    if (!scope) {
      scope = createDbtScope({
        phase: 'parse', projectName: root.name, packageName: node.packageName, registry, target, vars: varsFor(node.packageName),
        file: node.originalFilePath, source: '', makeRelation, docs: docLookup, config: () => namingNode?.config ?? {},
        ref: (call) => makeRelation(target.database, target.schema, call.name), source_: (s, t) => makeRelation(target.database, s, t),
      });
      namingScopes.set(node.packageName, scope);
    }
    const dict = toJinja(nodeDict(node));
    const call = (macro: string, custom: unknown) => {
      const fn = scope!.env.lookupVariable(macro);
      try {
        return pyStr((fn.value as (args: unknown[], env: unknown) => any)([toJinja(custom ?? null), dict], scope!.env)).trim();
      } catch (error) {
        throw wrapRenderError(error, { file: node.originalFilePath }, `while running ${macro}() for ${node.name}`);
      }
    };
    node.schema = call('generate_schema_name', node.config.schema ?? null);
    node.database = call('generate_database_name', node.config.database ?? null);
    node.alias = node.resourceType === 'test' ? String(node.config.alias ?? node.name) : call('generate_alias_name', node.config.alias ?? null);
    node.relationName = node.resourceType === 'test' || (node.resourceType === 'model' && node.config.materialized === 'ephemeral') ? null : relationOf(node).rendered;
  };

  // ---- sources ----
  // dbt renders a source's relation fields with Jinja (`schema: "{{ target.schema }}"`,
  // `identifier: "{{ var('seed_name', 'base') }}"`); names and descriptions are not rendered here.
  const SOURCE_RENDERED = ['database', 'catalog', 'schema', 'identifier', 'loaded_at_field', 'loader'];
  const renderSourceFields = <T extends Record<string, any>>(raw: T, pkg: string, file: string): T => {
    const fields = Object.fromEntries(SOURCE_RENDERED.filter((k) => typeof raw[k] === 'string').map((k) => [k, raw[k]]));
    return { ...raw, ...renderConfigLayer(fields, pkg, file) };
  };
  for (const { entry: rawEntry, file, line, pkg, dirParts, text } of sourceEntries) {
    const entry = renderSourceFields(rawEntry, pkg, file);
    const sourceName = String(entry.name);
    for (const rawTable of (entry.tables ?? []) as Array<Record<string, any>>) {
      const table = renderSourceFields(rawTable, pkg, file);
      const uniqueId = `source.${pkg}.${sourceName}.${table.name}`;
      const identifier = String(table.identifier ?? table.name);
      const database = String(entry.database ?? entry.catalog ?? target.database);
      const schema = String(entry.schema ?? sourceName);
      sources.set(uniqueId, {
        uniqueId, resourceType: 'source', name: String(table.name), sourceName, packageName: pkg, identifier, database, schema,
        relationName: makeRelation(database, schema, identifier).rendered,
        description: renderDescription(table.description), sourceDescription: renderDescription(entry.description),
        columns: columnsOf(table.columns), loader: String(entry.loader ?? ''), meta: { ...entry.meta, ...table.meta },
        tags: [...(entry.tags ?? []), ...(table.tags ?? [])], config: { enabled: (table.config?.enabled ?? entry.config?.enabled) !== false, ...entry.config, ...table.config },
        freshness: table.freshness ?? entry.freshness ?? null, loadedAtField: table.loaded_at_field ?? entry.loaded_at_field ?? null,
        fqn: [pkg, ...dirParts, sourceName, String(table.name)], path: file, originalFilePath: file, location: { file, line: text ? lineOf(text, String(table.name), line + 1) : line },
      });
    }
  }

  // ---- models ----
  const parsedModels: Array<{ node: DbtModelNode | DbtSnapshotNode; template: Template; ymlConfig: Record<string, unknown> | undefined; folder: Record<string, unknown>[] }> = [];
  for (const pkg of packages) {
    const files = pkg.modelPaths.flatMap((base) => listFiles(join(pkg.dir, base), ['.sql']).map((rel) => ({ base, rel })));
    const consumed = new Set<string>();
    const byStem = new Map(files.map((f) => [basename(f.rel, '.sql'), f]));
    const makeModel = (f: { base: string; rel: string }, name: string, patch: YmlEntry | undefined, version?: { v: string | number; latest: string | number; entry: Record<string, any> }) => {
      consumed.add(f.rel);
      const absolutePath = join(pkg.dir, f.base, f.rel);
      const originalFilePath = display(pkg, join(f.base, f.rel));
      const rawCode = readFileSync(absolutePath, 'utf8');
      const dirParts = toPosix(dirname(f.rel)).split('/').filter((p) => p && p !== '.');
      const fqn = [pkg.name, ...dirParts, name, ...(version ? [`v${version.v}`] : [])];
      const folder = [
        ...(pkg !== root ? projectConfigs(pkg.models, fqn, pkg) : []),
        ...projectConfigs(root.models, fqn, root),
      ];
      // yml `meta:` and `docs:` beside `config:` are config too (dbt merges them into config.meta / config.docs).
      const ymlConfig = { ...ymlConfigOf(patch?.entry), ...ymlConfigOf(version?.entry) };
      const columns = { ...columnsOf(patch?.entry.columns), ...columnsOf(version?.entry.columns) };
      const node: DbtModelNode = {
        uniqueId: `model.${pkg.name}.${name}${version ? `.v${version.v}` : ''}`, resourceType: 'model', name, packageName: pkg.name,
        path: toPosix(f.rel), originalFilePath, absolutePath, fqn, rawCode,
        description: renderDescription(version?.entry.description ?? patch?.entry.description), columns,
        config: resolveConfig('model', [...folder, ymlConfig]), tags: [], meta: {}, database: target.database, schema: target.schema, alias: name,
        relationName: null, refs: [], sources: [], dependsOn: { nodes: [], macros: [] }, location: { file: originalFilePath },
        checksum: sha256(rawCode), patchPath: patch ? `${pkg.name}://${patch.file}` : undefined, unrenderedConfig: {},
        ...(version ? { version: version.v, latestVersion: version.latest } : {}),
      };
      // Names before parsing only matter for `this` while parsing; dbt-style defaults are enough unless configured.
      if (node.config.schema || node.config.alias || node.config.database || version) applyNaming(node);
      index(node);
      const template = compileTemplate(rawCode, originalFilePath);
      templates.set(node.uniqueId, template);
      parsedModels.push({ node, template, ymlConfig, folder });
    };
    for (const [key, patch] of modelPatches) {
      if (patch.pkg !== pkg.name || !Array.isArray(patch.entry.versions)) continue;
      const name = String(patch.entry.name);
      const versions = patch.entry.versions as Array<Record<string, any>>;
      const latest = patch.entry.latest_version ?? versions.map((v) => v.v).sort((a, b) => Number(a) - Number(b)).at(-1);
      for (const version of versions) {
        const stem = String(version.defined_in ?? `${name}_v${version.v}`);
        const f = byStem.get(stem) ?? (String(version.v) === String(latest) ? byStem.get(name) : undefined);
        if (!f) {
          throw new WeirError(`model '${name}' version ${version.v} has no SQL file (expected ${stem}.sql)`, {
            code: 'DBT_MISSING_VERSION_FILE', location: { file: patch.file, line: patch.line }, hint: `Create ${stem}.sql or set defined_in: for this version.`,
          });
        }
        makeModel(f, name, patch, { v: version.v, latest, entry: version });
      }
      void key;
    }
    for (const f of files) {
      if (consumed.has(f.rel)) continue;
      const name = basename(f.rel, '.sql');
      makeModel(f, name, modelPatches.get(`${pkg.name}.${name}`));
    }
  }
  // ---- snapshots ----
  for (const pkg of packages) {
    const patches = new Map(snapshotEntries.filter((e) => e.pkg === pkg.name && !e.entry.relation).map((e) => [String(e.entry.name), e]));
    const definitions = [
      ...snapshotFiles(pkg.dir, pkg.snapshotPaths, listFiles),
      ...snapshotEntries.filter((e) => e.pkg === pkg.name && e.entry.relation).map((e) => ymlSnapshot(e.entry, e.file, e.line)),
    ];
    for (const definition of definitions) {
      const uniqueId = `snapshot.${pkg.name}.${definition.name}`;
      const originalFilePath = definition.ymlEntry ? definition.path : display(pkg, definition.path);
      if (nodes.has(uniqueId)) {
        throw new WeirError(`snapshot '${definition.name}' is defined twice (also in ${nodes.get(uniqueId)!.originalFilePath})`, { code: 'DBT_DUPLICATE_NODE', location: { file: originalFilePath, line: definition.line }, hint: 'Give each snapshot its own name.' });
      }
      const inFolder = definition.path.split('/').slice(1, -1);
      const fqn = [pkg.name, ...inFolder, definition.name];
      const folder = [...(pkg !== root ? projectConfigs(pkg.snapshots, fqn, pkg) : []), ...projectConfigs(root.snapshots, fqn, root)];
      const patch = definition.ymlEntry ?? patches.get(definition.name)?.entry;
      const ymlConfig = ymlConfigOf(patch);
      const rawCode = definition.sql.replace(/^\n+/, '');
      const node: DbtSnapshotNode = {
        uniqueId, resourceType: 'snapshot', name: definition.name, packageName: pkg.name,
        path: definition.path.split('/').slice(1).join('/') || definition.path, originalFilePath, absolutePath: join(pkg.dir, definition.path), fqn, rawCode,
        description: renderDescription(patch?.description), columns: columnsOf(patch?.columns),
        config: resolveConfig('snapshot', [...folder, ymlConfig]), tags: [], meta: {}, database: target.database, schema: target.schema, alias: definition.name,
        relationName: null, refs: [], sources: [], dependsOn: { nodes: [], macros: [] }, location: { file: originalFilePath, line: definition.line },
        checksum: sha256(rawCode), patchPath: patch && !definition.ymlEntry ? `${pkg.name}://${patches.get(definition.name)!.file}` : undefined, unrenderedConfig: {},
      };
      nodes.set(uniqueId, node);
      index(node);
      const template = compileTemplate(definition.sql, originalFilePath);
      templates.set(uniqueId, template);
      parsedModels.push({ node, template, ymlConfig, folder });
    }
  }

  // Parse after every model and snapshot exists, so ref() during parsing can see all of them.
  for (const { node, template, ymlConfig, folder } of parsedModels) {
    const { refs, sourceCalls, configCalls } = parseNode(node, template);
    node.refs = refs;
    node.sources = sourceCalls;
    node.unrenderedConfig = Object.assign({}, ...configCalls);
    node.config = resolveConfig(node.resourceType, [...folder, ymlConfig, ...configCalls]);
    node.tags = node.config.tags;
    node.meta = node.config.meta;
    if (node.config.enabled === false) { nodes.delete(node.uniqueId); disabled.set(node.uniqueId, node); continue; }
    applyNaming(node);
    // A snapshot's legacy `target_schema` / `target_database` name its relation as written (no generate_schema_name).
    if (node.resourceType === 'snapshot' && node.config.target_schema) {
      node.schema = String(node.config.target_schema);
      if (node.config.target_database) node.database = String(node.config.target_database);
      node.relationName = relationOf(node).rendered;
    }
    nodes.set(node.uniqueId, node);
  }
  for (const [id, list] of refIndex) refIndex.set(id, list.filter((n) => nodes.has(n.uniqueId)));

  // ---- seeds ----
  for (const pkg of packages) {
    for (const base of pkg.seedPaths) {
      for (const rel of listFiles(join(pkg.dir, base), ['.csv'])) {
        const name = basename(rel, '.csv');
        const absolutePath = join(pkg.dir, base, rel);
        const originalFilePath = display(pkg, join(base, rel));
        const dirParts = toPosix(dirname(rel)).split('/').filter((p) => p && p !== '.');
        const fqn = [pkg.name, ...dirParts, name];
        const patch = seedPatches.get(`${pkg.name}.${name}`);
        const config = resolveConfig('seed', [...(pkg !== root ? projectConfigs(pkg.seeds, fqn, pkg) : []), ...projectConfigs(root.seeds, fqn, root), ymlConfigOf(patch?.entry)]);
        if (!config.enabled) continue;
        const node: DbtSeedNode = {
          uniqueId: `seed.${pkg.name}.${name}`, resourceType: 'seed', name, packageName: pkg.name, path: toPosix(rel), originalFilePath, absolutePath,
          fqn, rawCode: '', description: renderDescription(patch?.entry.description), columns: columnsOf(patch?.entry.columns), config,
          tags: config.tags, meta: config.meta, database: target.database, schema: target.schema, alias: name, relationName: null,
          refs: [], sources: [], dependsOn: { nodes: [], macros: [] }, location: { file: originalFilePath },
          checksum: sha256(readFileSync(absolutePath, 'utf8')), patchPath: patch ? `${pkg.name}://${patch.file}` : undefined, unrenderedConfig: {},
        };
        applyNaming(node);
        nodes.set(node.uniqueId, node);
        index(node);
      }
    }
  }

  // ---- generic tests (yml) ----
  const addGenericTests = (entries: unknown, targetSpec: TestTarget, columnName: string | null, where: YmlEntry, attachedNode: string | null, fileKeyName: string) => {
    if (!Array.isArray(entries)) return;
    for (const entry of entries) {
      const location: SourceLocation = { file: where.file, line: where.line };
      const spec = genericTestSpec(entry, targetSpec, columnName, location);
      const pkgFile = byName.get(where.pkg)!;
      const fqn = [where.pkg, ...where.dirParts, spec.name];
      const config = resolveConfig('test', [...projectConfigs(root.tests, fqn, root), spec.config]);
      if (!config.enabled) continue;
      const metadata = { name: spec.testName, namespace: spec.namespace, kwargs: spec.kwargs };
      const uniqueId = `test.${where.pkg}.${spec.name}.${testHash(spec.name, metadata)}`;
      const macroName = `${spec.namespace ? `${spec.namespace}.` : ''}test_${spec.testName}`;
      const rawCode = `{{ ${macroName}(**_dbt_generic_test_kwargs) }}`;
      const node: DbtTestNode = {
        uniqueId, resourceType: 'test', name: spec.name, packageName: where.pkg, path: `${where.file.replace(/^[^/]+\//, '')}/${spec.shortName}.sql`,
        originalFilePath: where.file, absolutePath: join(pkgFile.dir, where.file), fqn, rawCode, description: spec.description, columns: {},
        config, tags: config.tags, meta: config.meta, database: target.database, schema: target.schema, alias: spec.shortName, relationName: null,
        refs: [], sources: [], dependsOn: { nodes: [], macros: [] }, location, checksum: '', unrenderedConfig: spec.config,
        testMetadata: metadata, columnName, attachedNode, fileKeyName,
      };
      if (config.schema) applyNaming(node); else node.schema = `${target.schema}_dbt_test__audit`;
      // Collect the refs/sources hidden in the kwargs (the model itself, `to:` of relationships, …).
      const refs: DbtRefCall[] = [];
      const srcs: Array<[string, string]> = [];
      const scope = createDbtScope(parseContext(node, '', {
        ref: (call) => { refs.push({ ...call, location }); const f = resolveRef(call, node.packageName); return f ? relationOf(f) : makeRelation(null, null, call.name); },
        source_: (s, t) => { srcs.push([s, t]); return makeRelation(null, s, t); },
      }));
      for (const value of Object.values(spec.kwargs)) {
        if (typeof value !== 'string') continue;
        const text = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/.test(value) ? `{{ ${value} }}` : value;
        if (text.includes('{')) renderNode(scope, compileTemplate(text, where.file), where.file);
      }
      node.refs = refs;
      node.sources = srcs;
      const macro = registry.find(`test_${spec.testName}`, where.pkg) ?? (spec.namespace ? registry.byPackage.get(spec.namespace)?.get(`test_${spec.testName}`) : undefined);
      if (!macro) {
        throw new WeirError(`test '${spec.namespace ? `${spec.namespace}.` : ''}${spec.testName}' is not defined`, {
          code: 'DBT_UNKNOWN_TEST', location,
          hint: `Define it with {% test ${spec.testName}(model, column_name) %} in tests/generic/ or macros/. ${didYouMean(spec.testName, registry.visibleNames(where.pkg).filter((n) => n.startsWith('test_')).map((n) => n.slice(5)))}`,
        });
      }
      node.dependsOn.macros.push(macro.uniqueId);
      nodes.set(uniqueId, node);
    }
  };
  for (const [, patch] of modelPatches) {
    const model = patch.entry;
    const name = String(model.name);
    const versions = Array.isArray(model.versions) ? (model.versions as Array<Record<string, any>>) : [undefined];
    for (const version of versions) {
      const call: DbtRefCall = { name, package: patch.pkg, ...(version ? { version: version.v } : {}) };
      const attached = resolveRef(call, patch.pkg);
      if (!attached) continue; // a yml entry for a model without a file, or a disabled one: dbt ignores its tests too
      const targetSpec: TestTarget = { kind: 'model', name, ...(version ? { version: version.v } : {}) };
      addGenericTests(model.data_tests ?? model.tests, targetSpec, null, patch, attached.uniqueId, `models.${name}`);
      for (const col of [...((model.columns ?? []) as Array<Record<string, any>>), ...((version?.columns ?? []) as Array<Record<string, any>>)]) {
        if (col?.name) addGenericTests(col.data_tests ?? col.tests, targetSpec, String(col.name), patch, attached.uniqueId, `models.${name}`);
      }
    }
  }
  // Tests in a seed's or a snapshot's yml entry (a snapshot's patch or definition) run on it like a model's.
  const ymlTestHosts = [
    ...[...seedPatches.values()].map((patch) => ({ patch, resource: 'seed' as const, kind: 'seed' as const })),
    ...snapshotEntries.map((patch) => ({ patch, resource: 'snapshot' as const, kind: 'model' as const })),
  ];
  for (const { patch, resource, kind } of ymlTestHosts) {
    const host = nodes.get(`${resource}.${patch.pkg}.${patch.entry.name}`);
    if (!host) continue;
    const targetSpec: TestTarget = { kind, name: String(patch.entry.name) };
    const where = `${resource}s.${host.name}`;
    addGenericTests(patch.entry.data_tests ?? patch.entry.tests, targetSpec, null, patch, host.uniqueId, where);
    for (const col of (patch.entry.columns ?? []) as Array<Record<string, any>>) {
      if (col?.name) addGenericTests(col.data_tests ?? col.tests, targetSpec, String(col.name), patch, host.uniqueId, where);
    }
  }
  for (const where of sourceEntries) {
    for (const table of (where.entry.tables ?? []) as Array<Record<string, any>>) {
      const targetSpec: TestTarget = { kind: 'source', name: String(table.name), sourceName: String(where.entry.name) };
      const id = `source.${where.pkg}.${where.entry.name}.${table.name}`;
      addGenericTests(table.data_tests ?? table.tests, targetSpec, null, where, id, `sources.${where.entry.name}`);
      for (const col of (table.columns ?? []) as Array<Record<string, any>>) {
        if (col?.name) addGenericTests(col.data_tests ?? col.tests, targetSpec, String(col.name), where, id, `sources.${where.entry.name}`);
      }
    }
  }

  // ---- singular tests ----
  for (const pkg of packages) {
    for (const base of pkg.testPaths) {
      for (const rel of listFiles(join(pkg.dir, base), ['.sql'])) {
        if (toPosix(rel).startsWith('generic/')) continue;
        const name = basename(rel, '.sql');
        const absolutePath = join(pkg.dir, base, rel);
        const originalFilePath = display(pkg, join(base, rel));
        const rawCode = readFileSync(absolutePath, 'utf8');
        const dirParts = toPosix(dirname(rel)).split('/').filter((p) => p && p !== '.');
        const fqn = [pkg.name, ...dirParts, name];
        const folder = projectConfigs(root.tests, fqn, root);
        const node: DbtTestNode = {
          uniqueId: `test.${pkg.name}.${name}`, resourceType: 'test', name, packageName: pkg.name, path: toPosix(rel), originalFilePath, absolutePath,
          fqn, rawCode, description: '', columns: {}, config: resolveConfig('test', folder), tags: [], meta: {}, database: target.database,
          schema: `${target.schema}_dbt_test__audit`, alias: name, relationName: null, refs: [], sources: [], dependsOn: { nodes: [], macros: [] },
          location: { file: originalFilePath }, checksum: sha256(rawCode), unrenderedConfig: {},
        };
        const template = compileTemplate(rawCode, originalFilePath);
        templates.set(node.uniqueId, template);
        const { refs, sourceCalls, configCalls } = parseNode(node, template);
        node.refs = refs;
        node.sources = sourceCalls;
        node.config = resolveConfig('test', [...folder, ...configCalls]);
        node.tags = node.config.tags;
        if (!node.config.enabled) continue;
        nodes.set(node.uniqueId, node);
      }
    }
  }

  // ---- dependencies: every ref and source must exist ----
  const userMacros = registry.all().filter((m) => m.packageName !== 'dbt');
  const sourceNames = [...sources.values()].map((s) => `${s.sourceName}.${s.name}`);
  for (const node of nodes.values()) {
    const deps = new Set<string>();
    for (const call of node.refs) {
      const found = resolveRef(call, node.packageName);
      if (!found && !call.package && call.version === undefined && externalRelation(call.name)) {
        if (!(node.externalRefs ??= []).includes(call.name)) node.externalRefs.push(call.name);
        continue;
      }
      if (!found) {
        const label = `ref(${call.package ? `'${call.package}', ` : ''}'${call.name}'${call.version !== undefined ? `, v=${call.version}` : ''})`;
        const versionHint = call.version !== undefined && refIndex.has(call.name) ? `'${call.name}' has no version ${call.version}. ` : '';
        throw new WeirError(`${label} matches no model or seed`, {
          code: 'DBT_UNKNOWN_REF', location: call.location ?? node.location,
          hint: `${versionHint}${didYouMean(call.name, knownRefNames())}`,
        });
      }
      deps.add(found.uniqueId);
    }
    for (const [s, t] of node.sources) {
      const found = [...sources.values()].find((src) => src.sourceName === s && src.name === t && (src.packageName === node.packageName || src.packageName === root.name))
        ?? [...sources.values()].find((src) => src.sourceName === s && src.name === t);
      if (!found) {
        const loc = node.resourceType === 'test' && node.testMetadata ? node.location : { ...node.location, ...locate(templates.get(node.uniqueId)?.source ?? '', 'source', s, node.location.file) };
        throw new WeirError(`source('${s}', '${t}') is not defined in any yml file`, {
          code: 'DBT_UNKNOWN_SOURCE', location: loc, hint: `Declare it under sources: in a yml file. ${didYouMean(`${s}.${t}`, sourceNames)}`,
        });
      }
      deps.add(found.uniqueId);
    }
    node.dependsOn.nodes = [...deps];
    const source = templates.get(node.uniqueId)?.source ?? '';
    for (const macro of userMacros) {
      if (source.includes(macro.name)) node.dependsOn.macros.push(macro.uniqueId);
    }
  }

  const cycle = findCycle([...nodes.values()].filter((n) => n.resourceType !== 'test'));
  if (cycle) {
    const first = nodes.get(cycle[0]!)!;
    throw new WeirError(`models depend on each other in a cycle: ${cycle.map((id) => nodes.get(id)?.name ?? id).join(' -> ')}`, {
      code: 'DBT_CYCLE', location: first.location, hint: 'Remove one of these ref() calls so the models form a chain, not a loop.',
    });
  }

  const project: DbtProject = {
    name: root.name, dir: root.dir, profileName: root.profile, target, vars: { ...root.vars, ...options.vars },
    packages: packages.map((p) => ({ name: p.name, dir: p.dir })), nodes, sources, disabled,
    macros: new Map(registry.all().map((m) => [m.uniqueId, m])), docs,
    onRunStart: root.onRunStart, onRunEnd: root.onRunEnd, unused, dispatch: root.dispatch, projectConfig: root.raw, warnings,
    unsupported: findUnsupportedFeatures({ packages, listFiles, display }), unitTests: [],
  };
  project.unitTests = unitTestsOf(project, unitTestEntries);
  const internals: ProjectInternals = { registry, templates, varsFor, resolveRef, relationOf, makeRelation, docs: docLookup, externalRelation };
  setInternals(project, internals);
  return project;

  function locate(source: string, fn: string, arg: string, file: string): SourceLocation {
    const match = new RegExp(`\\b${fn}\\s*\\(\\s*['"]${arg}['"]`).exec(source);
    if (!match) return { file };
    const before = source.slice(0, match.index);
    return { file, line: before.split('\n').length, column: match.index - before.lastIndexOf('\n') };
  }
}

/** The node as dbt templates see it (`model`, and the `node` argument of generate_*_name). */
export function nodeDict(node: DbtNode): Record<string, unknown> {
  return {
    unique_id: node.uniqueId, name: node.name, resource_type: node.resourceType, package_name: node.packageName, path: node.path,
    original_file_path: node.originalFilePath, fqn: node.fqn, alias: node.alias, schema: node.schema, database: node.database,
    config: node.config, tags: node.tags, meta: node.meta, description: node.description, raw_code: node.rawCode, raw_sql: node.rawCode,
    columns: node.columns, refs: node.refs.map((r) => ({ name: r.name, package: r.package ?? null, version: r.version ?? null })),
    sources: node.sources, depends_on: node.dependsOn, relation_name: node.relationName,
    version: node.resourceType === 'model' ? node.version ?? null : null,
    latest_version: node.resourceType === 'model' ? node.latestVersion ?? null : null,
    file_key_name: node.resourceType === 'test' ? node.fileKeyName ?? null : null,
    column_name: node.resourceType === 'test' ? node.columnName ?? null : null,
    test_metadata: node.resourceType === 'test' ? node.testMetadata ?? null : null,
  };
}

/** Renders a node's template; engine errors (not Weir's) become WeirErrors that name the file. */
export function renderNode(scope: ReturnType<typeof createDbtScope>, template: Template, file: string, knownNames?: () => string[]): string {
  try {
    return renderIn(scope, template);
  } catch (error) {
    if (!isWeirError(error) && error instanceof Error && /not a function/i.test(error.message)) {
      const located = undefinedCall(scope, template.source, file, knownNames);
      if (located) throw located;
    }
    throw wrapRenderError(error, { file }, 'while rendering');
  }
}

const JINJA_WORDS = new Set(['if', 'elif', 'else', 'for', 'in', 'not', 'and', 'or', 'is', 'set', 'macro', 'call', 'filter', 'test', 'do', 'return', 'with', 'block', 'loop', 'caller', 'super', 'varargs', 'kwargs']);

/**
 * The engine says only "cannot call something that is not a function": find the call to a name that is neither
 * a macro nor a context function, and say where it is, with the closest known names.
 *
 * @example
 * // models/x.sql line 2: `{{ mony('amount') }}`
 * // → "models/x.sql:2:6: 'mony' is not a macro or a dbt function. Did you mean 'money'?"
 */
function undefinedCall(scope: ReturnType<typeof createDbtScope>, source: string, file: string, knownNames?: () => string[]): WeirError | undefined {
  const local = new Set([...source.matchAll(/\{%-?\s*(?:macro|set)\s+([A-Za-z_]\w*)/g)].map((m) => m[1]!));
  for (const block of source.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g)) {
    const text = block[0];
    // Skip string literals: a call-looking word inside quotes is data.
    const code = text.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, (m) => ' '.repeat(m.length));
    for (const call of code.matchAll(/(?<![.\w])([A-Za-z_]\w*)\s*\(/g)) {
      const name = call[1]!;
      if (JINJA_WORDS.has(name) || local.has(name) || scope.env.variables.has(name)) continue;
      const { line, column } = lineColumn(source, block.index! + call.index!);
      return new WeirError(`'${name}' is not a macro or a dbt function`, {
        code: 'DBT_UNDEFINED_MACRO', location: { file, line, column },
        hint: `${didYouMean(name, knownNames?.() ?? [])} Define it with {% macro ${name}(…) %} in macros/, or install the package that provides it.`.trim(),
      });
    }
  }
  return undefined;
}

export function wrapRenderError(error: unknown, location: SourceLocation, when: string): unknown {
  if (isWeirError(error) || !(error instanceof Error)) return error;
  return new WeirError(`Jinja error ${when}: ${error.message}`, {
    code: 'DBT_JINJA_RENDER', location, hint: 'Check the Jinja expressions of this file; dbt-only features Weir lacks are listed in the dbt loader docs.', cause: error,
  });
}

