/**
 * dbt unit tests (`unit_tests:` in yml): a model's SQL run on given rows instead of its real inputs, its output
 * compared with the expected rows. Each becomes a blocking check of the model, so a failing unit test prints the
 * differing rows and keeps the model from being published, and `weir dbt test` runs them with the data tests.
 */
import { check, type CheckSpec, type CustomCheckContext, type CustomCheckOutcome } from '../../definitions/check.js';
import { WeirError } from '../../shared/errors.js';
import { compileNode } from './compile.js';
import { quoteIdent } from './materializations.js';
import type { DbtNode, DbtProject, DbtSource } from './types.js';

/** One unit test as the yml declares it, resolved against the project. */
export interface DbtUnitTest {
  uniqueId: string;
  name: string;
  /** The model under test. */
  modelId: string;
  given: Array<{ input: string; inputId: string; rows: FixtureRows }>;
  expect: FixtureRows;
  overrides: { vars: Record<string, unknown>; macros: Record<string, unknown> };
  file: string;
  line?: number;
}

/** Rows as dicts, as CSV text, or as a SQL select. */
export type FixtureRows =
  | { format: 'dict'; rows: Array<Record<string, unknown>> }
  | { format: 'csv'; rows: Array<Record<string, string>> }
  | { format: 'sql'; sql: string };

interface Entry { entry: Record<string, any>; file: string; line?: number; pkg: string }

