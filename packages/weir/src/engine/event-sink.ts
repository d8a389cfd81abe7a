/**
 * Where execution's events go: redacted, queued in the order they were emitted, appended to the event log in
 * batches, then handed to live listeners (the terminal, the server's streams).
 */
import type { EventRecord, NewEvent } from '../events/index.js';
import type { EventLog } from '../storage/storage.js';
import { isLevelOnly } from '../events/is-level-only.js';
import { redactDeep } from '../shared/redact.js';
import { EventSpill, type SpilledEvent } from './event-spill.js';

export type EventListener = (event: EventRecord) => void;

/** Events held in memory before they move to the spill file: a few MB, whatever the step logs. */
export const MAX_BUFFERED_EVENTS = 5000;
/** Events per EventLog.appendBatch: one transaction. */
export const MAX_BATCH_EVENTS = 1000;

/*
 * Back-pressure, and why it is a spill file. A step logs with `ctx.log.info(…)` or `console.log(…)`, which return
 * nothing to await, and may do so a million times in a loop that never yields: nothing stored can happen until it
 * does, so neither "wait for the store" nor a timer can bound memory. The choices were:
 *   - block the loop on a synchronous write to the store: only SQLite has a synchronous driver (PostgreSQL is next),
 *     and it would hold the whole process (the server of `weir dev` too) for every commit;
 *   - drop lines beyond a limit: a run's log would then not be the truth;
 *   - park them on local disk, synchronously, and store them from there as soon as the event loop is free: works
 *     for every backend, costs a sequential write and read per parked line, and memory stays bounded by
 *     MAX_BUFFERED_EVENTS + MAX_BATCH_EVENTS + one read chunk.
 * Weir does the last, with one shortcut where the store allows it: when the memory queue is full and nothing older is
 * waiting elsewhere, a store with a synchronous append (SQLite: EventLog.appendBatchNow) commits the queue there and
 * then, one transaction of MAX_BUFFERED_EVENTS lines, which the loop pays for as it logs (a commit every 5,000
 * lines, not every line); the spill file is for the other cases (another batch in flight, PostgreSQL). A step that
 * yields (awaits a query, a file, a timer) lets batches drain as it goes and never touches the disk. Order is kept across the three places an event can wait: the batch being stored is older than
 * the spill file, which is older than the memory queue (the queue moves to the file's end whole, and is read from
 * only while the file is empty).
 */

/**
 * Stores a run's events in emit order: a step's log lines before its STEP_SUCCESS, everything committed by the time
 * flush() resolves. Secrets are redacted before an event is queued, so none reaches memory queues, disk or storage.
 *
 * @example
 * const sink = new EventSink(storage.events, redact);
 * for (let i = 0; i < 1_000_000; i++) sink.enqueue(logLine(i)); // returns at once; memory stays bounded
 * const success = await sink.emit(stepSuccess);                 // committed after every line above
 * await sink.flush();                                           // throws the first storage error, if any
 */
export class EventSink {
  private readonly listeners = new Set<EventListener>();
  private queue: SpilledEvent[] = [];
  private readonly spill: EventSpill;
  private readonly waiters = new Map<number, { resolve: (record: EventRecord) => void; reject: (error: unknown) => void }>();
  private nextTag = 1;
  private draining: Promise<void> | undefined;
  private scheduled: NodeJS.Immediate | undefined;
  private firstError: unknown;
  /** Events in the batch being stored. */
  private storing = 0;
  /** Whether a batch is being read back from the spill file. */
  private readingSpill = false;
  private peak = 0;

