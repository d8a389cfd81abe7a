/** BackfillStore over any Kysely<WeirDb>: backfills, their planned ranges and the progress of started partitions. */
import type { Kysely, Selectable } from 'kysely';
import { WeirError } from '../../shared/errors.js';
import {
  BACKFILL_PARTITION_STATUSES, type Backfill, type BackfillPartition, type BackfillPartitionRange, type BackfillPartitionStatus,
  type BackfillStatus, type BackfillStore, type FinishedBackfillStatus, type NewBackfill, type PlannedPartitionRange,
} from '../storage.js';
import type { WeirDb } from './weir-db.js';

/** The tables of this store (added by migration 0009), as Kysely sees them. */
export interface BackfillTables {
  backfills: BackfillsTable;
  backfill_ranges: BackfillRangesTable;
  backfill_partitions: BackfillPartitionsTable;
}

/** One row per backfill. */
export interface BackfillsTable {
  backfill_id: string;
  project: string;
  selection: string | null;
  /** JSON array of asset keys. */
  asset_keys: string;
  /** JSON BackfillRequestRecord. */
  request: string;
  concurrency: number;
  status: BackfillStatus;
  partition_count: number;
  /** Partitions launched so far (the position of the next one). */
  cursor: number;
  parent_backfill_id: string | null;
  created_at: number;
  ended_at: number | null;
  cancel_requested_at: number | null;
  error: string | null;
}

/** The planned work, one row per range of partition indices. */
export interface BackfillRangesTable {
  backfill_id: string;
  ordinal_start: number;
  from_index: number;
  to_index: number;
}

/** One row per launched partition. */
export interface BackfillPartitionsTable {
  backfill_id: string;
  partition_index: number;
  partition_key: string;
  run_id: string;
  status: BackfillPartitionStatus;
  started_at: number;
  ended_at: number | null;
}

/** Rows per INSERT of ranges: 4 parameters each, well under every backend's limit. */
const RANGES_PER_INSERT = 500;
const MAX_LISTED_CANDIDATES = 5;
const UNFINISHED: readonly BackfillStatus[] = ['REQUESTED', 'RUNNING', 'CANCELING'];

/**
 * @example
 * const backfills = new SqlBackfillStore(db);
 * await backfills.createBackfill({ backfillId, project: 'shop', selection: null, assetKeys: ['revenue'], request: {}, concurrency: 2,
 *   ranges: [{ fromIndex: 0, toIndex: 23 }], partitionCount: 24, createdAt: Date.now() })
 * (await backfills.listBackfills({ project: 'shop' }))[0].status // 'REQUESTED'
 */
export class SqlBackfillStore implements BackfillStore {
  constructor(private readonly db: Kysely<WeirDb>) {}

