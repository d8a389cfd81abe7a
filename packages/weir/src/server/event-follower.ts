/**
 * Live event feeds read back from storage: every stored event after a cursor, then new ones as they are appended,
 * by this process or another. Storage is polled (default every 250 ms); an in-process `subscribe` only wakes the
 * poll early, so events always come from storage in id order, never twice, whoever wrote them.
 */
import { FINISHED_RUN_STATUSES, type EventRecord, type EventType, type RunStatus } from '../events/index.js';
import type { Storage } from '../storage/storage.js';
import type { ServerDeps } from './server-deps.js';

export const DEFAULT_POLL_INTERVAL_MS = 250;
/** Events read per query: a run with 100,000 log lines is sent in pages, not loaded whole. */
const PAGE_SIZE = 1000;

export interface FollowOptions {
  storage: Storage;
  /** Only events with a larger id. For the project feed, absent means "from now on". */
  afterId?: number;
  types?: EventType[];
  stepKey?: string;
  pollIntervalMs?: number;
  subscribe?: ServerDeps['subscribe'];
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/**
 * One run's events after `afterId`, then live ones, ending once the run has finished and all its events are sent.
 * The generator's return value is the run's final status (undefined if aborted or the run does not exist).
 *
 * @example
 * for await (const event of followRun(runId, { storage, afterId: 41, signal })) send(event); // ids 42, 43, …
 */
export async function* followRun(runId: string, options: FollowOptions): AsyncGenerator<EventRecord, RunStatus | undefined> {
  const { storage, signal } = options;
  const waker = new Waker(signal);
  const unsubscribe = options.subscribe?.((event) => { if (event.runId === runId) waker.wake(); });
  try {
    let cursor = options.afterId ?? 0;
    while (!signal.aborted) {
      // Status first, events second: if the run had finished when we looked, its last event is in what we read next.
      const run = await storage.runs.getRun(runId);
      if (!run) return undefined;
      for await (const event of readAfter(storage, runId, cursor, options)) {
        cursor = event.id;
        yield event;
      }
      if (FINISHED_RUN_STATUSES.includes(run.status)) return run.status;
      await waker.sleep(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    }
    return undefined;
  } finally {
    unsubscribe?.();
  }
}

/**
 * Every run's events in a project, live, for pages that show many runs (home, runs list). Never ends by itself.
 * One indexed read per poll (EventLog.eventsAfter), whatever the number of runs; resuming after id N is exact.
 *
 * @example
 * for await (const event of followProject('shop', { storage, types: ['RUN_SUCCESS', 'RUN_FAILURE'], signal })) send(event);
 */
export async function* followProject(project: string, options: FollowOptions): AsyncGenerator<EventRecord, void> {
  const { storage, signal } = options;
  const waker = new Waker(signal);
  const unsubscribe = options.subscribe?.((event) => { if (event.project === project) waker.wake(); });
  try {
    // No afterId: from now on.
    let cursor = options.afterId ?? await storage.events.lastEventId();
    while (!signal.aborted) {
      const page = await storage.events.eventsAfter(cursor, { project, types: options.types, limit: PAGE_SIZE });
      for (const event of page.events) {
        if (signal.aborted) return;
        yield event;
      }
      cursor = page.nextAfterId;
      // A full page means more are waiting: read on at once.
      if (page.events.length < PAGE_SIZE) await waker.sleep(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    }
  } finally {
    unsubscribe?.();
  }
}

async function* readAfter(storage: Storage, runId: string, afterId: number, options: FollowOptions): AsyncGenerator<EventRecord> {
  for (let cursor = afterId; !options.signal.aborted;) {
    const page = await storage.events.eventsForRun(runId, { afterId: cursor, types: options.types, stepKey: options.stepKey, limit: PAGE_SIZE });
    yield* page;
    if (page.length < PAGE_SIZE) return;
    cursor = page[page.length - 1]!.id;
  }
}

/** A sleep that ends early when woken or aborted; a wake during work is remembered, so no event waits a whole poll. */
class Waker {
  private pending = false;
  private resolve?: () => void;

  constructor(private readonly signal: AbortSignal) {}

  wake(): void {
    this.pending = true;
    this.resolve?.();
  }

  async sleep(ms: number): Promise<void> {
    if (!this.pending && !this.signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.signal.removeEventListener('abort', done);
          this.resolve = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        this.signal.addEventListener('abort', done, { once: true });
        this.resolve = done;
      });
    }
    this.pending = false;
  }
}
