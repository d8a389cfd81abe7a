/** The dbt Jinja context for one node: ref, source, config, var, env_var, target, this, adapter, macros, … */
import { createHash, randomUUID } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { WeirError, type SourceLocation } from '../../shared/errors.js';
import {
  ArrayValue, BooleanValue, FunctionValue, NullValue, ObjectValue, PrintableValue, RelationValue, StringValue, UndefinedValue,
  isNone, jsFunction, pyStr, toJinja, toJs, type JinjaValue, type JsRelation,
} from './jinja/values.js';
import { createScope, LazyScope, type RenderScope } from './jinja/render.js';
import { lineColumn } from './jinja/template.js';
import type { MacroRegistry } from './macro-registry.js';
import type { DbtRefCall, DbtTarget } from './types.js';

/** Rows returned by the `runQuery` hook, as agate-like columns and rows. */
export interface QueryResult { columns: string[]; rows: unknown[][] }

/** Asks the caller to run a query, then render again (rendering is synchronous; the hook is not). */
export class NeedQuery {
  constructor(readonly sql: string) {}
}

/** What a context needs from the loader or compiler. */
export interface ContextOptions {
  phase: 'parse' | 'compile';
  projectName: string;
  packageName: string;
  registry: MacroRegistry;
  target: DbtTarget;
  vars: (name: string) => { found: boolean; value?: unknown };
  /** The node as a plain object (`model` in Jinja), and its relation (`this`). */
  model?: Record<string, unknown>;
  thisRelation?: JsRelation;
  /** The file and source being rendered, for error locations. */
  file: string;
  source: string;
  ref(call: DbtRefCall): JsRelation;
  source_(sourceName: string, tableName: string, location: SourceLocation): JsRelation;
  /** Called for `{{ config(...) }}`. */
  onConfig?(config: Record<string, unknown>): void;
  /** The node's config for `config.get()`. */
  config?: () => Record<string, unknown>;
  isIncremental?: boolean;
  fullRefresh?: boolean;
  /** Results of queries already run, by SQL text. */
  queryResults?: Map<string, QueryResult>;
  relationExists?: (relation: JsRelation) => boolean;
  docs?: (name: string, pkg?: string) => string | undefined;
  /** A relation for `api.Relation.create` / `adapter.get_relation`. */
  makeRelation(database: string | null, schema: string | null, identifier: string, type?: string | null): JsRelation;
  graph?: () => Record<string, unknown>;
  /** The invocation being rendered: `invocation_id` and `run_started_at` (default: this process's, fixed at first use). */
  invocation?: DbtInvocationContext;
}

/** What dbt calls an invocation: one `dbt build`, here one Weir run. Passed in, so each run of a long `weir dev` has its own. */
export interface DbtInvocationContext {
  id: string;
  startedAt: Date;
}

/** A callable with attributes (`config(...)` and `config.get(...)`, `var(...)` and `var.has_var(...)`). */
function callableWithAttributes(fn: JinjaValue, attributes: Map<string, JinjaValue>): JinjaValue {
  // A FunctionValue whose `builtins` (what the engine reads for `x.name` on non-objects) are the attributes.
  const value = new FunctionValue(fn.value);
  Object.defineProperty(value, 'builtins', { get: () => attributes });
  return value;
}

const str = (s: string) => new StringValue(s);

/** Where in the file a call like `ref('orders')` is written: the first match of the call, else the file's top. */
export function locateCall(file: string, source: string, fn: string, firstArg?: string): SourceLocation {
  const pattern = firstArg === undefined
    ? new RegExp(`\\b${fn}\\s*\\(`)
    : new RegExp(`\\b${fn}\\s*\\(\\s*(?:[^)]*?,\\s*)?['"]${firstArg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`);
  const match = pattern.exec(source);
  if (!match) return { file };
  const { line, column } = lineColumn(source, match.index);
  return { file, line, column };
}

