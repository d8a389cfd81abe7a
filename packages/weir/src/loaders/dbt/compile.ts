/** Compiles dbt nodes to SQL: renders with execute=true, resolves relations, inlines ephemeral models as CTEs. */
import { WeirError } from '../../shared/errors.js';
import { compileTemplate, type Template } from './jinja/template.js';
import { FunctionValue, StringValue, toJinja, type JsRelation } from './jinja/values.js';
import { createDbtScope, NeedQuery, type DbtInvocationContext, type QueryResult } from './context.js';
import { getInternals } from './project-internals.js';
import { nodeDict, renderNode } from './load-dbt-project.js';
import type { DbtNode, DbtProject, DbtSource } from './types.js';

export interface CompileOptions {
  /** How a model, seed or source is named in SQL (default: its `"database"."schema"."alias"`). */
  resolveRelation?: (target: DbtNode | DbtSource) => string;
  /** How a ref to a Weir asset outside the project is named in SQL (default: the relation given at load). */
  resolveExternal?: (name: string) => string;
  /** Runs introspective queries (`run_query`, `{% call statement %}`, `adapter.get_columns_in_relation`). */
  runQuery?: (sql: string) => Promise<QueryResult>;
  /** Whether an incremental model already has its table (then `is_incremental()` is true unless fullRefresh). */
  isIncremental?: (node: DbtNode) => boolean;
  /** For `adapter.get_relation()`. */
  relationExists?: (relation: JsRelation) => boolean;
  fullRefresh?: boolean;
  /** The run being compiled for (`invocation_id`, `run_started_at`). */
  invocation?: DbtInvocationContext;
  /** Vars over the project's (a unit test's `overrides.vars`). */
  vars?: Record<string, unknown>;
}

export interface CompiledNode {
  uniqueId: string;
  /** The SQL to run (for tests: the query returning failing rows), ephemeral CTEs already injected. */
  compiledCode: string;
  /** Ephemeral models inlined, in the order they were injected. */
  extraCtes: Array<{ id: string; sql: string }>;
  /** Queries run through `runQuery` while compiling, by SQL. */
  queries: string[];
}

// Rendering is synchronous and the query hook is not: a render that needs a result stops, the query runs,
// and the node renders again with the result cached. Ten rounds is far above what real models do.
const MAX_QUERY_ROUNDS = 50;

/** A var lookup with overrides in front. */
function withVars(lookup: (name: string) => { found: boolean; value?: unknown }, overrides: Record<string, unknown> | undefined) {
  if (!overrides || !Object.keys(overrides).length) return lookup;
  return (name: string) => (Object.hasOwn(overrides, name) ? { found: true, value: overrides[name] } : lookup(name));
}

/**
 * Compiles one node (model, test; seeds have no SQL).
 *
 * @example
 * (await compileNode(project, 'model.shop.orders')).compiledCode
 * // 'select * from "dev"."main"."stg_orders"'
 */
export async function compileNode(project: DbtProject, uniqueId: string, options: CompileOptions = {}, cache = new Map<string, CompiledNode>()): Promise<CompiledNode> {
  const cached = cache.get(uniqueId);
  if (cached) return cached;
  const node = project.nodes.get(uniqueId);
  if (!node) throw new WeirError(`no node '${uniqueId}' in dbt project '${project.name}'`, { code: 'DBT_UNKNOWN_NODE', hint: 'Use a unique id from project.nodes.' });
  const rendered = await renderForCompile(project, node, options);
  const extraCtes: Array<{ id: string; sql: string }> = [];
  for (const id of rendered.ephemerals) {
    const dep = await compileNode(project, id, options, cache);
    for (const cte of [...dep.extraCtes, { id, sql: `__dbt__cte__${project.nodes.get(id)!.name} as (\n${rawSql.get(dep) ?? dep.compiledCode}\n)` }]) {
      if (!extraCtes.some((c) => c.id === cte.id)) extraCtes.push(cte);
    }
  }
  const result: CompiledNode = { uniqueId, compiledCode: injectCtes(rendered.sql, extraCtes.map((c) => c.sql)), extraCtes, queries: rendered.queries };
  rawSql.set(result, rendered.sql);
  cache.set(uniqueId, result);
  return result;
}

// An ephemeral model's own SQL without its injected CTEs: dependents inject the whole chain flat, as dbt does.
const rawSql = new WeakMap<CompiledNode, string>();

/** Compiles every model and test (seeds have no SQL), in any order; ephemeral models are compiled once. */
export async function compileProject(project: DbtProject, options: CompileOptions = {}): Promise<Map<string, CompiledNode>> {
  const cache = new Map<string, CompiledNode>();
  const out = new Map<string, CompiledNode>();
  for (const node of project.nodes.values()) {
    if (node.resourceType === 'seed') continue;
    out.set(node.uniqueId, await compileNode(project, node.uniqueId, options, cache));
  }
  return out;
}

/**
 * Puts ephemeral CTEs in front of a query the way dbt does: into its leading `with`, or as a new `with`.
 *
 * @example
 * injectCtes('select * from __dbt__cte__a', ['__dbt__cte__a as (\nselect 1\n)'])
 * // 'with __dbt__cte__a as (\nselect 1\n)\nselect * from __dbt__cte__a'
 */
