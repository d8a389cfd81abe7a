/** ScheduleStore over any Kysely<WeirDb>: schedule states and ticks. */
import type { Kysely } from 'kysely';
import type { ScheduleStore } from '../storage.js';
import type { WeirDb } from './weir-db.js';

/** The tables of this store (added by its migration), as Kysely sees them. */
export interface ScheduleTables {
}

export class SqlScheduleStore implements ScheduleStore {
  constructor(private readonly db: Kysely<WeirDb>) {}
}
