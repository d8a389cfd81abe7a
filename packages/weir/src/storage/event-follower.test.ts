// EventFollower on a real SQLite store: many clients of a run share one reader, a slow client is cut off the shared
// feed and catches up from storage by itself, a late client gets the history first, and a feed stops with its last client.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventType, type EventRecord, type NewEvent } from '../events/index.js';
import { openSqliteStorage, type SqliteStorage } from './sqlite/sqlite-storage.js';
import { EventFollower, MAX_CLIENT_QUEUE } from './event-follower.js';

const POLL_MS = 20;
const line = (runId: string, i: number): NewEvent => ({ runId, project: 'shop', type: EventType.LOG, stepKey: 'orders', timestamp: i, message: `line ${i}`, data: { level: 'info' } });
const runEnd = (runId: string): NewEvent => ({ runId, project: 'shop', type: EventType.RUN_SUCCESS, stepKey: null, timestamp: 9, message: 'done', data: { durationMs: 1, succeeded: [], failed: [], skipped: [] } });

/** Counts the store's reads of a run's events: what the feed must share. */
function countReads(storage: SqliteStorage): { eventsForRun: number; getRun: number } {
  const counts = { eventsForRun: 0, getRun: 0 };
  const eventsForRun = storage.events.eventsForRun.bind(storage.events);
  const getRun = storage.runs.getRun.bind(storage.runs);
  storage.events.eventsForRun = (...args) => { counts.eventsForRun++; return eventsForRun(...args); };
  storage.runs.getRun = (...args) => { counts.getRun++; return getRun(...args); };
  return counts;
}

async function collect(feed: AsyncGenerator<EventRecord, unknown>): Promise<{ events: EventRecord[]; status: unknown }> {
  const events: EventRecord[] = [];
  for (;;) {
    const next = await feed.next();
    if (next.done) return { events, status: next.value };
    events.push(next.value);
  }
}

describe('EventFollower', () => {
  let storage: SqliteStorage;
  before(async () => { storage = await openSqliteStorage(':memory:'); });
  after(() => storage.close());

  async function newRun(runId: string): Promise<void> {
    await storage.runs.createRun({ runId, project: 'shop', trigger: 'manual', selection: null, stepKeys: ['orders'], createdAt: 1 });
    await storage.events.append({ runId, project: 'shop', type: EventType.RUN_START, stepKey: null, timestamp: 2, message: 'started', data: { stepKeys: ['orders'], concurrency: 1 } });
  }

  it('50 clients of a running run cost one read per poll, and each gets every event once, in order', async () => {
    await newRun('shared');
    const follower = new EventFollower({ storage, pollIntervalMs: POLL_MS });
    const counts = countReads(storage);
    try {
      const controller = new AbortController();
      const clients = Array.from({ length: 50 }, () => collect(follower.followRun('shared', { signal: controller.signal })));
      // Written as another process would (no subscribe): the feed finds them by polling.
      for (let i = 0; i < 30; i++) {
        await storage.events.append(line('shared', i));
        if (i % 10 === 9) await sleep(POLL_MS * 2);
      }
      await storage.events.append(runEnd('shared'));
      const results = await Promise.all(clients);
      const stored = await storage.events.eventsForRun('shared');
      for (const result of results) {
        assert.equal(result.status, 'SUCCESS');
        assert.deepEqual(result.events.map((e) => e.id), stored.map((e) => e.id));
      }
      assert.equal(follower.activeFeeds, 0, 'the feed stopped with the run');
      // One getRun per poll and one events read per poll (plus a page read or two), not 50 of each.
      assert.ok(counts.getRun < 40, `${counts.getRun} status reads`);
      assert.ok(counts.eventsForRun <= counts.getRun + 2, `${counts.eventsForRun} event reads for ${counts.getRun} polls`);
    } finally {
      Object.assign(storage.events, { eventsForRun: Object.getPrototypeOf(storage.events).eventsForRun });
      Object.assign(storage.runs, { getRun: Object.getPrototypeOf(storage.runs).getRun });
    }
  });

  it('a client that stops reading holds at most a bounded queue, then catches up from storage, in order', async () => {
    await newRun('slow');
    const follower = new EventFollower({ storage, pollIntervalMs: POLL_MS });
    const controller = new AbortController();
    const fast = collect(follower.followRun('slow', { signal: controller.signal }));
    const slow = follower.followRun('slow', { signal: controller.signal });
    const first = await slow.next(); // RUN_ENQUEUED: then it reads nothing for a while
    let peak = 0;
    for (let i = 0; i < 3 * MAX_CLIENT_QUEUE; i += 250) {
      await storage.events.appendBatch(Array.from({ length: 250 }, (_, j) => line('slow', i + j)));
      await sleep(POLL_MS * 2);
      peak = Math.max(peak, follower.queuedEvents);
    }
    assert.ok(peak <= 2 * MAX_CLIENT_QUEUE + 250, `queued events stay bounded (peak ${peak})`);
    await storage.events.append(runEnd('slow'));
    const rest = await collect(slow);
    const stored = await storage.events.eventsForRun('slow');
    assert.equal(rest.status, 'SUCCESS');
    assert.deepEqual([first.value as EventRecord, ...rest.events].map((e) => e.id), stored.map((e) => e.id), 'the slow client missed nothing');
    assert.deepEqual((await fast).events.map((e) => e.id), stored.map((e) => e.id), 'the fast one was not held back');
  });

  it('a client that comes late gets the history first, then live events; the feed stops with its last client', async () => {
    await newRun('late');
    const follower = new EventFollower({ storage, pollIntervalMs: POLL_MS });
    const first = new AbortController();
    const early = follower.followRun('late', { signal: first.signal });
    await early.next();
    await storage.events.appendBatch(Array.from({ length: 2500 }, (_, i) => line('late', i)));
    await sleep(POLL_MS * 3);
    const second = new AbortController();
    const late = collect(follower.followRun('late', { afterId: 0, signal: second.signal }));
    await sleep(POLL_MS * 2);
    await storage.events.append(line('late', 2500));
    await storage.events.append(runEnd('late'));
    const stored = await storage.events.eventsForRun('late');
    assert.deepEqual((await late).events.map((e) => e.id), stored.map((e) => e.id));
    assert.equal(follower.activeFeeds, 0, 'the run ended: so did its feed');
    first.abort();
    await early.return(undefined);

    await newRun('left');
    const client = new AbortController();
    const leaving = follower.followRun('left', { signal: client.signal });
    await leaving.next();
    assert.equal(follower.activeFeeds, 1);
    client.abort();
    await leaving.return(undefined);
    await sleep(POLL_MS * 3);
    assert.equal(follower.activeFeeds, 0, 'the last client left: the feed stopped reading');
  });
});
