/** The shape of an asset's table, recorded with each materialization: row count and columns. */
import type { DuckDbSession, RelationDescription } from '../connectors/duckdb/duckdb-session.js';

/**
 * Row count and column names/types of a relation (a quoted table name or a parenthesized query).
 *
 * @example
 * await describeRelation(session, '"main"."revenue"')
 * // { rowCount: 12, columns: [{ name: 'month', type: 'DATE' }, { name: 'total', type: 'DOUBLE' }] }
 */
export function describeRelation(session: DuckDbSession, relation: string, options: { signal?: AbortSignal; rowCount?: number } = {}): Promise<RelationDescription> {
  return session.describe(relation, options);
}
