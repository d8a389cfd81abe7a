/** The shape of an asset's table, recorded with each materialization: row count and columns. */
import type { DuckDbSession, RelationDescription } from '../connectors/duckdb/duckdb-session.js';

/**
 * Row count and column names/types of a relation (a quoted table name or a parenthesized query).
 *
 * @example
 * await describeRelation(session, '"main"."revenue"')
 * // { rowCount: 12, columns: [{ name: 'month', type: 'DATE' }, { name: 'total', type: 'DOUBLE' }] }
 */
export async function describeRelation(session: DuckDbSession, relation: string, options: { signal?: AbortSignal; rowCount?: number } = {}): Promise<RelationDescription> {
  if (options.rowCount !== undefined) {
    // The caller knows the count (DuckDB returns it from CREATE TABLE AS): the columns alone.
    const columns = await session.query<{ column_name: string; column_type: string }>(`describe select * from ${relation}`, [], options);
    return { rowCount: options.rowCount, columns: columns.map((r) => ({ name: r.column_name, type: r.column_type })) };
  }
  // One statement rather than DESCRIBE then COUNT(*): this runs once per step.
  const rows = await session.query<{ column_name: string; column_type: string; n: number }>(
    `select column_name, column_type, (select count(*) from ${relation}) as n from (describe select * from ${relation})`, [], options,
  );
  return { rowCount: Number(rows[0]?.n ?? 0), columns: rows.map((r) => ({ name: r.column_name, type: r.column_type })) };
}
