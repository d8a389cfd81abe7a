/** Runs the BackfillStore contract against SQLite (':memory:'). */
import { backfillStoreContract } from '../backfill-store.contract.js';
import { openSqliteStorage } from './sqlite-storage.js';

backfillStoreContract('sqlite :memory:', () => openSqliteStorage(':memory:'));