function relationValue(relation: JsRelation, makeRelation: ContextOptions['makeRelation']): RelationValue {
  const fields = new Map<string, JinjaValue>();
  const rel = new RelationValue(relation, fields);
  const path = new Map<string, JinjaValue>([
    ['database', toJinja(relation.database)], ['schema', toJinja(relation.schema)], ['identifier', str(relation.identifier)],
  ]);
  fields.set('database', toJinja(relation.database));
  fields.set('schema', toJinja(relation.schema));
  fields.set('identifier', str(relation.identifier));
  fields.set('name', str(relation.identifier));
  fields.set('table', str(relation.identifier));
  fields.set('type', toJinja(relation.type ?? null));
  fields.set('path', new ObjectValue(path));
  fields.set('is_table', new BooleanValue(relation.type === 'table'));
  fields.set('is_view', new BooleanValue(relation.type === 'view'));
  fields.set('is_cte', new BooleanValue(relation.type === 'cte'));
  fields.set('render', jsFunction(() => str(relation.rendered)));
  fields.set('quote', jsFunction(() => rel));
  fields.set('include', jsFunction((_a, kw) => {
    const db = kw.database?.value === false ? null : relation.database;
    const schema = kw.schema?.value === false ? null : relation.schema;
    const identifier = kw.identifier?.value === false ? '' : relation.identifier;
    return relationValue(makeRelation(db, schema, identifier, relation.type), makeRelation);
  }));
  fields.set('incorporate', jsFunction((_a, kw) => {
    const p = kw.path ? toJs(kw.path) as Record<string, string> : {};
    return relationValue(makeRelation(p.database ?? relation.database, p.schema ?? relation.schema, p.identifier ?? relation.identifier, kw.type ? pyStr(kw.type) : relation.type), makeRelation);
  }));
  return rel;
}

