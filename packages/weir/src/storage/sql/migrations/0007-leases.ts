/** Migration 0007_leases: named leases with a holder and an expiry, so one process at a time runs automation. */
import type { Kysely, Migration } from 'kysely';

/*
 * `weir dev` and `weir serve` may both be started on one project (or two `weir serve` for failover): schedules must
 * tick once. Whoever holds the `automation` row runs the loops; it renews the expiry every few seconds, and when it
 * dies without releasing, another takes the row once expires_at has passed. One row per name: the primary key is
 * what makes two takeovers at once impossible.
 */

/**
 * @example
 * leasesMigration().up(db)
 * // create table "leases" ("name" text primary key, "holder" text not null, "acquired_at" bigint not null, "expires_at" bigint not null)
 */
export function leasesMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('acquired_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('leases').execute();
    },
  };
}