export function injectCtes(sql: string, ctes: string[]): string {
  if (!ctes.length) return sql;
  const leading = /^(\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*)with\b\s*/i.exec(sql);
  if (leading) return `${leading[1]}with ${ctes.join(', ')}, ${sql.slice(leading[0].length)}`;
  return `with ${ctes.join(', ')}\n${sql}`;
}

async function renderForCompile(project: DbtProject, node: DbtNode, options: CompileOptions): Promise<{ sql: string; ephemerals: string[]; queries: string[] }> {
  const internals = getInternals(project);
  const queryResults = new Map<string, QueryResult>();
  const queries: string[] = [];
  const nameOf = (target: DbtNode | DbtSource, relation: JsRelation): JsRelation => {
    if (!options.resolveRelation || relation.type === 'cte') return relation;
    return { ...relation, rendered: options.resolveRelation(target) };
  };
  const template: Template = node.resourceType === 'test' && node.testMetadata
    ? compileTemplate(node.rawCode, node.originalFilePath)
    : internals.templates.get(node.uniqueId)!;
  for (let round = 0; round < MAX_QUERY_ROUNDS; round++) {
    const ephemerals: string[] = [];
    const scope = createDbtScope({
      phase: 'compile', projectName: project.name, packageName: node.packageName, registry: internals.registry, target: project.target,
      vars: withVars(internals.varsFor(node.packageName), options.vars), model: nodeDict(node), thisRelation: nameOf(node, internals.relationOf(node)),
      file: node.originalFilePath, source: template.source, makeRelation: internals.makeRelation, docs: internals.docs,
      config: () => node.config, queryResults,
      isIncremental: node.resourceType === 'model' && node.config.materialized === 'incremental' && !options.fullRefresh && node.config.full_refresh !== true && !!options.isIncremental?.(node),
      fullRefresh: options.fullRefresh, relationExists: options.relationExists, invocation: options.invocation,
      ref: (call) => {
        const found = internals.resolveRef(call, node.packageName);
        if (!found) {
          const external = internals.externalRelation(call.name);
          if (external) return options.resolveExternal ? { ...external, rendered: options.resolveExternal(call.name) } : external;
          throw new WeirError(`ref('${call.name}') matches no model or seed`, { code: 'DBT_UNKNOWN_REF', location: node.location, hint: 'Load the project again: the files changed since it was parsed.' });
        }
        // A ref that parsing did not see (inside `{% if execute %}` or a branch taken only at run time) has no edge
        // in the graph: the model could run before it, or read its staging table. dbt refuses it at compile time.
        if ((node.resourceType === 'model' || node.resourceType === 'snapshot') && found.uniqueId !== node.uniqueId && !node.dependsOn.nodes.includes(found.uniqueId)) {
          throw new WeirError(`${node.originalFilePath}: dbt was unable to infer all dependencies for the model '${node.name}': ref('${call.name}') is only called when the model runs, so the graph does not know it`, {
            code: 'DBT_UNDECLARED_REF', location: node.location,
            hint: `Add this line at the top of ${node.originalFilePath}, as dbt asks: -- depends_on: {{ ref('${call.name}') }}`,
          });
        }
        const relation = internals.relationOf(found);
        if (relation.type === 'cte' && !ephemerals.includes(found.uniqueId)) ephemerals.push(found.uniqueId);
        return nameOf(found, relation);
      },
      source_: (s, t) => {
        const found = [...project.sources.values()].find((src) => src.sourceName === s && src.name === t)!;
        return nameOf(found, internals.makeRelation(found.database, found.schema, found.identifier, 'table'));
      },
      graph: () => graphFor(project),
    });
    if (node.resourceType === 'test' && node.testMetadata) {
      const kwargs: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node.testMetadata.kwargs)) {
        kwargs[key] = typeof value === 'string' ? renderKwarg(scope, value, node.originalFilePath) : toJinja(value);
      }
      scope.env.setVariable('_dbt_generic_test_kwargs', toJinja(kwargs));
    }
    try {
      const sql = renderNode(scope, template, node.originalFilePath, () => internals.registry.visibleNames(node.packageName));
      return { sql: node.resourceType === 'test' ? sql.trim() : sql, ephemerals, queries };
    } catch (error) {
      if (!(error instanceof NeedQuery)) throw error;
      if (!options.runQuery) {
        throw new WeirError(`${node.originalFilePath} runs a query while compiling (run_query or statement), and no database was given`, {
          code: 'DBT_NEEDS_DATABASE', location: node.location, hint: 'Compile with a runQuery hook (a DuckDB connection).',
        });
      }
      queryResults.set(error.sql, await options.runQuery(error.sql));
      queries.push(error.sql);
    }
  }
  throw new WeirError(`${node.originalFilePath} kept asking for new queries while compiling`, { code: 'DBT_QUERY_LOOP', location: node.location, hint: 'Its run_query() calls must not depend on time or randomness.' });
}