/** A minimal `datetime` for `run_started_at` and `modules.datetime`: prints like Python, formats with strftime. */
function datetimeValue(date: Date): JinjaValue {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const iso = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds() * 1000, 6)}`;
  const strftime = (format: string) => format.replace(/%([YmdHMSfjyBbAa%])/g, (_m, c: string) => {
    switch (c) {
      case 'Y': return String(date.getUTCFullYear());
      case 'y': return pad(date.getUTCFullYear() % 100);
      case 'm': return pad(date.getUTCMonth() + 1);
      case 'd': return pad(date.getUTCDate());
      case 'H': return pad(date.getUTCHours());
      case 'M': return pad(date.getUTCMinutes());
      case 'S': return pad(date.getUTCSeconds());
      case 'f': return pad(date.getUTCMilliseconds() * 1000, 6);
      case '%': return '%';
      default: return date.toUTCString();
    }
  });
  // `{{ run_started_at }}` prints as Python's str(datetime): '2024-05-01 06:00:00.123000+00:00'.
  const value: JinjaValue = new PrintableValue(`${iso} ${time}+00:00`, new Map<string, JinjaValue>([
    ['year', toJinja(date.getUTCFullYear())], ['month', toJinja(date.getUTCMonth() + 1)], ['day', toJinja(date.getUTCDate())],
    ['hour', toJinja(date.getUTCHours())], ['minute', toJinja(date.getUTCMinutes())], ['second', toJinja(date.getUTCSeconds())],
    ['strftime', jsFunction(([f]) => str(strftime(pyStr(f))))],
    ['isoformat', jsFunction(() => str(`${iso}T${time}+00:00`))],
    ['date', jsFunction(() => str(iso))],
    ['timestamp', jsFunction(() => toJinja(date.getTime() / 1000))],
    ['astimezone', jsFunction(() => value)],
    ['replace', jsFunction(() => value)],
  ]));
  return value;
}

function regexFrom(pattern: JinjaValue): RegExp {
  return new RegExp(pyStr(pattern).replace(/\(\?P<(\w+)>/g, '(?<$1>'), 'g');
}

function matchValue(match: RegExpExecArray | null): JinjaValue {
  if (!match) return new NullValue();
  return new ObjectValue(new Map<string, JinjaValue>([
    ['group', jsFunction(([i]) => toJinja(match[i ? Number(i.value) : 0] ?? null))],
    ['groups', jsFunction(() => toJinja(match.slice(1)))],
    ['start', jsFunction(() => toJinja(match.index))],
  ]));
}

const reModule = new ObjectValue(new Map<string, JinjaValue>([
  ['search', jsFunction(([p, s]) => matchValue(new RegExp(regexFrom(p!).source).exec(pyStr(s))))],
  ['match', jsFunction(([p, s]) => matchValue(new RegExp(`^(?:${regexFrom(p!).source})`).exec(pyStr(s))))],
  ['fullmatch', jsFunction(([p, s]) => matchValue(new RegExp(`^(?:${regexFrom(p!).source})$`).exec(pyStr(s))))],
  ['sub', jsFunction(([p, r, s]) => str(pyStr(s).replace(regexFrom(p!), pyStr(r).replace(/\\(\d)/g, '$$$1'))))],
  ['findall', jsFunction(([p, s]) => toJinja([...pyStr(s).matchAll(regexFrom(p!))].map((m) => (m.length > 2 ? m.slice(1) : m[1] ?? m[0]))))],
  ['split', jsFunction(([p, s]) => toJinja(pyStr(s).split(new RegExp(regexFrom(p!).source))))],
  ['escape', jsFunction(([s]) => str(pyStr(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))],
  ['IGNORECASE', toJinja(2)], ['I', toJinja(2)],
]));

const datetimeModule = (): JinjaValue => {
  const datetimeClass = new ObjectValue(new Map<string, JinjaValue>([
    ['now', jsFunction(() => datetimeValue(new Date()))],
    ['utcnow', jsFunction(() => datetimeValue(new Date()))],
    ['today', jsFunction(() => datetimeValue(new Date()))],
    ['strptime', jsFunction(([s]) => datetimeValue(new Date(pyStr(s))))],
    ['fromisoformat', jsFunction(([s]) => datetimeValue(new Date(pyStr(s))))],
  ]));
  return new ObjectValue(new Map<string, JinjaValue>([
    ['datetime', datetimeClass],
    ['date', new ObjectValue(new Map([['today', jsFunction(() => datetimeValue(new Date()))]]))],
    ['timedelta', jsFunction((_a, kw) => toJinja(Object.fromEntries(Object.entries(kw).map(([k, v]) => [k, v.value]))))],
    ['timezone', new ObjectValue(new Map([['utc', str('UTC')]]))],
  ]));
};

/** Maps dbt's generic type names to DuckDB's, as `api.Column.translate_type` does. */
const TYPE_LABELS: Record<string, string> = { STRING: 'TEXT', TIMESTAMP: 'TIMESTAMP', FLOAT: 'FLOAT', INTEGER: 'INT', BOOLEAN: 'BOOLEAN' };

/** Builds the render scope for one node. */
export function createDbtScope(options: ContextOptions): RenderScope {
  const { registry, target, packageName } = options;
  const execute = options.phase === 'compile';
  const statementResults = new Map<string, JinjaValue>();
  const makeRel = options.makeRelation;
  const rel = (r: JsRelation) => relationValue(r, makeRel);

  const runQuery = (sql: string): JinjaValue => {
    if (!execute) return new NullValue();
    const result = options.queryResults?.get(sql.trim());
    if (!result) throw new NeedQuery(sql.trim());
    return tableValue(result);
  };

  const fail = (message: string): never => {
    throw new WeirError(message, { code: 'DBT_COMPILER_ERROR', location: { file: options.file }, hint: 'This error was raised by the project\'s own Jinja (exceptions.raise_compiler_error).' });
  };

  const configGet = (key: string, fallback?: JinjaValue): JinjaValue => {
    const config = options.config?.() ?? {};
    return key in config && config[key] !== undefined ? toJinja(config[key]) : fallback ?? new NullValue();
  };

  const configFn = callableWithAttributes(
    jsFunction((args, kwargs) => {
      const values = args[0] && !isNone(args[0]) ? toJs(args[0]) as Record<string, unknown> : {};
      for (const [k, v] of Object.entries(kwargs)) values[k] = toJs(v);
      options.onConfig?.(values);
      return str('');
    }),
    new Map<string, JinjaValue>([
      ['get', jsFunction(([key, fallback], kw) => configGet(pyStr(key), fallback ?? kw.default))],
      ['require', jsFunction(([key]) => {
        const value = configGet(pyStr(key));
        if (isNone(value)) fail(`config '${pyStr(key)}' is required`);
        return value;
      })],
      ['set', jsFunction(([key, value]) => { options.onConfig?.({ [pyStr(key)]: toJs(value) }); return str(''); })],
      ['persist_relation_docs', jsFunction(() => new BooleanValue(false))],
      ['persist_column_docs', jsFunction(() => new BooleanValue(false))],
    ]),
  );

  const varFn = callableWithAttributes(
    jsFunction(([name, fallback]) => {
      const key = pyStr(name);
      const found = options.vars(key);
      if (found.found) return toJinja(found.value);
      if (fallback !== undefined) return fallback;
      throw new WeirError(`var('${key}') is not defined and has no default`, {
        code: 'DBT_MISSING_VAR',
        location: locateCall(options.file, options.source, 'var', key),
        hint: `Define it under vars: in dbt_project.yml, pass it with vars: { ${key}: … }, or give a default: var('${key}', 'default').`,
      });
    }),
    new Map([['has_var', jsFunction(([name]) => new BooleanValue(options.vars(pyStr(name)).found))]]),
  );

  const refFn = jsFunction((args, kwargs) => {
    const strings = args.map(pyStr);
    const version = kwargs.v ?? kwargs.version;
    const [pkg, name] = strings.length >= 2 ? [strings[0], strings[1]!] : [undefined, strings[0]!];
    const call: DbtRefCall = { name, ...(pkg ? { package: pkg } : {}), ...(version && !isNone(version) ? { version: toJs(version) } : {}) };
    // Located only when read (for an error): a regex per ref() would cost more than the rest of parsing.
    let location: SourceLocation | undefined;
    Object.defineProperty(call, 'location', { enumerable: false, get: () => (location ??= locateCall(options.file, options.source, 'ref', name)) });
    return rel(options.ref(call));
  });

  const sourceFn = jsFunction(([sourceName, tableName]) => {
    const location = locateCall(options.file, options.source, 'source', pyStr(sourceName));
    return rel(options.source_(pyStr(sourceName), pyStr(tableName), location));
  });

  const macroCallable = (macro: { node: unknown; name: string; packageName: string }, scope: RenderScope): JinjaValue =>
    macroValue(macro, scope);

  const adapter = (scope: RenderScope) => new ObjectValue(new Map<string, JinjaValue>([
    ['dispatch', jsFunction(([name, namespace], kw) => {
      const macroName = pyStr(name);
      const ns = namespace ?? kw.macro_namespace;
      const found = registry.dispatch(macroName, ns && !isNone(ns) ? pyStr(ns) : undefined, packageName);
      if (!found) {
        throw new WeirError(`adapter.dispatch('${macroName}') found no implementation`, {
          code: 'DBT_UNKNOWN_MACRO', location: locateCall(options.file, options.source, 'dispatch', macroName),
          hint: `Define a macro named duckdb__${macroName} or default__${macroName}.`,
        });
      }
      return macroCallable(found, scope);
    })],
    ['quote', jsFunction(([s]) => str(`"${pyStr(s).replace(/"/g, '""')}"`))],
    ['type', jsFunction(() => str('duckdb'))],
    ['get_relation', jsFunction((args, kw) => {
      const [database, schema, identifier] = [kw.database ?? args[0], kw.schema ?? args[1], kw.identifier ?? args[2]];
      if (!execute) return new NullValue();
      const relation = makeRel(isNone(database) ? null : pyStr(database), pyStr(schema), pyStr(identifier), 'table');
      return options.relationExists?.(relation) ? rel(relation) : new NullValue();
    })],
    ['get_columns_in_relation', jsFunction(([relation]) => {
      if (!execute) return new ArrayValue([]);
      const result = runQuery(`describe ${pyStr(relation)}`);
      const table = toJs(result) as { rows: unknown[][] };
      return new ArrayValue(table.rows.map((row) => columnValue(String(row[0]), String(row[1]))));
    })],
    ['check_schema_exists', jsFunction(() => new BooleanValue(true))],
    ['already_exists', jsFunction(() => new BooleanValue(false))],
    ['commit', jsFunction(() => str(''))],
    ['drop_relation', jsFunction(() => str(''))],
    ['quote_as_configured', jsFunction(([s]) => s!)],
  ]));

  const api = new ObjectValue(new Map<string, JinjaValue>([
    ['Relation', new ObjectValue(new Map([['create', jsFunction((_a, kw) => rel(makeRel(
      isNone(kw.database) ? target.database : pyStr(kw.database!), isNone(kw.schema) ? target.schema : pyStr(kw.schema!),
      pyStr(kw.identifier), isNone(kw.type) ? null : pyStr(kw.type!),
    )))]]))],
    ['Column', new ObjectValue(new Map<string, JinjaValue>([
      ['translate_type', jsFunction(([t]) => str(TYPE_LABELS[pyStr(t).toUpperCase()] ?? pyStr(t)))],
      ['create', jsFunction(([name, type]) => columnValue(pyStr(name), pyStr(type)))],
    ]))],
  ]));

  const statementFn = jsFunction((args, kw, scope) => {
    const name = args[0] ? pyStr(args[0]) : kw.name ? pyStr(kw.name) : 'main';
    const caller = scope.lookupVariable('caller');
    const sql = caller instanceof FunctionValue ? pyStr(caller.value([], scope)) : '';
    if (!execute) return str('');
    const result = runQuery(sql);
    statementResults.set(name, new ObjectValue(new Map<string, JinjaValue>([
      ['data', toJinja((toJs(result) as { rows: unknown[][] }).rows)], ['table', result],
      ['response', new ObjectValue(new Map([['code', str('OK')], ['rows_affected', toJinja(0)]]))],
    ])));
    return str('');
  });

  const context: Record<string, () => JinjaValue> = {
    ref: () => refFn,
    source: () => sourceFn,
    config: () => configFn,
    var: () => varFn,
    env_var: () => jsFunction(([name, fallback]) => {
      const key = pyStr(name);
      const value = process.env[key];
      if (value !== undefined) return str(value);
      if (fallback !== undefined) return str(pyStr(fallback));
      throw new WeirError(`env_var('${key}') is not set and has no default`, {
        code: 'DBT_MISSING_ENV_VAR', location: locateCall(options.file, options.source, 'env_var', key),
        hint: `Set the environment variable ${key}, or give a default: env_var('${key}', 'default').`,
      });
    }),
    target: () => toJinja({ ...target.raw, name: target.name, type: target.type, schema: target.schema, database: target.database, path: target.path, threads: target.threads, profile_name: target.profileName, target_name: target.name }),
    this: () => (options.thisRelation ? rel(options.thisRelation) : new UndefinedValue()),
    model: () => toJinja(options.model ?? {}),
    database: () => toJinja(options.thisRelation?.database ?? target.database),
    schema: () => toJinja(options.thisRelation?.schema ?? target.schema),
    execute: () => new BooleanValue(execute),
    is_incremental: () => jsFunction(() => new BooleanValue(execute && !!options.isIncremental)),
    should_full_refresh: () => jsFunction(() => new BooleanValue(!!options.fullRefresh)),
    flags: () => toJinja({ FULL_REFRESH: !!options.fullRefresh, STORE_FAILURES: false, WHICH: 'run', WARN_ERROR: false }),
    run_started_at: () => datetimeValue((options.invocation ?? processInvocation()).startedAt),
    invocation_id: () => str((options.invocation ?? processInvocation()).id),
    project_name: () => str(options.projectName),
    dbt_version: () => str('1.10.0'),
    log: () => jsFunction(() => str('')),
    print: () => jsFunction(() => str('')),
    exceptions: () => new ObjectValue(new Map<string, JinjaValue>([
      ['raise_compiler_error', jsFunction(([message]) => fail(pyStr(message)))],
      ['raise_not_implemented', jsFunction(([message]) => fail(pyStr(message)))],
      ['warn', jsFunction(() => str(''))],
      ['raise_fail_fast_error', jsFunction(([message]) => fail(pyStr(message)))],
    ])),
    modules: () => new ObjectValue(new Map<string, JinjaValue>([
      ['datetime', datetimeModule()], ['re', reModule],
      ['pytz', new ObjectValue(new Map([['timezone', jsFunction(([z]) => str(pyStr(z)))], ['utc', str('UTC')]]))],
    ])),
    run_query: () => jsFunction(([sql]) => runQuery(pyStr(sql))),
    statement: () => statementFn,
    load_result: () => jsFunction(([name]) => statementResults.get(pyStr(name)) ?? new NullValue()),
    api: () => api,
    fromjson: () => jsFunction(([s, fallback]) => { try { return toJinja(JSON.parse(pyStr(s))); } catch { return fallback ?? new NullValue(); } }),
    tojson: () => jsFunction(([v]) => str(JSON.stringify(toJs(v)))),
    fromyaml: () => jsFunction(([s, fallback]) => { try { return toJinja(parseYaml(pyStr(s))); } catch { return fallback ?? new NullValue(); } }),
    toyaml: () => jsFunction(([v]) => str(stringifyYaml(toJs(v)))),
    local_md5: () => jsFunction(([s]) => str(createHash('md5').update(pyStr(s)).digest('hex'))),
    set: () => jsFunction(([v]) => {
      const seen: JinjaValue[] = [];
      for (const item of (v?.value as JinjaValue[]) ?? []) if (!seen.some((x) => x.value === item.value)) seen.push(item);
      return new ArrayValue(seen);
    }),
    set_strict: () => jsFunction(([v]) => v ?? new ArrayValue([])),
    try_or_compiler_error: () => jsFunction(([message, fn, ...rest]) => {
      try { return (fn as JinjaValue).value(rest); } catch { return fail(pyStr(message)); }
    }),
    doc: () => jsFunction((args) => {
      const [pkg, name] = args.length >= 2 ? [pyStr(args[0]), pyStr(args[1])] : [undefined, pyStr(args[0])];
      const found = options.docs?.(name, pkg);
      if (found === undefined) {
        throw new WeirError(`doc('${name}') matches no {% docs %} block`, { code: 'DBT_UNKNOWN_DOC', location: { file: options.file }, hint: 'Define it in a .md file: {% docs name %}…{% enddocs %}.' });
      }
      return str(found);
    }),
    graph: () => toJinja(options.graph?.() ?? { nodes: {}, sources: {}, exposures: {}, metrics: {}, groups: {} }),
    selected_resources: () => new ArrayValue([]),
  };

  return createScope((name, scope) => {
    if (name === 'adapter') return adapter(scope);
    const make = context[name];
    if (make) return make();
    if (name === 'builtins') return new ObjectValue(new Map([['ref', refFn], ['source', sourceFn], ['config', configFn]]));
    const macro = registry.find(name, packageName);
    if (macro) return macroValue(macro, scope);
    const pkg = registry.byPackage.get(name);
    if (pkg) return packageNamespace(name, scope);
    return undefined;
  });

  function packageNamespace(pkg: string, scope: RenderScope): JinjaValue {
    // Lazy: `dbt.date_trunc` builds one macro, not the ~90 of the package.
    const macros = registry.byPackage.get(pkg)!;
    return new ObjectValue(new LazyScope((name) => {
      const macro = macros.get(name);
      return macro ? macroValue(macro, scope) : undefined;
    }));
  }
}

