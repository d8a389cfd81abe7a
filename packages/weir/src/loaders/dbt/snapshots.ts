/**
 * dbt snapshots: a snapshot's config read into SnapshotOptions (with dbt's errors), and the SQL that computes the
 * snapshot's next state — the whole history table, old versions closed and new ones added — so the engine can stage
 * it, run the checks on it and publish it like any table: a failed check never touches the published history.
 */
import { WeirError } from '../../shared/errors.js';
import type { SnapshotOptions } from '../../definitions/materialize.js';
import { quoteIdent } from './materializations.js';
import type { DbtSnapshotNode } from './types.js';

/**
 * @example
 * snapshotOptions(node, 'snapshots/orders.sql') // { uniqueKey: ['id'], strategy: 'timestamp', updatedAt: 'updated_at', hardDeletes: 'ignore' }
 * // a snapshot without unique_key throws: "snapshots/orders.sql:1: snapshot 'orders_snapshot' has no unique_key …"
 */
export function snapshotOptions(node: DbtSnapshotNode, file: string): SnapshotOptions {
  const config = node.config as Record<string, unknown>;
  const where = `${file}${node.location.line ? `:${node.location.line}` : ''}`;
  const fail = (problem: string, hint: string) => new WeirError(`${where}: snapshot '${node.name}' ${problem}`, { code: 'DBT_SNAPSHOT_CONFIG', location: { file, line: node.location.line }, hint });
  const rawKey = config.unique_key;
  const uniqueKey = (Array.isArray(rawKey) ? rawKey : rawKey === undefined || rawKey === null || rawKey === '' ? [] : [rawKey]).map(String);
  if (!uniqueKey.length) throw fail('has no unique_key', "Add unique_key: the column (or list of columns) that identifies a row, e.g. {{ config(unique_key='id') }}.");
  const strategy = String(config.strategy ?? '');
  if (strategy !== 'timestamp' && strategy !== 'check') {
    throw fail(strategy ? `uses strategy '${strategy}', which Weir does not support` : 'has no strategy', "Use strategy='timestamp' (with updated_at) or strategy='check' (with check_cols).");
  }
  if (config.snapshot_meta_column_names !== undefined) {
    throw fail('sets snapshot_meta_column_names, which Weir does not support yet', 'Remove it: the columns are then dbt_scd_id, dbt_updated_at, dbt_valid_from and dbt_valid_to.');
  }
  const options: SnapshotOptions = { uniqueKey, strategy, hardDeletes: hardDeletesOf(config, fail) };
  if (strategy === 'timestamp') {
    if (typeof config.updated_at !== 'string' || !config.updated_at) throw fail("uses strategy='timestamp' without updated_at", "Add updated_at: the column that says when a row last changed.");
    options.updatedAt = config.updated_at;
  } else {
    const cols = config.check_cols;
    if (cols === 'all') options.checkCols = 'all';
    else if (Array.isArray(cols) && cols.length) options.checkCols = cols.map(String);
    else throw fail("uses strategy='check' without check_cols", "Add check_cols: 'all' or a list of the columns to compare.");
  }
  if (typeof config.dbt_valid_to_current === 'string' && config.dbt_valid_to_current.trim()) options.validToCurrent = config.dbt_valid_to_current;
  return options;
}

function hardDeletesOf(config: Record<string, unknown>, fail: (p: string, h: string) => Error): SnapshotOptions['hardDeletes'] {
  if (config.hard_deletes !== undefined) {
    const value = String(config.hard_deletes);
    if (value === 'ignore' || value === 'invalidate' || value === 'new_record') return value;
    throw fail(`has hard_deletes: '${value}'`, 'Use ignore, invalidate or new_record.');
  }
  return config.invalidate_hard_deletes === true ? 'invalidate' : 'ignore';
}

export interface SnapshotSqlInput {
  /** The published snapshot table, or undefined on the first build. */
  target?: string;
  /** The snapshot's compiled select. */
  query: string;
  /** The query's columns, in order. */
  columns: readonly string[];
  options: SnapshotOptions;
  /** SQL for "now" in the snapshot (its timestamp for new and closed versions under 'check' and deletions). */
  snapshotTime: string;
}

/**
 * The select that yields the snapshot's next state (every version, old and new).
 *
 * @example
 * snapshotSql({ query: 'select * from orders', columns: ['id', 'status', 'updated_at'],
 *   options: { uniqueKey: ['id'], strategy: 'timestamp', updatedAt: 'updated_at', hardDeletes: 'ignore' }, snapshotTime: "now()" })
 * // select *, md5(…) as dbt_scd_id, updated_at as dbt_updated_at, updated_at as dbt_valid_from, null as dbt_valid_to from (select * from orders) …
 */
