/** AlertStore over any Kysely<WeirDb>: open alert problems and deliveries. */
import type { Kysely } from 'kysely';
import type { AlertSignal } from '../../events/index.js';
import type { AlertStore } from '../storage.js';
import type { WeirDb } from './weir-db.js';

/** The tables of this store (added by its migration), as Kysely sees them. */
export interface AlertTables {
}

export class SqlAlertStore implements AlertStore {
  constructor(private readonly db: Kysely<WeirDb>) {}

  // Placeholder until the alerts branch lands its table: accepts and drops signals.
  async recordSignal(signal: AlertSignal): Promise<void> {
    void signal;
    void this.db;
  }
}
