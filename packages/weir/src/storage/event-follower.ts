/**
 * Live event feeds read back from storage (shared by the server's live streams, the scheduler and the notifier): every stored event after a cursor, then new ones as they are appended,
 * by this process or another. One reader per run (or project) and filter, shared by every client following it:
 * N clients cost one read of the event log per poll, not N. Storage is polled (default every 250 ms); an in-process
 * `subscribe` only wakes the poll early, so events always come from storage in id order, never twice.
 */
import { FINISHED_RUN_STATUSES, type EventRecord, type EventType, type RunStatus } from '../events/index.js';
import type { Storage } from './storage.js';

export const DEFAULT_POLL_INTERVAL_MS = 250;
/** Events read per query: a run with 100,000 log lines is sent in pages, not loaded whole. */
const PAGE_SIZE = 1000;
/**
 * Events a client may have waiting before it is cut off the shared feed. A slow client (a stalled tab, a slow
 * network) then reads on from storage by itself, page by page, and rejoins when it has caught up: its memory stays
 * bounded, and it never holds back the feed or the other clients.
 */
export const MAX_CLIENT_QUEUE = PAGE_SIZE;

export interface EventFollowerOptions {
  storage: Storage;
  pollIntervalMs?: number;
  /**
   * Events appended in this process, as they are committed (the in-process launcher's subscribe): they only wake the
   * poll early. Returns the unsubscribe function.
   */
  subscribe?: (listener: (event: EventRecord) => void) => () => void;
}

export interface FollowQuery {
  /** Only events with a larger id. For the project feed, absent means "from now on". */
  afterId?: number;
  types?: EventType[];
  stepKey?: string;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/**
 * The shared readers of one process (the server's streams, automation loops). A feed starts with its first client and
 * stops with its last.
 *
 * @example
 * const follower = new EventFollower({ storage, subscribe });
 * for await (const event of follower.followRun(runId, { afterId: 41, signal })) send(event); // ids 42, 43, …
 * // 200 clients of that run: still one eventsForRun per poll
 */
export class EventFollower {
  private readonly feeds = new Map<string, SharedFeed>();

  constructor(private readonly options: EventFollowerOptions) {}

  /** Readers running now (one per run or project and filter): for tests and benchmarks. */
  get activeFeeds(): number {
    return this.feeds.size;
  }

  /** Events waiting in clients' queues, over all feeds: bounded by MAX_CLIENT_QUEUE (plus a page) per client. */
  get queuedEvents(): number {
    let total = 0;
    for (const feed of this.feeds.values()) total += feed.queuedEvents;
    return total;
  }

  /**
   * One run's events after `afterId`, then live ones, ending once the run has finished and all its events are sent.
   * The generator's return value is the run's final status (undefined if aborted or the run does not exist).
   */
  followRun(runId: string, query: FollowQuery): AsyncGenerator<EventRecord, RunStatus | undefined> {
    const afterId = query.afterId ?? 0;
    const feed = this.feed({ kind: 'run', id: runId }, query, afterId);
    return feed.follow(feed.join(query.signal), afterId, query.signal);
  }

  /**
   * Every run's events in a project, live, for pages that show many runs (home, runs list). Never ends by itself.
   * One indexed read per poll (EventLog.eventsAfter), whatever the number of runs and clients.
   */
  async *followProject(project: string, query: FollowQuery): AsyncGenerator<EventRecord, void> {
    // No afterId: from now on.
    const afterId = query.afterId ?? await this.options.storage.events.lastEventId();
    // Joined in the same turn as the feed is looked up: a feed found open cannot close before this client is in.
    const feed = this.feed({ kind: 'project', id: project }, { ...query, stepKey: undefined }, afterId);
    yield* feed.follow(feed.join(query.signal), afterId, query.signal);
  }

  private feed(scope: FeedScope, query: FollowQuery, afterId: number): SharedFeed {
    const filter = { types: query.types ? [...new Set(query.types)].sort() : undefined, stepKey: query.stepKey };
    const key = JSON.stringify([scope.kind, scope.id, filter.types ?? null, filter.stepKey ?? null]);
    let feed = this.feeds.get(key);
    if (!feed) {
      feed = new SharedFeed(scope, filter, afterId, this.options, () => this.feeds.delete(key));
      this.feeds.set(key, feed);
    }
    return feed;
  }
}

interface FeedScope { kind: 'run' | 'project'; id: string }
interface FeedFilter { types?: EventType[]; stepKey?: string }

/** One client of a feed: what the feed handed it and has not been sent yet. */
interface Subscriber {
  queue: EventRecord[];
  /** Set when its queue overflowed: the feed stops filling it until the client has caught up from storage. */
  detached: boolean;
  /** The feed hands it only events after this id (what came before, the client reads itself). */
  floor: number;
  ended: boolean;
  status?: RunStatus;
  /** Why the feed ended, if storage failed: the client's stream ends with it. */
  error?: unknown;
  wake(): void;
  /** The client's generator is waiting on this. */
  waiting?: () => void;
}

/**
 * One reader of the event log for one run (or project) and filter, fanning each page out to its subscribers.
 * "Status first, events second": if the run had finished when the feed looked, its last event is in what it reads next.
 */
class SharedFeed {
  private readonly subscribers = new Set<Subscriber>();
  /** Every matching event up to here has been read and handed out. */
  private cursor: number;
  private readonly waker = new Waker();
  private running = false;
  private closed = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly scope: FeedScope,
    private readonly filter: FeedFilter,
    startAfter: number | undefined,
    private readonly options: EventFollowerOptions,
    private readonly onClose: () => void,
  ) {
    this.cursor = startAfter ?? 0;
  }

