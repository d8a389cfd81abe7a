/** The few things that differ between SQL backends; everything else in sql/ is written once for all of them. */
import type { ColumnDataType } from 'kysely';

/**
 * What a backend tells the shared migrations and queries about its SQL. Kept deliberately tiny: when a difference
 * can be avoided by writing portable SQL (row values, ON CONFLICT DO NOTHING, RETURNING), it is avoided instead.
 *
 * @example
 * const sqliteFlavor: SqlFlavor = { name: 'sqlite', eventIdType: 'integer', eventIdColumnType: 'integer', isAutoIncrement: true };
 * // events.id becomes: "id" integer primary key autoincrement
 * const postgresFlavor: SqlFlavor = { name: 'postgres', eventIdType: 'bigint', eventIdColumnType: 'bigserial', isAutoIncrement: false };
 * // events.id becomes: "id" bigserial primary key
 */
export interface SqlFlavor {
  name: 'sqlite' | 'postgres';
  /** The type of columns that hold an event id (`event_id` in the index tables). */
  eventIdType: ColumnDataType;
  /** The type of `events.id` itself. */
  eventIdColumnType: ColumnDataType;
  /** Whether `events.id` needs an AUTOINCREMENT clause (SQLite) or gets its sequence from its type (PostgreSQL serial). */
  isAutoIncrement: boolean;
  /**
   * Whether a multi-row INSERT's ids can be read from the driver's last insert id instead of RETURNING: true for
   * SQLite, where one statement's AUTOINCREMENT ids are consecutive under the write lock. An exception to "portable
   * SQL first", for one measured reason: through libsql, RETURNING's rows cost a third of a log line's insert.
   */
  consecutiveInsertIds?: boolean;
}
