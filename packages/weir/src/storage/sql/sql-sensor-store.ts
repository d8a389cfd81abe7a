/** SensorStore over any Kysely<WeirDb>: sensor cursors, processed items and evaluations. */
import type { Kysely } from 'kysely';
import type { SensorStore } from '../storage.js';
import type { WeirDb } from './weir-db.js';

/** The tables of this store (added by its migration), as Kysely sees them. */
export interface SensorTables {
}

export class SqlSensorStore implements SensorStore {
  constructor(private readonly db: Kysely<WeirDb>) {}
}