/** A test kwarg rendered natively (dbt's `add_rendered_test_kwargs`): `ref('x')` gives a relation, not a string. */
function renderKwarg(scope: ReturnType<typeof createDbtScope>, value: string, file: string): unknown {
  const text = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/.test(value) ? `{{ ${value} }}` : value;
  if (!text.includes('{')) return value;
  const single = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(text);
  if (single && !single[1]!.includes('}}')) {
    let captured: unknown;
    // Keep the engine's own value: relations stay relations, lists stay lists.
    scope.env.setVariable('__weir_capture__', new FunctionValue((args) => { captured = args[0]; return new StringValue(''); }));
    renderNode(scope, compileTemplate(`{{ __weir_capture__(${single[1]}) }}`, file), file);
    return captured;
  }
  return renderNode(scope, compileTemplate(text, file), file);
}

function graphFor(project: DbtProject): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  for (const node of project.nodes.values()) nodes[node.uniqueId] = nodeDict(node);
  const sources: Record<string, unknown> = {};
  for (const s of project.sources.values()) sources[s.uniqueId] = { unique_id: s.uniqueId, name: s.name, source_name: s.sourceName, schema: s.schema, database: s.database, identifier: s.identifier, resource_type: 'source', package_name: s.packageName };
  return { nodes, sources, exposures: {}, metrics: {}, groups: {}, semantic_models: {} };
}

/**
 * The query dbt runs for a test: counts failing rows and decides warn/error from `warn_if` / `error_if`.
 *
 * @example
 * testResultSql(node, 'select id from orders where id is null')
 * // 'select\n  count(*) as failures,\n  count(*) != 0 as should_warn,\n  count(*) != 0 as should_error\nfrom (\n…) dbt_internal_test'
 */
export function testResultSql(node: DbtNode, failingRowsSql: string): string {
  const c = node.config;
  const failCalc = String(c.fail_calc ?? 'count(*)');
  const limit = c.limit === null || c.limit === undefined ? '' : `\n  limit ${Number(c.limit)}`;
  return [
    'select',
    `  ${failCalc} as failures,`,
    `  ${failCalc} ${c.warn_if ?? '!= 0'} as should_warn,`,
    `  ${failCalc} ${c.error_if ?? '!= 0'} as should_error`,
    'from (',
    `  ${failingRowsSql}${limit}`,
    ') dbt_internal_test',
  ].join('\n');
}

/**
 * Renders a Jinja snippet (a pre-/post-hook, on-run-start/on-run-end) with execute=true, in the context of a node
 * (`this` is the node's relation) or of the project when `node` is undefined.
 *
 * @example
 * await renderSnippet(project, project.nodes.get('model.shop.orders'), 'analyze {{ this }}') // 'analyze "dev"."main"."orders"'
 */
export async function renderSnippet(project: DbtProject, node: DbtNode | undefined, text: string, options: CompileOptions & { variables?: Record<string, unknown> } = {}, file = node?.originalFilePath ?? 'dbt_project.yml'): Promise<string> {
  if (!text.includes('{')) return text;
  const internals = getInternals(project);
  const queryResults = new Map<string, QueryResult>();
  const packageName = node?.packageName ?? project.name;
  const nameOf = (target: DbtNode | DbtSource, relation: JsRelation): JsRelation =>
    !options.resolveRelation || relation.type === 'cte' ? relation : { ...relation, rendered: options.resolveRelation(target) };
  const template = compileTemplate(text, file);
  for (let round = 0; round < MAX_QUERY_ROUNDS; round++) {
    const scope = createDbtScope({
      phase: 'compile', projectName: project.name, packageName, registry: internals.registry, target: project.target,
      vars: internals.varsFor(packageName), model: node ? nodeDict(node) : undefined, thisRelation: node ? nameOf(node, internals.relationOf(node)) : undefined,
      file, source: text, makeRelation: internals.makeRelation, docs: internals.docs, config: () => node?.config ?? {}, queryResults,
      fullRefresh: options.fullRefresh, relationExists: options.relationExists, invocation: options.invocation,
      ref: (call) => {
        const found = internals.resolveRef(call, packageName);
        if (!found) return internals.externalRelation(call.name) ?? internals.makeRelation(project.target.database, project.target.schema, call.name);
        return nameOf(found, internals.relationOf(found));
      },
      source_: (s, t) => {
        const found = [...project.sources.values()].find((src) => src.sourceName === s && src.name === t);
        return found ? nameOf(found, internals.makeRelation(found.database, found.schema, found.identifier, 'table')) : internals.makeRelation(project.target.database, s, t);
      },
      graph: () => graphFor(project),
    });
    // e.g. `results` and `schemas` for on-run-end.
    for (const [name, value] of Object.entries(options.variables ?? {})) scope.env.setVariable(name, toJinja(value));
    try {
      return renderNode(scope, template, file);
    } catch (error) {
      if (!(error instanceof NeedQuery) || !options.runQuery) throw error;
      queryResults.set(error.sql, await options.runQuery(error.sql));
    }
  }
  throw new WeirError(`${file}: a hook kept asking for new queries`, { code: 'DBT_QUERY_LOOP', hint: 'Its run_query() calls must not depend on time or randomness.' });
}
