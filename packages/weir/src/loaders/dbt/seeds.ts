/** Seeds: CSV files typed the way dbt types them (agate inference, not DuckDB's sniffer) and loaded with plain SQL. */
import { WeirError } from '../../shared/errors.js';
import { quoteIdent, renderRelation, type RelationParts } from './materializations.js';
import { plural } from '../../shared/plural.js';

export type SeedValue = string | number | boolean | null;
export interface SeedColumn { name: string; type: string }
export interface SeedTable { columns: SeedColumn[]; rows: SeedValue[][] }

/**
 * RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes. A dozen lines here beat a dependency for
 * the one format dbt seeds use.
 */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

// dbt's type tester (dbt_common agate_helper): the first type every non-null value casts to wins, in this order.
// '' and 'null' are NULL. Booleans are only true/false, so 1/0 stay integers.
const NULLS = new Set(['', 'null']);
const INTEGER = /^\s*[-+]?\d+\s*$/;
const NUMBER = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;
const DATE = /^\d{4}-\d{1,2}-\d{1,2}$/;
const DATETIME = /^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}:\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const BOOLEAN = /^(true|false)$/i;

function validDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split(/[-T ]/).map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m! - 1 && date.getUTCDate() === d;
}

type Kind = 'integer' | 'number' | 'date' | 'datetime' | 'boolean' | 'text';
const TESTERS: Array<[Kind, (v: string) => boolean]> = [
  ['integer', (v) => INTEGER.test(v)],
  ['number', (v) => NUMBER.test(v)],
  ['date', (v) => DATE.test(v) && validDate(v)],
  ['datetime', (v) => (DATETIME.test(v) || ISO_DATETIME.test(v)) && validDate(v)],
  ['boolean', (v) => BOOLEAN.test(v.trim())],
  ['text', () => true],
];

/** The SQL type dbt gives an inferred column (SQLAdapter defaults; decimals become float8, i.e. DOUBLE). */
function sqlType(kind: Kind, values: string[]): string {
  // A 'number' column failed the integer test, so some value has decimals: agate's MaxPrecision > 0.
  switch (kind) {
    case 'integer': {
      // dbt says "integer"; a value beyond 32 bits would fail there, so Weir widens to bigint instead.
      const big = values.some((v) => Math.abs(Number(v)) > 2147483647);
      return big ? 'bigint' : 'integer';
    }
    case 'number': return 'float8';
    case 'date': return 'date';
    case 'datetime': return 'timestamp without time zone';
    case 'boolean': return 'boolean';
    default: return 'text';
  }
}

function castValue(kind: Kind, raw: string): SeedValue {
  if (NULLS.has(raw)) return null;
  switch (kind) {
    case 'integer':
    case 'number': return Number(raw);
    case 'boolean': return raw.trim().toLowerCase() === 'true';
    default: return raw;
  }
}

/**
 * Reads a seed CSV into typed columns and rows.
 *
 * @example
 * readSeed('id,price,day\n1,2.5,2024-01-01\n2,,2024-01-02\n').columns
 * // [{ name: 'id', type: 'integer' }, { name: 'price', type: 'float8' }, { name: 'day', type: 'date' }]
 */
export function readSeed(text: string, options: { columnTypes?: Record<string, string>; delimiter?: string; file?: string } = {}): SeedTable {
  const [header, ...records] = parseCsv(text, options.delimiter ?? ',');
  if (!header) throw new WeirError('the seed file is empty', { code: 'DBT_EMPTY_SEED', location: options.file ? { file: options.file } : undefined, hint: 'A seed needs a header row.' });
  const width = header.length;
  records.forEach((r, i) => {
    if (r.length !== width) {
      throw new WeirError(`row ${i + 2} has ${plural(r.length, 'field')}, the header has ${width}`, { code: 'DBT_BAD_SEED', location: options.file ? { file: options.file, line: i + 2 } : undefined, hint: 'Quote fields that contain the delimiter.' });
    }
  });
  const overrides = options.columnTypes ?? {};
  const kinds: Kind[] = header.map((name, c) => {
    if (overrides[name] !== undefined) return 'text';
    const values = records.map((r) => r[c]!).filter((v) => !NULLS.has(v));
    return TESTERS.find(([, test]) => values.every(test))![0];
  });
  const columns = header.map((name, c) => ({
    name,
    type: overrides[name] ?? sqlType(kinds[c]!, records.map((r) => r[c]!).filter((v) => !NULLS.has(v))),
  }));
  const rows = records.map((r) => r.map((raw, c) => (overrides[header[c]!] !== undefined ? (NULLS.has(raw) ? null : raw) : castValue(kinds[c]!, raw))));
  return { columns, rows };
}

function literal(value: SeedValue): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `'${value.replace(/'/g, "''")}'`;
}

/** Rows per insert statement (dbt batches seed inserts too). */
const SEED_BATCH_ROWS = 1000;

/**
 * Statements that (re)create the seed table and insert its rows, values cast to the column types.
 *
 * @example
 * seedSql({ database: 'dev', schema: 'main', identifier: 'raw_orders' }, readSeed('id\n1\n'))
 * // ['create schema if not exists "dev"."main"', 'drop table if exists …', 'create table … ("id" integer)', 'insert into … values\n(cast(1 as integer))']
 */
export function seedSql(target: RelationParts, table: SeedTable): string[] {
  const relation = renderRelation(target);
  const statements = [
    `create schema if not exists ${[target.database, target.schema].filter((p): p is string => !!p).map(quoteIdent).join('.')}`,
    `drop table if exists ${relation}`,
    `create table ${relation} (${table.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`,
  ];
  for (let i = 0; i < table.rows.length; i += SEED_BATCH_ROWS) {
    const batch = table.rows.slice(i, i + SEED_BATCH_ROWS);
    const values = batch.map((row) => `(${row.map((v, c) => `cast(${literal(v)} as ${table.columns[c]!.type})`).join(', ')})`);
    statements.push(`insert into ${relation} (${table.columns.map((c) => quoteIdent(c.name)).join(', ')}) values\n${values.join(',\n')}`);
  }
  return statements;
}
