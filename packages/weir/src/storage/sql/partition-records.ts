/** The per-partition facts of an asset, read from the partition columns of materializations and run_assets (0008). */
import type { Kysely } from 'kysely';
import { RunStatus } from '../../events/index.js';
import type { PartitionRecord, StoredMaterialization } from '../storage.js';
import { toStoredMaterialization } from './row-mappers.js';
import type { WeirDb } from './weir-db.js';

const ACTIVE = new Set<string>([RunStatus.QUEUED, RunStatus.STARTED, RunStatus.CANCELING]);

/**
 * Two index ranges of (project, asset_key, partition, …): the latest materialization per partition, then every run
 * of a partition oldest first, folded here into the latest one and whether any is active.
 *
 * @example
 * await partitionRecords(db, 'shop', 'revenue') // [{ partition: '2025-03', materializedAt: 1743…, lastRun: {…}, active: false }]
 */
export async function partitionRecords(db: Kysely<WeirDb>, project: string, assetKey: string): Promise<PartitionRecord[]> {
  const [materialized, runs] = await Promise.all([
    db.selectFrom('materializations')
      .select(['partition', (eb) => eb.fn.max('timestamp').as('at')])
      .where('project', '=', project).where('asset_key', '=', assetKey).where('partition', 'is not', null)
      .groupBy('partition')
      .execute(),
    db.selectFrom('run_assets')
      .select(['partition', 'run_id', 'status', 'created_at'])
      .where('project', '=', project).where('asset_key', '=', assetKey).where('partition', 'is not', null)
      // The index's own order (no sort): a partition's latest run is its last row.
      .orderBy('partition').orderBy('created_at')
      .execute(),
  ]);
  const records = new Map<string, PartitionRecord>();
  const recordOf = (partition: string): PartitionRecord => {
    let record = records.get(partition);
    if (!record) records.set(partition, (record = { partition, materializedAt: null, lastRun: null, active: false }));
    return record;
  };
  for (const row of materialized) recordOf(row.partition!).materializedAt = Number(row.at);
  for (const row of runs) {
    const record = recordOf(row.partition!);
    record.lastRun = { runId: row.run_id, status: row.status, createdAt: Number(row.created_at) };
    if (ACTIVE.has(row.status)) record.active = true;
  }
  return [...records.values()];
}

/**
 * One descent of (project, asset_key, partition, event_id): the partition's latest materialization.
 *
 * @example
 * await latestPartitionMaterialization(db, 'shop', 'orders', '2025-03') // { eventId: 812, rowCount: 1204, partition: '2025-03', … }
 */
export async function latestPartitionMaterialization(db: Kysely<WeirDb>, project: string, assetKey: string, partition: string): Promise<StoredMaterialization | undefined> {
  const row = await db.selectFrom('materializations').selectAll()
    .where('project', '=', project).where('asset_key', '=', assetKey).where('partition', '=', partition)
    .orderBy('event_id', 'desc').limit(1)
    .executeTakeFirst();
  return row ? toStoredMaterialization(row) : undefined;
}
