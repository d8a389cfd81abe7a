/** A QueryRunner on a real in-memory DuckDB for the checks' tests: the connector's own session, rows JSON-safe. */
import { DuckDbWarehouse } from '../connectors/duckdb/index.js';
import type { QueryRunner } from '../definitions/asset-context.js';
import type { CheckTarget } from './check-target.js';

/** A runner with its database; `close()` after the tests. */
export interface TestRunner extends QueryRunner {
  close(): void;
  /** A CheckTarget on `table` in schema main (asset key = the name before `__stage`), other assets = same-named tables. */
  target(table: string, options?: Partial<CheckTarget>): CheckTarget;
}

/**
 * The connector's session rather than a hand-made adapter: tests then see exactly the values the engine's runner
 * returns (BIGINT as a number when exact), and only `connectors/` imports the DuckDB driver.
 *
 * @example
 * const db = await openTestRunner();
 * await db.run("create table wines as select 'A' as sku");
 * await db.query('select count(*) as n from wines') // [{ n: 1 }]
 * db.close();
 */
export async function openTestRunner(): Promise<TestRunner> {
  const warehouse = await DuckDbWarehouse.open(':memory:');
  const session = await warehouse.connect();
  const runner: TestRunner = {
    query: (sql, params) => session.query(sql, params),
    run: (sql, params) => session.run(sql, params),
    close: () => warehouse.close(),
    target: (table, options = {}) => ({
      assetKey: table.replace(/__(weir_)?stage.*$/, ''),
      runner,
      relation: `"main"."${table}"`,
      resolveRelation: (assetKey: string) => `"main"."${assetKey}"`,
      ...options,
    }),
  };
  return runner;
}
