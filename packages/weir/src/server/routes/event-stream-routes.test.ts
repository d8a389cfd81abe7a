// Server-Sent Events: resuming from Last-Event-ID, live events while a run runs, polling when events come from
// elsewhere, the project-wide stream, and the 4xx answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../app.js';
import { eventRecordSchema, projectChangeSchema } from '../api-schemas.js';
import type { ProjectChange } from '../server-deps.js';
import { SECRET, openServerFixture, type ServerFixture } from '../server-fixture.js';

interface SseMessage { id?: string; event?: string; data: string }

/** Reads SSE messages from a response until `done` says stop (or the stream ends), then cancels the stream. */
async function readSse(response: Response, done: (messages: SseMessage[]) => boolean = () => false, timeoutMs = 10_000): Promise<SseMessage[]> {
  assert.equal(response.headers.get('content-type')?.split(';')[0], 'text/event-stream');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const messages: SseMessage[] = [];
  let buffer = '';
  const timer = setTimeout(() => void reader.cancel(new Error('timeout')), timeoutMs);
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return messages;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const message: SseMessage = { data: '' };
        let hasData = false;
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(': ');
          const text = rest.join(': ');
          if (field === 'data') { message.data += (hasData ? '\n' : '') + text; hasData = true; }
          else if (field === 'id') message.id = text;
          else if (field === 'event') message.event = text;
        }
        if (hasData) messages.push(message);
      }
      if (done(messages)) {
        await reader.cancel();
        return messages;
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

const events = (messages: SseMessage[]) => messages.filter((m) => !m.event).map((m) => eventRecordSchema.parse(JSON.parse(m.data)));

describe('event streams', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture({ pollIntervalMs: 50 }); });
  after(() => f.close());

  it('replays a finished run after Last-Event-ID, with id: on every message, then event: end', async () => {
    const stored = await f.storage.events.eventsForRun(f.runs.failed);
    const resumeAfter = stored[4]!.id;
    const messages = await readSse(await f.request(`/api/runs/${f.runs.failed}/events/stream`, { headers: { 'last-event-id': String(resumeAfter) } }));
    const sent = events(messages);
    assert.deepEqual(sent.map((e) => e.id), stored.slice(5).map((e) => e.id));
    assert.deepEqual(messages.filter((m) => !m.event).map((m) => Number(m.id)), stored.slice(5).map((e) => e.id));
    assert.deepEqual(messages.at(-1), { event: 'end', data: JSON.stringify({ runId: f.runs.failed, status: 'FAILURE' }) });
  });

  it('takes afterId when there is no Last-Event-ID (the header wins), and filters by types and step', async () => {
    const stored = await f.storage.events.eventsForRun(f.runs.ok);
    const byQuery = events(await readSse(await f.request(`/api/runs/${f.runs.ok}/events/stream?afterId=${stored.at(-3)!.id}`)));
    assert.deepEqual(byQuery.map((e) => e.id), stored.slice(-2).map((e) => e.id));
    const headerWins = events(await readSse(await f.request(`/api/runs/${f.runs.ok}/events/stream?afterId=0`, { headers: { 'last-event-id': String(stored.at(-2)!.id) } })));
    assert.deepEqual(headerWins.map((e) => e.id), [stored.at(-1)!.id]);
    const filtered = events(await readSse(await f.request(`/api/runs/${f.runs.ok}/events/stream?types=STEP_START,STEP_SUCCESS&step=orders`)));
    assert.deepEqual(filtered.map((e) => `${e.stepKey}:${e.type}`), ['orders:STEP_START', 'orders:STEP_SUCCESS']);
  });

  it('streams a running run live and ends when it finishes', async () => {
    const open = f.holdSlow();
    const { runId } = await (await f.request('/api/runs', { method: 'POST', body: JSON.stringify({ select: 'slow' }) })).json() as any;
    const response = await f.request(`/api/runs/${runId}/events/stream`);
    // While `slow` is held, the stream already has the run's start.
    const early = await readSse(response.clone(), (m) => events(m).some((e) => e.type === 'STEP_START'));
    assert.ok(events(early).some((e) => e.type === 'RUN_START'));
    assert.notEqual((await f.storage.runs.getRun(runId))!.status, 'SUCCESS');
    setTimeout(open, 100);
    const messages = await readSse(response);
    const stored = await f.storage.events.eventsForRun(runId);
    assert.deepEqual(events(messages).map((e) => e.id), stored.map((e) => e.id), 'every event once, in order');
    assert.equal(messages.at(-1)!.event, 'end');
    assert.equal(JSON.parse(messages.at(-1)!.data).status, 'SUCCESS');
  });

  it('finds events written elsewhere by polling storage (no in-process subscription)', async () => {
    const pollingOnly = createApp({ project: () => f.snapshot, storage: f.storage, pollIntervalMs: 30 });
    const open = f.holdSlow();
    const run = await f.launcher.launch({ select: 'slow', trigger: 'cli' });
    const reading = readSse(await pollingOnly.request(`/api/runs/${run.runId}/events/stream`));
    setTimeout(open, 150);
    const messages = await reading;
    await f.launcher.idle();
    assert.deepEqual(events(messages).map((e) => e.id), (await f.storage.events.eventsForRun(run.runId)).map((e) => e.id));
    assert.equal(JSON.parse(messages.at(-1)!.data).status, 'SUCCESS');
  });

  it('streams every run of the project live on /api/events/stream', async () => {
    const response = await f.request('/api/events/stream?types=RUN_START,RUN_SUCCESS,RUN_FAILURE');
    const reading = readSse(response, (m) => events(m).some((e) => e.type === 'RUN_SUCCESS'));
    await new Promise((r) => setTimeout(r, 100));
    const run = await f.runToEnd({ select: 'orders' });
    const sent = events(await reading);
    assert.deepEqual(sent.map((e) => [e.runId, e.type]), [[run.runId, 'RUN_START'], [run.runId, 'RUN_SUCCESS']], 'only new events, only the asked types');
  });

  it('resumes the project stream after Last-Event-ID', async () => {
    const okEvents = await f.storage.events.eventsForRun(f.runs.ok);
    const response = await f.request('/api/events/stream?types=RUN_FAILURE', { headers: { 'last-event-id': String(okEvents.at(-1)!.id) } });
    const sent = events(await readSse(response, (m) => m.length > 0));
    assert.equal(sent[0]!.runId, f.runs.failed);
    assert.equal(sent[0]!.type, 'RUN_FAILURE');
  });

  it('answers GET /api/runs/:id/events as a live stream when Accept asks for text/event-stream, resumable from Last-Event-ID', async () => {
    const stored = await f.storage.events.eventsForRun(f.runs.failed);
    const accept = { accept: 'text/event-stream' };
    const messages = await readSse(await f.request(`/api/runs/${f.runs.failed}/events`, { headers: accept }));
    assert.deepEqual(events(messages).map((e) => e.id), stored.map((e) => e.id));
    assert.deepEqual(messages.at(-1), { event: 'end', data: JSON.stringify({ runId: f.runs.failed, status: 'FAILURE' }) });
    const resumed = await readSse(await f.request(`/api/runs/${f.runs.failed}/events?types=LOG,RUN_FAILURE`, { headers: { ...accept, 'last-event-id': String(stored[3]!.id) } }));
    assert.deepEqual(events(resumed).map((e) => e.id), stored.slice(4).filter((e) => e.type === 'LOG' || e.type === 'RUN_FAILURE').map((e) => e.id));
    // Without that Accept header (or with JSON first), the same path answers a JSON page.
    for (const headers of [{}, { accept: 'application/json' }, { accept: '*/*' }] as Array<Record<string, string>>) {
      const page = await f.request(`/api/runs/${f.runs.failed}/events?limit=2`, { headers });
      assert.equal(page.headers.get('content-type')?.split(';')[0], 'application/json');
      assert.equal(((await page.json()) as any).events.length, 2);
    }
    const live = await f.request(`/api/runs/${f.runs.failed}/events`, { headers: { ...accept, 'last-event-id': 'x' } });
    assert.equal(live.status, 400);
    assert.equal((await f.request('/api/runs/ffffffff/events', { headers: accept })).status, 404);
  });

  it('sends the project\'s reloads on /api/events/stream, secrets masked, between run events', async () => {
    const listeners = new Set<(change: ProjectChange) => void>();
    const app = createApp({
      project: () => f.snapshot, storage: f.storage, pollIntervalMs: 30,
      subscribeProject: (listener) => { listeners.add(listener); return () => listeners.delete(listener); },
    });
    const reading = readSse(await app.request('/api/events/stream?types=RUN_FAILURE'), (m) => m.filter((x) => x.event).length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    const error = { message: `definitions/a.ts:3:1: Unexpected "}" near ${SECRET}.`, file: 'definitions/a.ts', line: 3, failedAt: 5 };
    for (const listener of listeners) listener({ type: 'project_load_failed', version: 1, error });
    for (const listener of listeners) listener({ type: 'project_reloaded', version: 2, loadedAt: 6 });
    const messages = await reading;
    assert.deepEqual(messages.map((m) => m.event), ['project_load_failed', 'project_reloaded']);
    assert.ok(messages.every((m) => m.id === undefined), 'no id: they do not move the resume point');
    const failed = projectChangeSchema.parse(JSON.parse(messages[0]!.data));
    assert.equal(failed.type === 'project_load_failed' && failed.error.line, 3);
    assert.ok(!messages[0]!.data.includes(SECRET), 'the secret is masked');
    assert.deepEqual(JSON.parse(messages[1]!.data), { type: 'project_reloaded', version: 2, loadedAt: 6 });
    for (let i = 0; i < 50 && listeners.size; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(listeners.size, 0, 'the stream unsubscribed once the client went away');
  });

  it('answers 404 to an unknown run and 400 to a bad Last-Event-ID or type', async () => {
    assert.equal((await f.request('/api/runs/ffffffff/events/stream')).status, 404);
    const bad = await f.request(`/api/runs/${f.runs.ok}/events/stream`, { headers: { 'last-event-id': 'abc' } });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json() as any).error.code, 'INVALID_LAST_EVENT_ID');
    assert.equal((await f.request('/api/events/stream?types=NOPE')).status, 400);
  });
});
