/** Recording a new backfill: resolve the selection, plan it (pure), and store what was planned. */
import { randomUUID } from 'node:crypto';
import type { Definitions } from '../definitions/definitions.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import { selectAssets } from '../graph/selection.js';
import { WeirError } from '../shared/errors.js';
import type { Backfill, BackfillStore, NewBackfill, Storage } from '../storage/storage.js';
import { indicesToRanges, planBackfill, type BackfillPlan, type BackfillRequest } from './backfill-planner.js';
import { graphPartitions, type PartitionsOf, type PartitionStatusOf } from './backfill-partitions.js';
import { storedPartitionStatus } from './stored-partition-status.js';

/** Partitions' runs at once when the request does not say. */
export const DEFAULT_BACKFILL_CONCURRENCY = 4;
/** The most a backfill may ask for: beyond it, runs would only wait in the queue of `max_concurrent_runs`. */
export const MAX_BACKFILL_CONCURRENCY = 64;

export interface BackfillRequestInput extends BackfillRequest {
  /** Selection syntax of `weir run -s`; every asset when absent. */
  select?: string | readonly string[];
  concurrency?: number;
}

export interface RequestBackfillDeps {
  project: () => { definitions: Definitions; graph: AssetGraph };
  storage: Pick<Storage, 'backfills' | 'events'>;
  /** Default: the `partitions` of the graph's asset definitions. */
  partitionsOf?: PartitionsOf;
  /** For `only`: the stored status per partition. Default: read from the stored materializations and runs. */
  partitionStatusOf?: PartitionStatusOf;
}

/**
 * Plans and records a backfill (status REQUESTED); the backfill loop launches its runs. Throws a WeirError for bad
 * input (a key outside the definition, no partitioned asset, mixed definitions, a bad concurrency).
 *
 * @example
 * const { backfill, plan } = await requestBackfill(deps, { select: 'revenue', only: 'missing', concurrency: 2 }, Date.now());
 * plan.count // 14
 * backfill.status // 'REQUESTED'
 */
export async function requestBackfill(deps: RequestBackfillDeps, input: BackfillRequestInput, nowMs: number): Promise<{ backfill: Backfill; plan: BackfillPlan; inOrderBecause?: string }> {
  const { definitions, graph } = deps.project();
  const partitionsOf = deps.partitionsOf ?? graphPartitions(graph);
  const statusOf = deps.partitionStatusOf ?? storedPartitionStatus(deps.storage, definitions.project.name);
  const selection = selectionOf(input.select);
  const keys = [...selectAssets(graph, { select: input.select, root: definitions.project.root })]
    .filter((key) => graph.get(key)?.kind === 'asset');
  const assets = await Promise.all(keys.map(async (key) => {
    const partitions = partitionsOf(key, nowMs);
    if (!partitions || input.only === undefined) return { key, partitions };
    return { key, partitions, statusRanges: await statusOf(key, partitions) };
  }));
  const plan = planBackfill(assets, { from: input.from, to: input.to, only: input.only });
  // A partition reading an earlier partition of the backfill (month_over_month reads last month's figures) needs
  // that one built first: such a backfill runs its partitions one at a time, in order.
  const inOrderBecause = earlierPartitionReader(graph, plan.assetKeys);
  const asked = checkedConcurrency(input.concurrency);
  const concurrency = inOrderBecause ? 1 : asked;
  const request = Object.fromEntries(Object.entries({ from: input.from, to: input.to, only: input.only }).filter(([, v]) => v !== undefined));
  const backfill = await deps.storage.backfills.createBackfill({
    backfillId: randomUUID(), project: definitions.project.name, selection, assetKeys: plan.assetKeys, request,
    concurrency, ranges: plan.ranges, partitionCount: plan.count, createdAt: nowMs,
  });
  return { backfill, plan, ...(inOrderBecause ? { inOrderBecause } : {}) };
}

/**
 * Why the partitions must run in order, or undefined: a selected asset reads an earlier partition of a selected
 * asset (an offset mapping onto the past).
 *
 * @example
 * earlierPartitionReader(graph, ['monthly_figures', 'month_over_month'])
 * // "asset 'month_over_month' reads earlier partitions of 'monthly_figures' (input 'previous')"
 */
export function earlierPartitionReader(graph: AssetGraph, assetKeys: readonly string[]): string | undefined {
  const selected = new Set(assetKeys);
  for (const key of assetKeys) {
    const node = graph.get(key);
    if (node?.kind !== 'asset') continue;
    const dependency = node.definition.dependencies.find((d) => selected.has(d.key) && d.partitions.kind === 'offset' && d.partitions.from < 0);
    if (dependency) return `asset '${key}' reads earlier partitions of '${dependency.key}'${dependency.input ? ` (input '${dependency.input}')` : ''}`;
  }
  return undefined;
}

/**
 * A new backfill of the partitions of `parentId` whose runs failed or were cancelled, linked to it. Throws when the
 * parent is unknown, still running, or has no failed partition.
 *
 * @example
 * const retry = await retryFailedBackfill(storage, '1a2b3c4d-…', Date.now());
 * retry.parentBackfillId // '1a2b3c4d-…'
 */
export async function retryFailedBackfill(storage: { backfills: BackfillStore }, parentId: string, nowMs: number, options: { concurrency?: number } = {}): Promise<Backfill> {
  const parent = await storage.backfills.getBackfill(parentId);
  if (!parent) throw new WeirError(`no backfill has id '${parentId}'`, { code: 'UNKNOWN_BACKFILL', hint: 'List them with `weir backfills`.' });
  if (parent.endedAt === null) {
    throw new WeirError(`backfill ${parentId.slice(0, 8)} is still ${parent.status}; its failed partitions can be re-run once it has ended`, {
      code: 'BACKFILL_NOT_ENDED', hint: `Wait for it, or cancel it first: weir backfill cancel ${parentId.slice(0, 8)}`,
    });
  }
  const failed = await storage.backfills.listPartitions(parentId, { statuses: ['FAILURE', 'CANCELED'] });
  if (failed.length === 0) {
    throw new WeirError(`backfill ${parentId.slice(0, 8)} has no failed or cancelled partition to re-run`, { code: 'BACKFILL_NOTHING_FAILED' });
  }
  const ranges = indicesToRanges(failed.map((p) => p.index));
  const backfill: NewBackfill = {
    backfillId: randomUUID(), project: parent.project, selection: parent.selection, assetKeys: parent.assetKeys,
    request: { only: 'failed' }, concurrency: checkedConcurrency(options.concurrency ?? parent.concurrency),
    ranges, partitionCount: failed.length, parentBackfillId: parent.backfillId, createdAt: nowMs,
  };
  return storage.backfills.createBackfill(backfill);
}

function checkedConcurrency(concurrency: number | undefined): number {
  if (concurrency === undefined) return DEFAULT_BACKFILL_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_BACKFILL_CONCURRENCY) {
    throw new WeirError(`a backfill's concurrency must be a whole number from 1 to ${MAX_BACKFILL_CONCURRENCY}, not ${concurrency}`, {
      code: 'BACKFILL_BAD_CONCURRENCY', hint: 'E.g. --concurrency 4: at most 4 partitions run at once.',
    });
  }
  return concurrency;
}

function selectionOf(select: string | readonly string[] | undefined): string | null {
  const text = [select ?? []].flat().join(' ').trim();
  return text === '' ? null : text;
}