const macroCache = new WeakMap<RenderScope, Map<unknown, JinjaValue>>();
/** A macro bound to a node's scope (built once per scope). */
function macroValue(macro: { node: unknown; name: string }, scope: RenderScope): JinjaValue {
  let cache = macroCache.get(scope);
  if (!cache) macroCache.set(scope, (cache = new Map()));
  let value = cache.get(macro.node);
  if (!value) cache.set(macro.node, (value = scope.interpreter.makeMacro(macro.node, scope.env, macro.name)));
  return value;
}

function columnValue(name: string, dataType: string): JinjaValue {
  return toJinja({ name, column: name, quoted: `"${name}"`, data_type: dataType, dtype: dataType });
}

/** An agate-like table: `.columns[i].values()`, `.rows`, `.column_names`. */
function tableValue(result: QueryResult): JinjaValue {
  const columns = result.columns.map((name, i) => new ObjectValue(new Map<string, JinjaValue>([
    ['name', str(name)], ['values', jsFunction(() => toJinja(result.rows.map((r) => r[i])))],
  ])));
  return new ObjectValue(new Map<string, JinjaValue>([
    ['columns', new ArrayValue(columns)], ['column_names', toJinja(result.columns)], ['rows', toJinja(result.rows)],
    ['print_table', jsFunction(() => str(''))], ['__len__', toJinja(result.rows.length)],
  ]));
}

// Outside a run (parsing, `weir dbt compile`): one invocation per process, made when first asked for.
let fallbackInvocation: DbtInvocationContext | undefined;
function processInvocation(): DbtInvocationContext {
  fallbackInvocation ??= { id: randomUUID(), startedAt: new Date() };
  return fallbackInvocation;
}

