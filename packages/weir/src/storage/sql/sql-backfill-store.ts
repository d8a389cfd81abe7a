/** BackfillStore over any Kysely<WeirDb>: backfills and their partitions. */
import type { Kysely } from 'kysely';
import type { BackfillStore } from '../storage.js';
import type { WeirDb } from './weir-db.js';

/** The tables of this store (added by its migration), as Kysely sees them. */
export interface BackfillTables {
}

export class SqlBackfillStore implements BackfillStore {
  constructor(private readonly db: Kysely<WeirDb>) {}
}
