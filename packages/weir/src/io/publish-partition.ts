/**
 * Write-audit-publish for one partition of a table: the staged partition replaces that partition's rows (DELETE and
 * INSERT in one transaction), every other partition stays as it was.
 */
import { WeirError } from '../shared/errors.js';
import type { ColumnDescription, DuckDbSession } from '../connectors/duckdb/duckdb-session.js';
import { qualified, quoteIdent } from '../connectors/duckdb/quote-identifier.js';

export interface PublishPartitionSpec {
  schema: string;
  /** The staging table holding this partition's rows, without the partition column. */
  staging: string;
  table: string;
  /** The column holding each row's partition key. */
  column: string;
  partition: string;
  /** 'evolve' adds the partition's new columns to the table; 'fail' refuses a partition whose columns differ. */
  schemaChange: 'fail' | 'evolve';
  /** For messages: "asset 'revenue'". */
  what: string;
}

export interface PublishedPartition {
  /** Columns this partition added to the table ('evolve'). */
  addedColumns: string[];
  /** True when this partition created the table. */
  created: boolean;
}

interface SchemaDiff { added: ColumnDescription[]; missing: ColumnDescription[]; changed: Array<{ name: string; from: string; to: string }> }

function diffColumns(table: ColumnDescription[], staged: ColumnDescription[]): SchemaDiff {
  const byName = new Map(table.map((c) => [c.name.toLowerCase(), c]));
  const stagedNames = new Set(staged.map((c) => c.name.toLowerCase()));
  return {
    added: staged.filter((c) => !byName.has(c.name.toLowerCase())),
    missing: table.filter((c) => !stagedNames.has(c.name.toLowerCase())),
    changed: staged.flatMap((c) => {
      const old = byName.get(c.name.toLowerCase());
      return old && old.type !== c.type ? [{ name: c.name, from: old.type, to: c.type }] : [];
    }),
  };
}

function describeDiff(diff: SchemaDiff): string {
  return [
    diff.added.length ? `new column${diff.added.length > 1 ? 's' : ''} ${diff.added.map((c) => `${c.name} (${c.type})`).join(', ')}` : '',
    diff.missing.length ? `missing column${diff.missing.length > 1 ? 's' : ''} ${diff.missing.map((c) => c.name).join(', ')}` : '',
    diff.changed.length ? `changed type${diff.changed.length > 1 ? 's' : ''} ${diff.changed.map((c) => `${c.name} ${c.from} → ${c.to}`).join(', ')}` : '',
  ].filter(Boolean).join('; ');
}

/**
 * Publishes one partition. The caller holds the asset's lock (creating the table or changing its schema is
 * asset-wide); the staging table is left for the caller to drop.
 *
 * @example
 * await publishPartition(session, { schema: 'main', staging: 'revenue__weir_stage_01jd3k5v', table: 'revenue',
 *   column: 'weir_partition', partition: '2025-03', schemaChange: 'fail', what: "asset 'revenue'" })
 * // begin; delete from "main"."revenue" where "weir_partition" = '2025-03';
 * // insert into "main"."revenue" by name select *, '2025-03' as "weir_partition" from "main"."revenue__weir_stage_01jd3k5v"; commit
 */
export async function publishPartition(session: DuckDbSession, spec: PublishPartitionSpec, options: { signal?: AbortSignal } = {}): Promise<PublishedPartition> {
  const { schema, staging, table, column, partition, what } = spec;
  const target = qualified(schema, table);
  const staged = qualified(schema, staging);
  // An output that carries the partition column (`select * from ${upstream}` of a partitioned input) gets it
  // replaced by this partition's key: a row belongs to the partition that published it.
  const isPartitionColumn = (name: string) => name.toLowerCase() === column.toLowerCase();
  const described = (await session.describe(staged, { rowCount: 0, signal: options.signal })).columns;
  const stagedColumns = described.filter((c) => !isPartitionColumn(c.name));
  const rows = described.length === stagedColumns.length ? `select *` : `select * exclude (${quoteIdent(described.find((c) => isPartitionColumn(c.name))!.name)})`;
  const kind = await session.relationExists(schema, table);
  if (kind === 'view') {
    throw new WeirError(`${what}: ${schema}.${table} is a view, not a partitioned table`, { code: 'PARTITION_TABLE_IS_VIEW', hint: `Drop the view ${schema}.${table}, or give the asset another io.table.` });
  }
  let addedColumns: string[] = [];
  if (kind === 'table') {
    const tableColumns = (await session.describe(target, { rowCount: 0, signal: options.signal })).columns.filter((c) => c.name.toLowerCase() !== column.toLowerCase());
    const diff = diffColumns(tableColumns, stagedColumns);
    if (diff.changed.length || ((diff.added.length || diff.missing.length) && spec.schemaChange === 'fail')) {
      const evolveHint = diff.changed.length
        ? 'A column cannot change type in one partition: cast it to the table\'s type, or rebuild every partition after dropping the table.'
        : "Make its columns match, or set schemaChange: 'evolve' on the asset to add new columns (columns it lacks are then NULL in this partition).";
      throw new WeirError(`partition '${partition}' of ${what} has columns that differ from ${schema}.${table}: ${describeDiff(diff)}; nothing was published and every partition is as it was`, {
        code: 'PARTITION_SCHEMA_CHANGED', hint: evolveHint,
      });
    }
    addedColumns = diff.added.map((c) => c.name);
  }
  const literal = `'${partition.replaceAll("'", "''")}'`;
  await session.transaction(async () => {
    if (!kind) await session.run(`create table ${target} as ${rows}, cast(null as varchar) as ${quoteIdent(column)} from ${staged} limit 0`);
    for (const added of stagedColumns.filter((c) => addedColumns.includes(c.name))) {
      await session.run(`alter table ${target} add column ${quoteIdent(added.name)} ${added.type}`);
    }
    await session.run(`delete from ${target} where ${quoteIdent(column)} = ${literal}`);
    await session.run(`insert into ${target} by name ${rows}, ${literal} as ${quoteIdent(column)} from ${staged}`);
  });
  return { addedColumns, created: !kind };
}
