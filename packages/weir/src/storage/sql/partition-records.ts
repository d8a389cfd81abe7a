/** The per-partition facts of an asset, read from the partition columns of materializations and run_assets (0008). */
import type { Kysely } from 'kysely';
import { RunStatus } from '../../events/index.js';
import type { PartitionRecord } from '../storage.js';
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
