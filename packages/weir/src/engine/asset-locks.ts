/**
 * Locks on assets, one set per warehouse: overlapping runs in the process that owns the warehouse take turns on the
 * assets they share, first come first served, instead of failing with DuckDB's "write-write conflict".
 */

/** What a waiting run is told: which run holds the asset now. Called again each time the holder changes. */
export type OnLockWait = (holderRunId: string) => void;

/** Thrown by `acquire` when its signal aborts while it waits: the caller was cancelled, it holds nothing. */
export class LockWaitAborted extends Error {
  constructor(readonly lockKey: string, readonly holderRunId: string | undefined) {
    super(`stopped waiting for ${lockKey}${holderRunId ? ` (held by run ${holderRunId})` : ''}`);
    this.name = 'LockWaitAborted';
  }
}

interface Entry {
  runId: string;
  grant: () => void;
  onWait?: OnLockWait;
}

/**
 * The key a lock is taken under. Only the asset today; a partition joins it when partitions exist, so two runs of
 * different partitions of one asset do not wait for each other.
 *
 * @example
 * assetLockKey('sales/orders') // 'sales/orders'
 * assetLockKey('sales/orders', '2026-12-01') // 'sales/orders[2026-12-01]'
 */
export function assetLockKey(assetKey: string, partition?: string): string {
  return partition === undefined ? assetKey : `${assetKey}[${partition}]`;
}

/**
 * First-come-first-served locks by key, held by run id. The first entry of a key's queue holds it.
 *
 * @example
 * const locks = new AssetLocks();
 * const release = await locks.acquire('orders', runA);            // immediately: nobody holds it
 * const waiting = locks.acquire('orders', runB, { onWait: (holder) => log(`waiting for run ${holder}`) });
 * // onWait(runA) is called; `waiting` resolves once runA releases
 * release();
 * (await waiting)();
 */
export class AssetLocks {
  private readonly queues = new Map<string, Entry[]>();

  /** The run holding `lockKey`, if any. */
  holder(lockKey: string): string | undefined {
    return this.queues.get(lockKey)?.[0]?.runId;
  }

  /** Resolves with a release function (safe to call twice) once `runId` holds `lockKey`. */
  acquire(lockKey: string, runId: string, options: { signal?: AbortSignal; onWait?: OnLockWait } = {}): Promise<() => void> {
    const { signal, onWait } = options;
    if (signal?.aborted) return Promise.reject(new LockWaitAborted(lockKey, this.holder(lockKey)));
    let queue = this.queues.get(lockKey);
    if (!queue) this.queues.set(lockKey, (queue = []));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const at = queue!.indexOf(entry);
        // Granted in the meantime: the grant wins, the caller sees the abort at its next step and releases.
        if (at <= 0) return;
        queue!.splice(at, 1);
        reject(new LockWaitAborted(lockKey, this.holder(lockKey)));
      };
      const entry: Entry = {
        runId, onWait,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser(lockKey, entry));
        },
      };
      queue!.push(entry);
      if (queue!.length === 1) return entry.grant();
      signal?.addEventListener('abort', onAbort, { once: true });
      onWait?.(queue![0]!.runId);
    });
  }

  private releaser(lockKey: string, entry: Entry): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.queues.get(lockKey)!;
      queue.splice(queue.indexOf(entry), 1);
      if (!queue.length) {
        this.queues.delete(lockKey);
        return;
      }
      const next = queue[0]!;
      next.grant();
      for (const waiting of queue.slice(1)) waiting.onWait?.(next.runId);
    };
  }
}

// Keyed by the warehouse object the runs are given: one per open warehouse in this process (DuckDB lets one process
// write a file, so this process is the only one that needs to know). Weak, so a closed warehouse takes its locks along.
const registry = new WeakMap<object, AssetLocks>();

/**
 * The locks of one warehouse instance, created on first use.
 *
 * @example
 * const release = await assetLocksFor(warehouse).acquire(assetLockKey('orders'), runId, { signal });
 */
export function assetLocksFor(warehouse: object): AssetLocks {
  let locks = registry.get(warehouse);
  if (!locks) registry.set(warehouse, (locks = new AssetLocks()));
  return locks;
}
