/** What the server and the CLI call to start backfills: planning lives here (scheduler/), not in the server. */
import type { BackfillRequestInput, RequestBackfillDeps } from './request-backfill.js';
import { requestBackfill, retryFailedBackfill } from './request-backfill.js';

/**
 * Starts backfills: the loop (backfill-loop.ts) then launches their runs. The server sees this interface only
 * (ServerDeps.backfills), as it sees RunLauncher for runs.
 *
 * @example
 * const control = backfillControl({ project, storage });
 * await control.request({ select: 'revenue', from: '2025-01', to: '2025-06', concurrency: 2 }) // { backfillId: '1a2b…', partitionCount: 6, … }
 * await control.retryFailed('1a2b…') // { backfillId: '9f8e…', partitionCount: 1, … } (parent 1a2b…)
 */
export interface BackfillControl {
  request(input: BackfillRequestInput): Promise<BackfillStarted>;
  retryFailed(backfillId: string, options?: { concurrency?: number }): Promise<BackfillStarted>;
}

export interface BackfillStarted {
  backfillId: string;
  partitionCount: number;
  assetKeys: string[];
  /** Selected assets without partitions: not part of the backfill's runs. */
  unpartitionedAssetKeys: string[];
}

/** The control over a project and its store; `now` is the clock (default Date.now); `onRequested` wakes the loop. */
export function backfillControl(deps: RequestBackfillDeps & { now?: () => number; onRequested?: (backfillId: string) => void }): BackfillControl {
  const now = deps.now ?? Date.now;
  return {
    async request(input) {
      const { backfill, plan } = await requestBackfill(deps, input, now());
      deps.onRequested?.(backfill.backfillId);
      return { backfillId: backfill.backfillId, partitionCount: backfill.partitionCount, assetKeys: backfill.assetKeys, unpartitionedAssetKeys: plan.unpartitionedAssetKeys };
    },
    async retryFailed(backfillId, options) {
      const backfill = await retryFailedBackfill(deps.storage, backfillId, now(), options);
      deps.onRequested?.(backfill.backfillId);
      return { backfillId: backfill.backfillId, partitionCount: backfill.partitionCount, assetKeys: backfill.assetKeys, unpartitionedAssetKeys: [] };
    },
  };
}
