/** What the engine needs of the warehouse. A DuckDbWarehouse is one; the CLI's is opened only when first needed. */
import type { DuckDbSession } from '../connectors/duckdb/duckdb-session.js';

export interface WarehouseAccess {
  /** A new session; each running step takes its own. */
  connect(): Promise<DuckDbSession>;
  /** Whether `schema.table` exists; may answer from a remembered catalog without opening the warehouse. */
  hasTable(schema: string, table: string): Promise<boolean>;
}