const INPUT = /^\s*(ref|source)\s*\(\s*(['"])([^'"]+)\2\s*(?:,\s*(['"])([^'"]+)\4\s*)?\)\s*$/;

/**
 * Resolves the yml entries to unit tests; a bad one (unknown model, a `given` the model does not read, a fixture
 * file) is an error naming the file and line.
 *
 * @example
 * unitTestsOf(project, [{ entry: { name: 't', model: 'orders', given: [{ input: "ref('raw')", rows: [{ id: 1 }] }], expect: { rows: [{ id: 1 }] } }, file: 'models/schema.yml', line: 3, pkg: 'shop' }])
 * // [{ uniqueId: 'unit_test.shop.orders.t', modelId: 'model.shop.orders', given: [{ inputId: 'seed.shop.raw', … }], … }]
 */
export function unitTestsOf(project: DbtProject, entries: readonly Entry[]): DbtUnitTest[] {
  return entries.map(({ entry, file, line, pkg }) => {
    const where = `${file}${line ? `:${line}` : ''}`;
    const fail = (problem: string, hint: string) => new WeirError(`${where}: unit test '${entry.name}' ${problem}`, { code: 'DBT_UNIT_TEST_INVALID', location: { file, line }, hint });
    const models = [...project.nodes.values()].filter((n) => n.resourceType === 'model' && n.name === entry.model);
    const model = models.find((n) => n.packageName === pkg) ?? models[0];
    if (!model) throw fail(`tests model '${entry.model}', which does not exist`, 'Set `model:` to the name of a model of the project.');
    const given = ((entry.given ?? []) as Array<Record<string, any>>).map((g) => {
      const inputId = inputIdOf(project, model, String(g.input ?? ''));
      if (!inputId) throw fail(`gives rows for ${g.input}, which model '${model.name}' does not read`, `Use one of: ${[...model.dependsOn.nodes].map((id) => readableInput(project, id)).join(', ') || 'this'}.`);
      return { input: String(g.input), inputId, rows: fixtureOf(g, (p) => fail(`given ${g.input}: ${p}`, 'Give rows as a list of dicts, as csv text (format: csv) or as a select (format: sql).')) };
    });
    return {
      uniqueId: `unit_test.${pkg}.${model.name}.${entry.name}`, name: String(entry.name), modelId: model.uniqueId, given,
      expect: fixtureOf(entry.expect ?? {}, (p) => fail(`expect: ${p}`, 'Give the expected rows as a list of dicts, csv text or a select.')),
      overrides: { vars: { ...entry.overrides?.vars }, macros: { ...entry.overrides?.macros } },
      file, line,
    };
  });
}

function inputIdOf(project: DbtProject, model: DbtNode, input: string): string | undefined {
  if (input.trim() === 'this') return model.uniqueId;
  const match = INPUT.exec(input);
  if (!match) return undefined;
  const candidates = match[1] === 'ref'
    ? model.dependsOn.nodes.filter((id) => project.nodes.get(id)?.name === match[3])
    : model.dependsOn.nodes.filter((id) => { const s = project.sources.get(id); return s && s.sourceName === match[3] && s.name === match[5]; });
  return candidates[0];
}

function readableInput(project: DbtProject, id: string): string {
  const source = project.sources.get(id);
  return source ? `source('${source.sourceName}', '${source.name}')` : `ref('${project.nodes.get(id)?.name ?? id}')`;
}

function fixtureOf(spec: Record<string, any>, fail: (problem: string) => Error): FixtureRows {
  if (spec.fixture) throw fail('fixture files are not supported yet');
  const format = String(spec.format ?? 'dict');
  if (format === 'sql') {
    if (typeof spec.rows !== 'string') throw fail('format: sql needs rows: a select statement');
    return { format: 'sql', sql: spec.rows };
  }
  if (format === 'csv') {
    if (typeof spec.rows !== 'string') throw fail('format: csv needs rows: csv text with a header line');
    const [header, ...lines] = spec.rows.trim().split(/\r?\n/);
    const columns = (header ?? '').split(',').map((c: string) => c.trim());
    return { format: 'csv', rows: lines.map((l: string) => Object.fromEntries(l.split(',').map((v, i) => [columns[i]!, v.trim()]))) };
  }
  if (format !== 'dict') throw fail(`format '${format}' is not one of dict, csv, sql`);
  return { format: 'dict', rows: (spec.rows ?? []) as Array<Record<string, unknown>> };
}

const literal = (value: unknown): string => {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `'${String(value).replaceAll("'", "''")}'`;
};

/** A select of the fixture's rows with the given column types (columns it leaves out are null, as dbt fills them). */
function fixtureSql(rows: FixtureRows, columns: ReadonlyArray<{ name: string; type: string }>): string {
  if (rows.format === 'sql') return rows.sql;
  const typed = columns.length ? columns : [...new Set(rows.rows.flatMap((r) => Object.keys(r)))].map((name) => ({ name, type: '' }));
  const select = (row: Record<string, unknown> | undefined) => typed.map((c) => {
    const key = row ? Object.keys(row).find((k) => k.toLowerCase() === c.name.toLowerCase()) : undefined;
    const value = key === undefined ? null : row![key];
    // csv values are text: an empty field is null, as dbt reads it.
    const v = rows.format === 'csv' && value === '' ? null : value;
    return `${c.type ? `cast(${literal(v)} as ${c.type})` : literal(v)} as ${quoteIdent(c.name)}`;
  }).join(', ');
  if (!rows.rows.length) return `select ${select(undefined)} where false`;
  return rows.rows.map((r) => `select ${select(r)}`).join('\nunion all\n');
}

/**
 * The unit tests of a model as blocking checks, named after each test.
 *
 * @example
 * unitTestChecks(project, tests, 'model.shop.orders', naming) // [{ type: 'custom', name: 'test_orders_keep_email', … }]
 */
export function unitTestChecks(project: DbtProject, tests: readonly DbtUnitTest[], modelId: string, naming: { relationName: (target: DbtNode | DbtSource) => string; resolveExternal: (name: string) => string }): CheckSpec[] {
  return tests.filter((t) => t.modelId === modelId).map((test) => check(test.name, (ctx) => runUnitTest(project, test, ctx, naming), {
    severity: 'error', description: `dbt unit test ${test.file}${test.line ? `:${test.line}` : ''}`,
  }));
}

/** Runs one unit test on the warehouse; `ctx.query` is the check's session (inputs are read for their column types only). */
export async function runUnitTest(project: DbtProject, test: DbtUnitTest, ctx: Pick<CustomCheckContext, 'query'>, naming: { relationName: (target: DbtNode | DbtSource) => string; resolveExternal: (name: string) => string }): Promise<CustomCheckOutcome> {
  const model = project.nodes.get(test.modelId)!;
  const mocks = new Map<string, string>();
  const ctes: string[] = [];
  for (const [i, given] of test.given.entries()) {
    const target = project.nodes.get(given.inputId) ?? project.sources.get(given.inputId);
    const relation = target ? naming.relationName(target) : undefined;
    // dbt types the given rows like the real input: read its columns where it exists.
    const columns = relation ? await ctx.query<{ column_name: string; column_type: string }>(`describe select * from ${relation}`).then((r) => r.map((c) => ({ name: c.column_name, type: c.column_type })), () => []) : [];
    const name = quoteIdent(`__dbt__unit_given_${i}`);
    ctes.push(`${name} as (\n${fixtureSql(given.rows, columns)}\n)`);
    mocks.set(given.inputId, name);
  }
  const isIncremental = test.overrides.macros.is_incremental === true;
  const compiled = await compileNode(project, model.uniqueId, {
    resolveRelation: (n) => mocks.get(n.uniqueId) ?? naming.relationName(n),
    resolveExternal: naming.resolveExternal,
    isIncremental: () => isIncremental,
    vars: test.overrides.vars,
  }, new Map());
  const actualSql = `with ${[...ctes, `__dbt__unit_actual as (\nselect * from (\n${compiled.compiledCode}\n) m\n)`].join(',\n')}`;
  const outputColumns = await ctx.query<{ column_name: string; column_type: string }>(`describe ${actualSql} select * from __dbt__unit_actual`);
  const expectedRows = test.expect;
  const expectedColumns = expectedRows.format === 'sql'
    ? outputColumns.map((c) => c.column_name)
    : [...new Set(expectedRows.rows.flatMap((r) => Object.keys(r)))];
  const typed = expectedColumns.map((name) => {
    const found = outputColumns.find((c) => c.column_name.toLowerCase() === name.toLowerCase());
    if (!found) throw new WeirError(`${test.file}: unit test '${test.name}' expects column '${name}', which model '${model.name}' does not return`, { code: 'DBT_UNIT_TEST_INVALID', location: { file: test.file, line: test.line }, hint: `Its columns: ${outputColumns.map((c) => c.column_name).join(', ')}.` });
    return { name: found.column_name, type: found.column_type };
  });
  const cols = typed.map((c) => quoteIdent(c.name)).join(', ');
  const diffSql = `${actualSql},\n__dbt__unit_expected as (\n${fixtureSql(expectedRows, typed)}\n)
select '+++' as diff, ${cols} from (select ${cols} from __dbt__unit_actual except all select ${cols} from __dbt__unit_expected)
union all
select '---' as diff, ${cols} from (select ${cols} from __dbt__unit_expected except all select ${cols} from __dbt__unit_actual)`;
  const diff = await ctx.query<Record<string, unknown>>(diffSql);
  if (!diff.length) return { passed: true, observed: 0, expected: 0, message: 'actual matches expected' };
  const show = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const lines = [`@@ ,${typed.map((c) => c.name).join(',')}`, ...diff.slice(0, 20).map((r) => `${r.diff},${typed.map((c) => show(r[c.name])).join(',')}`)];
  return {
    passed: false, observed: diff.length, expected: 0, failingRows: diff.length,
    message: `actual differs from expected (+++ only in actual, --- only in expected): ${lines.join(' | ')}`,
    samples: diff.slice(0, 5),
  };
}
