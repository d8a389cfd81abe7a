// EventSink on a real SQLite store: order, bounded memory for steps that log without yielding, redaction, failures.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';
import { EventType, type EventRecord, type NewEvent } from '../events/index.js';
import { secretRedactor } from '../shared/redact.js';
import type { EventLog } from '../storage/storage.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import { EventSink, MAX_BATCH_EVENTS, MAX_BUFFERED_EVENTS } from './event-sink.js';

const LINES = 20_000;

function logLine(runId: string, message: string): NewEvent {
  return { runId, project: 'shop', type: EventType.LOG, stepKey: 'orders', timestamp: 1, message, data: { level: 'info' } };
}

function stepSuccess(runId: string): NewEvent {
  return { runId, project: 'shop', type: EventType.STEP_SUCCESS, stepKey: 'orders', timestamp: 2, message: 'orders succeeded', data: { attempt: 1, durationMs: 1 } };
}

async function withStore(test: (storage: Awaited<ReturnType<typeof openSqliteStorage>>) => Promise<void>): Promise<void> {
  const storage = await openSqliteStorage(':memory:');
  try {
    await storage.runs.createRun({ runId: 'r1', project: 'shop', trigger: 'manual', selection: null, stepKeys: ['orders'], createdAt: 1 });
    await test(storage);
  } finally {
    await storage.close();
  }
}

/** The same event log without its synchronous append, as PostgreSQL's will be. */
function withoutAppendNow(events: EventLog): EventLog {
  return Object.assign(Object.create(events) as EventLog, { appendBatchNow: undefined });
}

/** Every line stored once, in order, then the STEP_SUCCESS; listeners saw exactly what was stored. */
async function assertStoredInOrder(storage: Awaited<ReturnType<typeof openSqliteStorage>>, seen: EventRecord[], success: EventRecord): Promise<void> {
  const stored = await storage.events.eventsForRun('r1', { afterId: 1 });
  assert.equal(stored.length, LINES + 1);
  assert.deepEqual(stored.slice(0, LINES).map((e) => e.message), Array.from({ length: LINES }, (_, i) => `line ${i}`));
  for (let i = 1; i < stored.length; i++) assert.ok(stored[i]!.id > stored[i - 1]!.id);
  assert.equal(stored.at(-1)!.id, success.id, 'STEP_SUCCESS is the last event, after every line');
  assert.deepEqual(seen, stored, 'listeners get every record, in order, once stored');
}

const spillDir = mkdtempSync(join(tmpdir(), 'weir-sink-test-'));
after(() => rmSync(spillDir, { recursive: true, force: true }));
const spillFolders = () => readdirSync(spillDir).filter((name) => name.startsWith('weir-events-')).length;

