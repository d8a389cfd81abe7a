/** LeaseStore over any Kysely<WeirDb>: leases, one row per name, taken and renewed by a conditional upsert. */
import { sql, type Kysely } from 'kysely';
import type { Lease, LeaseRequest, LeaseStore } from '../storage.js';
import type { WeirDb } from './weir-db.js';

/** The tables of this store (added by its migration), as Kysely sees them. */
export interface LeaseTables {
  leases: LeasesTable;
}

/** One row per held (or last held) lease; a released lease has no row. */
export interface LeasesTable {
  name: string;
  holder: string;
  acquired_at: number;
  expires_at: number;
}

/**
 * The lease store shared by every SQL backend.
 *
 * @example
 * const leases = new SqlLeaseStore(db);
 * await leases.acquire({ name: 'automation', holder: 'h:1:a', nowMs: 0, ttlMs: 10_000 }) // { …, expiresAt: 10_000 }
 * await leases.renew({ name: 'automation', holder: 'h:1:a', nowMs: 3000, ttlMs: 10_000 }) // true (expires at 13_000)
 */
export class SqlLeaseStore implements LeaseStore {
  constructor(private readonly db: Kysely<WeirDb>) {}

  async acquire({ name, holder, nowMs, ttlMs }: LeaseRequest): Promise<Lease | undefined> {
    // One statement decides: insert when free; take over when expired; renew when ours. The WHERE of DO UPDATE makes
    // the test and the write one atomic step on SQLite and PostgreSQL alike; RETURNING yields the row only if written.
    const row = await this.db.insertInto('leases')
      .values({ name, holder, acquired_at: nowMs, expires_at: nowMs + ttlMs })
      .onConflict((oc) => oc.column('name').doUpdateSet({
        // A renewal keeps when this holder first took it; a takeover starts anew.
        acquired_at: sql<number>`case when ${sql.ref('leases.holder')} = ${holder} then ${sql.ref('leases.acquired_at')} else ${nowMs} end`,
        holder,
        expires_at: nowMs + ttlMs,
      }).where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', nowMs)])))
      .returningAll()
      .executeTakeFirst();
    return row && toLease(row);
  }

  async renew({ name, holder, nowMs, ttlMs }: LeaseRequest): Promise<boolean> {
    // Renewing a lease that expired but nobody took is fine: it was never another's in between.
    const result = await this.db.updateTable('leases').set({ expires_at: nowMs + ttlMs })
      .where('name', '=', name).where('holder', '=', holder).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async release(name: string, holder: string): Promise<boolean> {
    const result = await this.db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async getLease(name: string): Promise<Lease | undefined> {
    const row = await this.db.selectFrom('leases').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toLease(row);
  }
}

function toLease(row: LeasesTable): Lease {
  return { name: row.name, holder: row.holder, acquiredAt: Number(row.acquired_at), expiresAt: Number(row.expires_at) };
}