  get queuedEvents(): number {
    let total = 0;
    for (const subscriber of this.subscribers) total += subscriber.queue.length;
    return total;
  }

  /** Adds a client (at once, so the feed cannot close before it is in); it leaves when `signal` aborts or its generator ends. */
  join(signal: AbortSignal): Subscriber {
    const subscriber: Subscriber = {
      queue: [], detached: false, floor: this.cursor, ended: false,
      wake: () => {
        const waiting = subscriber.waiting;
        subscriber.waiting = undefined;
        waiting?.();
      },
    };
    this.subscribers.add(subscriber);
    signal.addEventListener('abort', () => this.leave(subscriber), { once: true });
    this.start();
    return subscriber;
  }

  private leave(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
    subscriber.wake();
    // The poll loop notices at its next turn; waking it makes that now.
    if (!this.subscribers.size) this.waker.wake();
  }

  async *follow(subscriber: Subscriber, afterId: number, signal: AbortSignal): AsyncGenerator<EventRecord, RunStatus | undefined> {
    let sent = afterId;
    try {
      // What the feed had read before this client came: from storage, by this client alone (once).
      if (subscriber.floor > sent) {
        for await (const event of this.readRange(sent, subscriber.floor, signal)) {
          yield event;
          sent = event.id;
        }
        sent = Math.max(sent, subscriber.floor);
      }
      while (!signal.aborted) {
        if (subscriber.detached) {
          // Fell behind: catch up from storage to where the feed is now, then take its events again.
          const upTo = this.cursor;
          subscriber.queue = [];
          subscriber.floor = upTo;
          subscriber.detached = false;
          for await (const event of this.readRange(sent, upTo, signal)) {
            yield event;
            sent = event.id;
          }
          sent = Math.max(sent, upTo);
          continue;
        }
        const next = subscriber.queue.shift();
        if (next) {
          if (next.id > sent) {
            yield next;
            sent = next.id;
          }
          continue;
        }
        if (subscriber.ended) {
          if (subscriber.error) throw subscriber.error;
          return subscriber.status;
        }
        await new Promise<void>((resolve) => {
          subscriber.waiting = resolve;
          if (signal.aborted || subscriber.queue.length || subscriber.detached || subscriber.ended) subscriber.wake();
        });
      }
      return undefined;
    } finally {
      this.leave(subscriber);
    }
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    const { subscribe } = this.options;
    this.unsubscribe = subscribe?.((event) => {
      if (this.scope.kind === 'run' ? event.runId === this.scope.id : event.project === this.scope.id) this.waker.wake();
    });
    void this.poll().catch((error: unknown) => this.end(undefined, error));
  }

  private async poll(): Promise<void> {
    const { storage } = this.options;
    while (!this.closed) {
      if (!this.subscribers.size) return this.end(undefined);
      let status: RunStatus | undefined;
      if (this.scope.kind === 'run') {
        const run = await storage.runs.getRun(this.scope.id);
        if (!run) return this.end(undefined);
        status = run.status;
      }
      let full = true;
      while (full && this.subscribers.size) {
        const page = await this.readPage(this.cursor);
        this.cursor = page.nextAfterId;
        this.handOut(page.events);
        full = page.full;
      }
      if (status && FINISHED_RUN_STATUSES.includes(status)) return this.end(status);
      await this.waker.sleep(this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    }
  }

  private handOut(events: EventRecord[]): void {
    if (!events.length) return;
    for (const subscriber of this.subscribers) {
      if (subscriber.detached) continue;
      for (const event of events) if (event.id > subscriber.floor) subscriber.queue.push(event);
      if (subscriber.queue.length > MAX_CLIENT_QUEUE) {
        subscriber.queue = [];
        subscriber.detached = true;
      }
      subscriber.wake();
    }
  }

  /** Ends the feed: its clients send what they have, then end (with the run's status). A storage error ends them too. */
  private end(status: RunStatus | undefined, error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    this.unsubscribe?.();
    for (const subscriber of this.subscribers) {
      subscriber.ended = true;
      subscriber.status = status;
      subscriber.error = error;
      subscriber.wake();
    }
  }

  private async readPage(afterId: number): Promise<{ events: EventRecord[]; nextAfterId: number; full: boolean }> {
    const { storage } = this.options;
    if (this.scope.kind === 'run') {
      const events = await storage.events.eventsForRun(this.scope.id, { afterId, types: this.filter.types, stepKey: this.filter.stepKey, limit: PAGE_SIZE });
      return { events, nextAfterId: events.length ? events[events.length - 1]!.id : afterId, full: events.length === PAGE_SIZE };
    }
    const page = await storage.events.eventsAfter(afterId, { project: this.scope.id, types: this.filter.types, limit: PAGE_SIZE });
    return { events: page.events, nextAfterId: page.nextAfterId, full: page.events.length === PAGE_SIZE };
  }

  /** Matching events with afterId < id <= upTo, read by one client for itself. */
  private async *readRange(afterId: number, upTo: number, signal: AbortSignal): AsyncGenerator<EventRecord> {
    for (let cursor = afterId; cursor < upTo && !signal.aborted;) {
      const page = await this.readPage(cursor);
      for (const event of page.events) if (event.id <= upTo) yield event;
      if (!page.full) return;
      cursor = page.nextAfterId;
    }
  }
}

/** A sleep that ends early when woken; a wake during work is remembered, so no event waits a whole poll. */
class Waker {
  private pending = false;
  private resolve?: () => void;

  wake(): void {
    this.pending = true;
    this.resolve?.();
  }

  async sleep(ms: number): Promise<void> {
    if (!this.pending) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        const self = this;
        function done() {
          clearTimeout(timer);
          self.resolve = undefined;
          resolve();
        }
        this.resolve = done;
      });
    }
    this.pending = false;
  }
}
