/** The queue of `max_concurrent_runs`: at most that many runs execute at once, the others wait QUEUED, first come first served. */
import type { AdmitDecision } from './launch-run.js';

/**
 * Slots for runs of one process. A run asks admit() once it is recorded; it starts when a slot is free, in the order
 * runs asked. The limit is read at each decision, so a reloaded weir.yaml applies to the next run that asks or ends.
 *
 * @example
 * const slots = new RunSlots(() => 1);
 * await slots.admit('a', signal) // 'start' at once
 * const b = slots.admit('b', signal); // waits: slots.queued() is ['b']
 * slots.release('a')               // b resolves 'start'
 */
export class RunSlots {
  private readonly started = new Set<string>();
  private readonly waiting: Array<{ runId: string; resolve: (decision: AdmitDecision) => void }> = [];
  private isClosed = false;

  /** `limit`: undefined means no limit. */
  constructor(private readonly limit: () => number | undefined) {}

  /** Resolves 'start' when the run may start, 'cancel' when `signal` aborts while it waits, 'leave' once closed. */
  admit(runId: string, signal: AbortSignal): Promise<AdmitDecision> {
    if (signal.aborted) return Promise.resolve('cancel');
    if (this.isClosed) return Promise.resolve('leave');
    if (this.waiting.length === 0 && this.hasFreeSlot()) {
      this.started.add(runId);
      return Promise.resolve('start');
    }
    return new Promise<AdmitDecision>((resolve) => {
      const entry = {
        runId,
        resolve: (decision: AdmitDecision) => {
          signal.removeEventListener('abort', onAbort);
          resolve(decision);
        },
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
        entry.resolve('cancel');
      };
      signal.addEventListener('abort', onAbort);
      this.waiting.push(entry);
    });
  }

  /** A started run ended: its slot goes to the first run waiting. */
  release(runId: string): void {
    if (!this.started.delete(runId)) return;
    this.startWaiting();
  }

  /** The process is stopping: runs still waiting stay QUEUED (their admit resolves 'leave'); no new run starts. */
  close(): void {
    this.isClosed = true;
    for (const entry of this.waiting.splice(0)) entry.resolve('leave');
  }

  /** Runs waiting, first to start first. */
  queued(): string[] {
    return this.waiting.map((w) => w.runId);
  }

  running(): string[] {
    return [...this.started];
  }

  private hasFreeSlot(): boolean {
    const limit = this.limit();
    return limit === undefined || this.started.size < limit;
  }

  private startWaiting(): void {
    while (!this.isClosed && this.waiting.length > 0 && this.hasFreeSlot()) {
      const next = this.waiting.shift()!;
      this.started.add(next.runId);
      next.resolve('start');
    }
  }
}
