/** LeaseStore over any Kysely<WeirDb>: leases. */
import type { Kysely } from 'kysely';
import type { LeaseStore } from '../storage.js';
import type { WeirDb } from './weir-db.js';

/** The tables of this store (added by its migration), as Kysely sees them. */
export interface LeaseTables {
}

export class SqlLeaseStore implements LeaseStore {
  constructor(private readonly db: Kysely<WeirDb>) {}
}
