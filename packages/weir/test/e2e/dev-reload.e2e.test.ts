// `weir dev` reloads the definitions when project files change: a broken file shows as the project's loadError
// (file and line, live on the event stream) while the server goes on answering with the last good definitions;
// fixing it swaps the new definitions in, and a run launched then uses them (with a `path:` selection).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnWeir, TempDirs, weir } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());


/** Polls `read` until `done` holds (or fails after `timeoutMs` with the last value). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

/** The named SSE events (`event: …`) of a stream, collected until `stop` is called. */
function collectNamedEvents(response: Response): { events: Array<{ event: string; data: any }>; stop: () => Promise<void> } {
  const events: Array<{ event: string; data: any }> = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const done = (async () => {
    for (;;) {
      const { value, done: ended } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (ended) return;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  })();
  return { events, stop: async () => { await reader.cancel().catch(() => undefined); await done; } };
}

const BROKEN = `import { asset } from 'weir';

export const extra = asset({ key: 'extra' }, () => 'select 1 as x' +);
`;
const THROWS = `import { asset } from 'weir';

const rows = JSON.parse('{not json');
export const extra = asset({ key: 'extra' }, () => rows);
`;
const FIXED = `import { asset } from 'weir';

export const extra = asset({ key: 'extra', group: 'added' }, () => 'select 42 as answer');
`;

describe('weir dev reloads definitions on change', () => {
  let dev: ChildProcessWithoutNullStreams;
  let base: string;
  let project: string;
  let output = '';
  let exited: Promise<number | null>;
  const api = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${base}${path}`, init);
    return { status: response.status, body: await response.json() as any };
  };

  before(async () => {
    project = join(temp.make(), 'p');
    assert.equal((await weir(['init', project])).code, 0);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    dev = spawnWeir(['dev', project, '--port', String(port)]);
    dev.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    dev.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    exited = new Promise((resolve) => dev.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 150 && !output.includes('serving'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(output, /serving/, output);
  });

  after(async () => {
    dev.kill('SIGINT');
    assert.equal(await exited, 0, output);
  });

  it('shows a syntax error with its file and line, keeps serving, then swaps in the fixed definitions', async () => {
    const first = await api('/api/project');
    assert.equal(first.status, 200);
    assert.equal(first.body.version, 1);
    assert.equal(first.body.loadError, null);
    const assetsBefore = (await api('/api/assets')).body.assets.map((a: { key: string }) => a.key);
    const stream = collectNamedEvents(await fetch(`${base}/api/events/stream`, { headers: { accept: 'text/event-stream' } }));

    writeFileSync(join(project, 'definitions/extra.ts'), BROKEN);
    const failed = await until(() => api('/api/project'), (r) => r.body.loadError !== null);
    assert.equal(failed.status, 200);
    assert.equal(failed.body.version, 1, 'still the first definitions');
    assert.equal(failed.body.loadError.file, 'definitions/extra.ts');
    assert.equal(failed.body.loadError.line, 3);
    assert.match(failed.body.loadError.message, /extra\.ts:3/);
    assert.doesNotMatch(failed.body.loadError.message, /\n\s+at /, 'no stack trace');
    // The server still answers, with the last good definitions.
    const during = await api('/api/assets');
    assert.equal(during.status, 200);
    assert.deepEqual(during.body.assets.map((a: { key: string }) => a.key), assetsBefore);

    // An error thrown while the file loads is located too (from the stack, through the source map).
    writeFileSync(join(project, 'definitions/extra.ts'), THROWS);
    const thrown = await until(() => api('/api/project'), (r) => r.body.loadError?.message.includes('JSON'));
    assert.equal(thrown.body.loadError.file, 'definitions/extra.ts');
    assert.equal(thrown.body.loadError.line, 3);

    writeFileSync(join(project, 'definitions/extra.ts'), FIXED);
    const reloaded = await until(() => api('/api/project'), (r) => r.body.loadError === null);
    assert.equal(reloaded.body.version, 2);
    assert.ok(reloaded.body.loadedAt >= first.body.loadedAt);
    const assetsAfter = (await api('/api/assets')).body.assets;
    assert.deepEqual(assetsAfter.map((a: { key: string }) => a.key).sort(), [...assetsBefore, 'extra'].sort());
    assert.equal(assetsAfter.find((a: { key: string }) => a.key === 'extra').group, 'added');

    await until(async () => stream.events.length, (n) => n >= 3);
    await stream.stop();
    assert.deepEqual(stream.events.map((e) => e.event).slice(0, 3), ['project_load_failed', 'project_load_failed', 'project_reloaded']);
    assert.equal(stream.events[0]!.data.error.line, 3);
    assert.equal(stream.events[2]!.data.version, 2);
  });

  it('runs the reloaded definitions, selected by path relative to the project (not the server\'s folder)', async () => {
    const launched = await api('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ select: 'path:definitions/extra.ts' }) });
    assert.equal(launched.status, 202, JSON.stringify(launched.body));
    const run = await until(() => api(`/api/runs/${launched.body.runId}`), (r) => ['SUCCESS', 'FAILURE'].includes(r.body.run.status));
    assert.equal(run.body.run.status, 'SUCCESS');
    assert.deepEqual(run.body.run.stepKeys, ['extra']);
    assert.equal(run.body.materializations[0].rowCount, 1);
  });
});

describe('weir dev on a project that is broken when it starts', () => {
  it('starts anyway, shows the error with its file and line, and serves the assets once the file is fixed', async () => {
    const project = join(temp.make(), 'p');
    assert.equal((await weir(['init', project])).code, 0);
    writeFileSync(join(project, 'definitions/extra.ts'), BROKEN);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dev = spawnWeir(['dev', project, '--port', String(port)]);
    let output = '';
    dev.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    dev.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => dev.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 150 && !/serving \S+ at http/.test(output); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(output, /extra\.ts:3.*serving anyway/s, output);
      assert.match(output, /serving \S+ at http/, output);
      const api = async (path: string) => (await (await fetch(`${base}${path}`)).json()) as any;
      const broken = await api('/api/project');
      assert.equal(broken.loadError.file, 'definitions/extra.ts');
      assert.equal(broken.loadError.line, 3);
      assert.deepEqual((await api('/api/assets')).assets, [], 'no definitions until the file is fixed');

      writeFileSync(join(project, 'definitions/extra.ts'), FIXED);
      const fixed = await until(() => api('/api/project'), (r) => r.loadError === null);
      assert.equal(fixed.version, 2);
      const keys = (await api('/api/assets')).assets.map((a: { key: string }) => a.key);
      assert.ok(keys.includes('extra') && keys.includes('orders'), keys.join(', '));
    } finally {
      dev.kill('SIGINT');
      assert.equal(await exited, 0, output);
    }
  });
});