export function snapshotSql(input: SnapshotSqlInput): string {
  const { options, snapshotTime } = input;
  const updated = options.strategy === 'timestamp' ? `(${options.updatedAt})` : snapshotTime;
  const current = options.validToCurrent ? `(${options.validToCurrent})` : 'cast(null as timestamp)';
  const scdId = (alias: string, time: string) => `md5(${[...options.uniqueKey.map((k) => `coalesce(cast(${alias}.${quoteIdent(k)} as varchar), '')`), `coalesce(cast(${time} as varchar), '')`].join(" || '|' || ")})`;
  const deletedFlag = options.hardDeletes === 'new_record';
  const source = `select q.*, ${rewrite(updated, 'q')} as __weir_updated from (\n${input.query}\n) q`;
  const newVersion = (alias: string) =>
    `select ${alias}.* exclude (__weir_updated), ${scdId(alias, `${alias}.__weir_updated`)} as dbt_scd_id, ${alias}.__weir_updated as dbt_updated_at, ${alias}.__weir_updated as dbt_valid_from, ${current} as dbt_valid_to${deletedFlag ? ", 'False' as dbt_is_deleted" : ''}`;
  if (!input.target) return `with src as (${source})\n${newVersion('src')} from src`;

  const keyEq = (a: string, b: string) => options.uniqueKey.map((k) => `${a}.${quoteIdent(k)} is not distinct from ${b}.${quoteIdent(k)}`).join(' and ');
  const isCurrent = (alias: string) => (options.validToCurrent ? `${alias}.dbt_valid_to = ${current}` : `${alias}.dbt_valid_to is null`);
  const compared = options.strategy === 'timestamp' ? [] : options.checkCols === 'all' ? [...input.columns] : options.checkCols ?? [];
  const changed = options.strategy === 'timestamp'
    ? 'src.__weir_updated > cur.dbt_updated_at'
    : compared.map((c) => `src.${quoteIdent(c)} is distinct from cur.${quoteIdent(c)}`).join(' or ') || 'false';
  // Under 'timestamp' a changed version ends when the new one begins; under 'check' at the snapshot's time.
  const closeAt = options.strategy === 'timestamp' ? 'changed.__weir_updated' : snapshotTime;
  const handlesDeletes = options.hardDeletes !== 'ignore';
  const ctes = [
    `src as (${source})`,
    `cur as (select * from ${input.target} t where ${isCurrent('t')}${deletedFlag ? " and coalesce(t.dbt_is_deleted, 'False') <> 'True'" : ''})`,
    `changed as (select src.* from src join cur on ${keyEq('src', 'cur')} where ${changed})`,
    `inserted as (select src.* from src where not exists (select 1 from cur where ${keyEq('src', 'cur')}))`,
    ...(handlesDeletes ? [`deleted as (select cur.* from cur where not exists (select 1 from src where ${keyEq('src', 'cur')}))`] : []),
  ];
  const closing = [
    `(select ${closeAt} from changed where ${keyEq('changed', 't')} limit 1)`,
    ...(handlesDeletes ? [`(select ${snapshotTime} from deleted where ${keyEq('deleted', 't')} limit 1)`] : []),
  ];
  const history = `select t.* replace (case when ${isCurrent('t')}${deletedFlag ? " and coalesce(t.dbt_is_deleted, 'False') <> 'True'" : ''} then coalesce(${closing.join(', ')}, t.dbt_valid_to) else t.dbt_valid_to end as dbt_valid_to) from ${input.target} t`;
  const parts = [history, `${newVersion('v')} from (select * from changed union all by name select * from inserted) v`];
  if (deletedFlag) {
    // A deleted row gets a last version that says so, valid from the snapshot's time.
    parts.push(`select d.* exclude (dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to, dbt_is_deleted), ${scdId('d', snapshotTime)} as dbt_scd_id, ${snapshotTime} as dbt_updated_at, ${snapshotTime} as dbt_valid_from, ${current} as dbt_valid_to, 'True' as dbt_is_deleted from deleted d`);
  }
  return `with ${ctes.join(',\n')}\n${parts.join('\nunion all by name\n')}`;
}

/** An updated_at expression written against the query's columns, qualified with the source alias when it is a bare column. */
function rewrite(expression: string, alias: string): string {
  const inner = expression.replace(/^\((.*)\)$/s, '$1').trim();
  return /^[A-Za-z_][\w]*$/.test(inner) ? `${alias}.${quoteIdent(inner)}` : expression;
}