describe('EventSink', () => {
  it(`stores ${LINES} lines queued without yielding as they come, on a store that appends synchronously (SQLite)`, () => withStore(async (storage) => {
    const sink = new EventSink(storage.events, undefined, { spillDir });
    const seen: EventRecord[] = [];
    sink.onEvent((record) => seen.push(record));
    for (let i = 0; i < LINES; i++) sink.enqueue(logLine('r1', `line ${i}`));
    // Nothing has yielded yet: what is stored was stored synchronously, a full memory queue at a time.
    assert.equal((await storage.events.eventsForRun('r1', { types: [EventType.LOG], limit: LINES })).length > 0, true);
    assert.equal(spillFolders(), 0, 'no spill file: the store took the lines as they came');
    const success = await sink.emit(stepSuccess('r1'));
    await sink.flush();
    await assertStoredInOrder(storage, seen, success);
    assert.ok(sink.peakBufferedEvents <= MAX_BUFFERED_EVENTS, `at most ${MAX_BUFFERED_EVENTS} events in memory (was ${sink.peakBufferedEvents})`);
  }));

  it(`stores ${LINES} lines queued without yielding through a spill file on a store without a synchronous append`, () => withStore(async (storage) => {
    const sink = new EventSink(withoutAppendNow(storage.events), undefined, { spillDir });
    const seen: EventRecord[] = [];
    sink.onEvent((record) => seen.push(record));
    for (let i = 0; i < LINES; i++) sink.enqueue(logLine('r1', `line ${i}`));
    assert.equal(spillFolders(), 1, 'lines beyond the memory bound wait in a spill file');
    const success = await sink.emit(stepSuccess('r1'));
    await sink.flush();
    await assertStoredInOrder(storage, seen, success);
    assert.ok(sink.peakBufferedEvents <= MAX_BUFFERED_EVENTS + MAX_BATCH_EVENTS, `at most ${MAX_BUFFERED_EVENTS + MAX_BATCH_EVENTS} events in memory (was ${sink.peakBufferedEvents})`);
    assert.equal(spillFolders(), 0, 'flush removes the spill file');
  }));

  it('keeps emit order when a batch is being stored as the memory queue fills: that queue waits in the spill file', () => withStore(async (storage) => {
    const events = storage.events;
    let release: () => void = () => undefined;
    let held = false;
    // The first asynchronous batch is held open, as a slow commit would be, while the step keeps logging.
    const slow = Object.assign(Object.create(events) as typeof events, {
      appendBatch: async (batch: readonly NewEvent[]) => {
        if (!held) {
          held = true;
          await new Promise<void>((resolve) => { release = resolve; });
        }
        return events.appendBatch(batch);
      },
    });
    const sink = new EventSink(slow, undefined, { spillDir });
    const seen: EventRecord[] = [];
    sink.onEvent((record) => seen.push(record));
    sink.enqueue(logLine('r1', 'line 0'));
    await new Promise((resolve) => setImmediate(resolve)); // the first batch (line 0) is now out, being stored
    for (let i = 1; i < LINES; i++) sink.enqueue(logLine('r1', `line ${i}`));
    assert.equal(spillFolders(), 1, 'a batch is out: the full queue went to the spill file, not ahead of it');
    release();
    const success = await sink.emit(stepSuccess('r1'));
    await sink.flush();
    await assertStoredInOrder(storage, seen, success);
  }));

  it('batches: a burst of lines costs a few transactions, not one per line', () => withStore(async (storage) => {
    let batches = 0;
    const events = storage.events;
    const counting = Object.assign(Object.create(events) as typeof events, {
      appendBatch: (batch: readonly NewEvent[]) => { batches++; return events.appendBatch(batch); },
    });
    const sink = new EventSink(counting);
    for (let i = 0; i < 3000; i++) sink.enqueue(logLine('r1', `line ${i}`));
    await sink.flush();
    assert.equal(batches, Math.ceil(3000 / MAX_BATCH_EVENTS));
    assert.equal((await storage.events.eventsForRun('r1', { types: [EventType.LOG] })).length, 3000);
  }));

  it('redacts secrets before anything is queued, spilled or stored', () => withStore(async (storage) => {
    const sink = new EventSink(storage.events, secretRedactor(['hunter2-very-secret']));
    for (let i = 0; i < MAX_BUFFERED_EVENTS * 2; i++) sink.enqueue(logLine('r1', `token=hunter2-very-secret #${i}`));
    await sink.flush();
    const stored = await storage.events.eventsForRun('r1', { types: [EventType.LOG] });
    assert.equal(stored.length, MAX_BUFFERED_EVENTS * 2);
    assert.ok(stored.every((e) => !e.message.includes('hunter2')), 'no stored line holds the secret');
    assert.match(stored[0]!.message, /^token=\S+ #0$/);
  }));

  it('a refused event fails its own promise and flush, and the rest of its batch is still stored', () => withStore(async (storage) => {
    const sink = new EventSink(storage.events);
    sink.enqueue(logLine('r1', 'before'));
    const refused = sink.emit({ ...logLine('r1', 'refused'), runId: null } as unknown as NewEvent);
    sink.enqueue(logLine('r1', 'after'));
    await assert.rejects(refused);
    await assert.rejects(sink.flush());
    assert.deepEqual((await storage.events.eventsForRun('r1', { types: [EventType.LOG] })).map((e) => e.message), ['before', 'after']);
  }));
});