  async createBackfill(backfill: NewBackfill): Promise<Backfill> {
    const row: BackfillsTable = {
      backfill_id: backfill.backfillId, project: backfill.project, selection: backfill.selection,
      asset_keys: JSON.stringify(backfill.assetKeys), request: JSON.stringify(backfill.request), concurrency: backfill.concurrency,
      status: 'REQUESTED', partition_count: backfill.partitionCount, cursor: 0, parent_backfill_id: backfill.parentBackfillId ?? null,
      created_at: backfill.createdAt, ended_at: null, cancel_requested_at: null, error: null,
    };
    const ranges: BackfillRangesTable[] = [];
    let ordinal = 0;
    for (const range of backfill.ranges) {
      ranges.push({ backfill_id: backfill.backfillId, ordinal_start: ordinal, from_index: range.fromIndex, to_index: range.toIndex });
      ordinal += range.toIndex - range.fromIndex + 1;
    }
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('backfills').values(row).execute();
      for (let i = 0; i < ranges.length; i += RANGES_PER_INSERT) {
        await trx.insertInto('backfill_ranges').values(ranges.slice(i, i + RANGES_PER_INSERT)).execute();
      }
    });
    return toBackfill(row);
  }

  async getBackfill(backfillId: string): Promise<Backfill | undefined> {
    const row = await this.db.selectFrom('backfills').selectAll().where('backfill_id', '=', backfillId).executeTakeFirst();
    return row && toBackfill(row);
  }

  async resolveBackfillId(prefix: string): Promise<string | undefined> {
    const wanted = prefix.trim().toLowerCase();
    if (wanted === '') return undefined;
    // A prefix is a range of the primary key (see SqlRunStore.resolveRunId).
    const upper = wanted.slice(0, -1) + String.fromCharCode(wanted.charCodeAt(wanted.length - 1) + 1);
    const rows = await this.db.selectFrom('backfills').select('backfill_id')
      .where('backfill_id', '>=', wanted).where('backfill_id', '<', upper)
      .orderBy('backfill_id').limit(MAX_LISTED_CANDIDATES + 1).execute();
    const ids = rows.map((r) => r.backfill_id).filter((id) => id.startsWith(wanted));
    if (ids.length <= 1) return ids[0];
    if (ids.includes(wanted)) return wanted;
    throw new WeirError(`Backfill id '${prefix}' is ambiguous: it matches ${ids.length > MAX_LISTED_CANDIDATES ? `more than ${MAX_LISTED_CANDIDATES}` : ids.length} backfills (${ids.slice(0, MAX_LISTED_CANDIDATES).join(', ')})`, {
      code: 'AMBIGUOUS_BACKFILL_ID', hint: 'Type more characters of the backfill id.',
    });
  }

  async listBackfills(filter: { project?: string; statuses?: readonly BackfillStatus[]; limit?: number } = {}): Promise<Backfill[]> {
    const rows = await this.db.selectFrom('backfills').selectAll()
      .$if(filter.project !== undefined, (qb) => qb.where('project', '=', filter.project as string))
      .$if(filter.statuses !== undefined && filter.statuses.length > 0, (qb) => qb.where('status', 'in', [...(filter.statuses as BackfillStatus[])]))
      .orderBy('created_at', 'desc').orderBy('backfill_id', 'desc')
      .$if(filter.limit !== undefined, (qb) => qb.limit(filter.limit as number))
      .execute();
    return rows.map(toBackfill);
  }

  async backfillRanges(backfillId: string, filter: { fromOrdinal?: number; limit?: number } = {}): Promise<PlannedPartitionRange[]> {
    let start = 0;
    if (filter.fromOrdinal !== undefined && filter.fromOrdinal > 0) {
      // The range holding the position: the last one starting at or before it (one primary-key step).
      const holding = await this.db.selectFrom('backfill_ranges').select('ordinal_start')
        .where('backfill_id', '=', backfillId).where('ordinal_start', '<=', filter.fromOrdinal)
        .orderBy('ordinal_start', 'desc').limit(1).executeTakeFirst();
      start = holding ? Number(holding.ordinal_start) : 0;
    }
    const rows = await this.db.selectFrom('backfill_ranges').selectAll()
      .where('backfill_id', '=', backfillId).where('ordinal_start', '>=', start)
      .orderBy('ordinal_start')
      .$if(filter.limit !== undefined, (qb) => qb.limit(filter.limit as number))
      .execute();
    return rows.map((r) => ({ ordinalStart: Number(r.ordinal_start), fromIndex: Number(r.from_index), toIndex: Number(r.to_index) }));
  }

  async startBackfill(backfillId: string): Promise<boolean> {
    const result = await this.db.updateTable('backfills').set({ status: 'RUNNING' })
      .where('backfill_id', '=', backfillId).where('status', '=', 'REQUESTED').executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async requestCancel(backfillId: string, nowMs: number): Promise<boolean> {
    const result = await this.db.updateTable('backfills').set({ status: 'CANCELING', cancel_requested_at: nowMs })
      .where('backfill_id', '=', backfillId).where('status', 'in', ['REQUESTED', 'RUNNING']).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async finishBackfill(backfillId: string, status: FinishedBackfillStatus, nowMs: number, error?: string): Promise<boolean> {
    const result = await this.db.updateTable('backfills').set({ status, ended_at: nowMs, error: error ?? null })
      .where('backfill_id', '=', backfillId).where('status', 'in', [...UNFINISHED]).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async recordLaunch(backfillId: string, partition: { ordinal: number; index: number; key: string; runId: string }, nowMs: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('backfill_partitions').values({
        backfill_id: backfillId, partition_index: partition.index, partition_key: partition.key, run_id: partition.runId,
        status: 'RUNNING', started_at: nowMs, ended_at: null,
      }).execute();
      // Never backwards: a late record of an earlier launch must not re-open launched positions.
      await trx.updateTable('backfills').set({ cursor: partition.ordinal + 1 })
        .where('backfill_id', '=', backfillId).where('cursor', '<', partition.ordinal + 1).execute();
    });
  }

  async recordPartitionEnd(backfillId: string, index: number, status: Exclude<BackfillPartitionStatus, 'RUNNING'>, nowMs: number): Promise<void> {
    await this.db.updateTable('backfill_partitions').set({ status, ended_at: nowMs })
      .where('backfill_id', '=', backfillId).where('partition_index', '=', index).execute();
  }

  async listPartitions(backfillId: string, filter: { statuses?: readonly BackfillPartitionStatus[]; afterIndex?: number; limit?: number } = {}): Promise<BackfillPartition[]> {
    const rows = await this.db.selectFrom('backfill_partitions').selectAll()
      .where('backfill_id', '=', backfillId)
      .$if(filter.statuses !== undefined && filter.statuses.length > 0, (qb) => qb.where('status', 'in', [...(filter.statuses as BackfillPartitionStatus[])]))
      .$if(filter.afterIndex !== undefined, (qb) => qb.where('partition_index', '>', filter.afterIndex as number))
      .orderBy('partition_index')
      .$if(filter.limit !== undefined, (qb) => qb.limit(filter.limit as number))
      .execute();
    return rows.map((r) => ({
      index: Number(r.partition_index), key: r.partition_key, runId: r.run_id, status: r.status,
      startedAt: Number(r.started_at), endedAt: r.ended_at === null ? null : Number(r.ended_at),
    }));
  }

  async partitionStatusRanges(backfillId: string, options: { limit?: number } = {}): Promise<BackfillPartitionRange[]> {
    const limit = options.limit ?? 2_000;
    // Three narrow columns in primary-key order, folded here: measured faster on SQLite than grouping with window
    // functions (two sorts into temporary B-trees) and portable; the keys are read for the ranges' ends only.
    const rows = await this.db.selectFrom('backfill_partitions').select(['partition_index', 'status', 'run_id'])
      .where('backfill_id', '=', backfillId).orderBy('partition_index').execute();
    const ranges: Array<Omit<BackfillPartitionRange, 'fromKey' | 'toKey'>> = [];
    for (const row of rows) {
      const index = Number(row.partition_index);
      const last = ranges.at(-1);
      if (last && last.status === row.status) {
        last.toIndex = index;
        last.count += 1;
        delete last.runId;
        continue;
      }
      if (ranges.length === limit) break;
      ranges.push({ fromIndex: index, toIndex: index, count: 1, status: row.status, runId: row.run_id });
    }
    const ends = [...new Set(ranges.flatMap((r) => [r.fromIndex, r.toIndex]))];
    const keys = new Map<number, string>();
    for (let i = 0; i < ends.length; i += RANGES_PER_INSERT) {
      const found = await this.db.selectFrom('backfill_partitions').select(['partition_index', 'partition_key'])
        .where('backfill_id', '=', backfillId).where('partition_index', 'in', ends.slice(i, i + RANGES_PER_INSERT)).execute();
      for (const row of found) keys.set(Number(row.partition_index), row.partition_key);
    }
    return ranges.map((r) => ({ ...r, fromKey: keys.get(r.fromIndex) ?? '', toKey: keys.get(r.toIndex) ?? '' }));
  }

  async partitionCounts(backfillId: string): Promise<Record<BackfillPartitionStatus, number>> {
    const rows = await this.db.selectFrom('backfill_partitions')
      .select(['status', (eb) => eb.fn.countAll<number | string | bigint>().as('count')])
      .where('backfill_id', '=', backfillId).groupBy('status').execute();
    const counts = Object.fromEntries(BACKFILL_PARTITION_STATUSES.map((s) => [s, 0])) as Record<BackfillPartitionStatus, number>;
    for (const row of rows) counts[row.status] = Number(row.count);
    return counts;
  }
}

function toBackfill(row: Selectable<BackfillsTable>): Backfill {
  return {
    backfillId: row.backfill_id, project: row.project, selection: row.selection,
    assetKeys: JSON.parse(row.asset_keys) as string[], request: JSON.parse(row.request) as Backfill['request'],
    concurrency: Number(row.concurrency), status: row.status, partitionCount: Number(row.partition_count), cursor: Number(row.cursor),
    parentBackfillId: row.parent_backfill_id, createdAt: Number(row.created_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    cancelRequestedAt: row.cancel_requested_at === null ? null : Number(row.cancel_requested_at), error: row.error,
  };
}