  /** `options.spillDir`: where lines beyond the memory bound wait (default: the OS temp folder). */
  constructor(private readonly log: EventLog, private readonly redact: (text: string) => string = (t) => t, options: { spillDir?: string } = {}) {
    this.spill = new EventSpill(options.spillDir);
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The most events this sink has held in memory at once (queue and batch being stored), for tests and benchmarks. */
  get peakBufferedEvents(): number {
    return this.peak;
  }

  /**
   * Queues the event behind every earlier one and starts storing at once; resolves once it is committed (the
   * step's own events, whose id or commit the executor waits for).
   */
  emit(event: NewEvent): Promise<EventRecord> {
    const tag = this.nextTag++;
    const committed = new Promise<EventRecord>((resolve, reject) => this.waiters.set(tag, { resolve, reject }));
    this.push({ event: this.redacted(event), tag });
    this.startDrain();
    return committed;
  }

  /**
   * Queues the event behind every earlier one without a promise: for log lines, which nobody waits for. Stored at
   * the next turn of the event loop, with whatever else was queued by then; a failure surfaces through flush().
   */
  enqueue(event: NewEvent): void {
    this.push({ event: this.redacted(event), tag: 0 });
    // setImmediate, not now: a burst of lines from code that does not yield goes into one batch.
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      this.startDrain();
    });
  }

  /** Waits until every queued event is stored; throws the first storage error, if any. */
  async flush(): Promise<void> {
    while (this.draining || this.queue.length || !this.spill.isEmpty) {
      this.startDrain();
      await this.draining;
    }
    this.spill.close();
    if (this.firstError) throw this.firstError;
  }

  private redacted(event: NewEvent): NewEvent {
    // A log line's `{ level }` holds Weir's own words only, and it is frozen or fresh: kept as it is (a deep copy
    // per line cost more than the line's insert). Built field by field: a spread copy per line costs as much again.
    const data = isLevelOnly(event.data) ? event.data : redactDeep(event.data, this.redact);
    return {
      runId: event.runId, project: event.project, type: event.type, stepKey: event.stepKey, timestamp: event.timestamp,
      message: this.redact(event.message), data,
    } as NewEvent;
  }

  private push(entry: SpilledEvent): void {
    this.queue.push(entry);
    if (this.queue.length + this.storing > this.peak) this.peak = this.queue.length + this.storing;
    if (this.queue.length >= MAX_BUFFERED_EVENTS) {
      if (!this.storeNow()) this.spill.write(this.queue);
      this.queue = [];
    }
  }

  /**
   * Stores the whole memory queue synchronously if the store can (EventLog.appendBatchNow) and nothing older waits
   * elsewhere: no batch out being stored or read back, nothing in the spill file. Then the queue holds the oldest
   * events, and storing them now keeps emit order.
   */
  private storeNow(): boolean {
    if (!this.log.appendBatchNow || this.storing || this.readingSpill || !this.spill.isEmpty) return false;
    const batch = this.queue;
    const records = this.log.appendBatchNow(batch.map((entry) => entry.event));
    if (!records) return false;
    for (let i = 0; i < batch.length; i++) this.settle(batch[i]!, records[i]!);
    return true;
  }

  private startDrain(): void {
    if (this.draining) return;
    // The finally runs after drain() has returned, never within it: a new event that arrived as the last batch
    // was being stored starts the next drain.
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length || !this.spill.isEmpty) this.startDrain();
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      let batch: SpilledEvent[];
      if (this.spill.isEmpty) {
        batch = this.queue.splice(0, MAX_BATCH_EVENTS);
      } else {
        // Out of the file and not yet being stored: storeNow() must wait, or newer events would get lower ids.
        this.readingSpill = true;
        try {
          batch = await this.spill.read(MAX_BATCH_EVENTS);
        } finally {
          this.readingSpill = false;
        }
      }
      if (!batch.length) return;
      // store() sets `storing` before its first await: no gap in which a batch is in hand but not marked.
      await this.store(batch);
    }
  }

  private async store(batch: SpilledEvent[]): Promise<void> {
    this.storing = batch.length;
    try {
      await this.storeBatch(batch);
    } finally {
      this.storing = 0;
    }
  }

  private async storeBatch(batch: SpilledEvent[]): Promise<void> {
    let records: EventRecord[];
    try {
      records = await this.log.appendBatch(batch.map((entry) => entry.event));
    } catch {
      // One bad event must not take its batch with it: store them one by one, and keep what can be kept.
      for (const entry of batch) {
        try {
          this.settle(entry, await this.log.append(entry.event));
        } catch (error) {
          this.firstError ??= error;
          this.waiters.get(entry.tag)?.reject(error);
          this.waiters.delete(entry.tag);
        }
      }
      return;
    }
    batch.forEach((entry, i) => this.settle(entry, records[i]!));
  }

  private settle(entry: SpilledEvent, record: EventRecord): void {
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        // A broken display must not break the run.
      }
    }
    if (entry.tag) {
      this.waiters.get(entry.tag)?.resolve(record);
      this.waiters.delete(entry.tag);
    }
  }
}
