/** Write-audit-publish for tables: stage under a run-scoped name, then swap into place atomically. */
import { WeirError } from '../shared/errors.js';
import type { DuckDbSession } from '../connectors/duckdb/duckdb-session.js';
import { qualified, quoteIdent } from '../connectors/duckdb/quote-identifier.js';

export interface PublishTableSpec {
  schema: string;
  staging: string;
  table: string;
}

/**
 * Replaces `schema.table` with `schema.staging` by a drop and a rename in ONE transaction, so readers
 * see the old table or the new one, never neither. Views that select from the table keep working:
 * DuckDB binds views by name when they run. If the staging table does not exist the published table
 * is left as it was.
 *
 * @example
 * await publishTable(session, { schema: 'main', staging: 'revenue__weir_stage_01jd3k5v', table: 'revenue' })
 * // begin; drop table if exists "main"."revenue"; alter table "main"."revenue__weir_stage_01jd3k5v" rename to "revenue"; commit
 */
export async function publishTable(session: DuckDbSession, spec: PublishTableSpec): Promise<void> {
  const { schema, staging, table } = spec;
  // No catalog queries here (duckdb_tables(), duckdb_views()): each costs a row per object in the catalog, per
  // step. A missing staging table makes the rename fail, and the transaction's rollback keeps the published table.
  const swap = (drop: 'table if exists' | 'view') => session.transaction(async () => {
    await session.run(`drop ${drop} ${qualified(schema, table)}`);
    await session.run(`alter table ${qualified(schema, staging)} rename to ${quoteIdent(table)}`);
  });
  try {
    try {
      await swap('table if exists');
    } catch (error) {
      // The asset was a view before (a SQL model switched materialization): DuckDB refuses to drop it as a table.
      if (!/is of type View/i.test((error as Error).message)) throw error;
      await swap('view');
    }
  } catch (error) {
    if (/does not exist/i.test((error as Error).message) && (error as Error).message.includes(staging)) {
      throw new WeirError(`cannot publish ${schema}.${table}: its staging table ${schema}.${staging} does not exist`, {
        code: 'STAGING_TABLE_MISSING',
        hint: `The published ${schema}.${table} was left unchanged. This is a Weir bug if the asset reported success; please report it.`,
      });
    }
    throw error;
  }
}

/**
 * Drops a table if it exists, e.g. a staging table after a failed or cancelled step.
 *
 * @example
 * await dropTable(session, { schema: 'main', table: 'revenue__weir_stage_01jd3k5v' })
 */
export async function dropTable(session: DuckDbSession, target: { schema: string; table: string }): Promise<void> {
  await session.run(`drop table if exists ${qualified(target.schema, target.table)}`);
}
