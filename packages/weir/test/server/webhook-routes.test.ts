// In test/ rather than beside the route: it drives the routes with the scheduler's sensor fixture, which server/ may not import.
// Webhook triggers over real HTTP (a real port, a real SQLite file, real runs): only a right HMAC signature starts a
// run; wrong or missing ones answer 401, are recorded and start nothing; the exemption from the Origin and token
// checks covers exactly POST /api/webhooks/<name>, and the body limit still applies.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { webhookDefinition } from '../../src/definitions/sensor.js';
import { openSensorFixture, FIXTURE_SECRET, type SensorFixture } from '../../src/scheduler/sensor-fixture.js';
import { createApp } from '../../src/server/app.js';
import { startServer } from '../../src/server/start-server.js';
import { MAX_RECORDED_REJECTIONS_PER_MINUTE, SIGNATURE_HEADER, webhookSignature } from '../../src/server/routes/webhook-routes.js';

const TOKEN = 'a-server-token-of-at-least-32-characters-0123';
const NOW = Date.parse('2026-03-01T05:00:30Z');
let f: SensorFixture;
let server: Awaited<ReturnType<typeof startServer>>;

before(async () => {
  f = await openSensorFixture([], [
    webhookDefinition({ name: 'erp_export_ready', select: 'orders+', secret: 'hook_secret' }, undefined),
    webhookDefinition({ name: 'unset', secret: 'missing_secret' }, undefined),
  ]);
  // A fixed clock: every call of this file falls in one minute, so the flood test's count is exact.
  const app = createApp({ project: () => ({ definitions: f.definitions, graph: f.graph }), storage: f.storage, launcher: f.launcher, security: { token: TOKEN }, now: () => NOW });
  server = await startServer({ app, port: 0 });
});
after(async () => {
  await server.close();
  await f.close();
});

/**
 * One HTTP request on its own connection (agent: false): the 413 case makes the server close a connection mid-body,
 * and a pooled keep-alive socket would then fail the next test's request.
 */
function send(base: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any; text: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => {
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
/** A POST from an outside system: a foreign Origin (or none), no token. */
const post = (path: string, body: string, headers: Record<string, string> = {}) => send(server.url, 'POST', path, body, headers);
const calls = async () => (await f.storage.sensors.listEvaluations('shop', 'webhook:erp_export_ready', { limit: 100 }));
const webhookRuns = async () => (await f.storage.runs.listRuns({ project: 'shop' })).filter((r) => r.trigger === 'webhook');

describe('POST /api/webhooks/:name', () => {
  it('a right signature starts the run (202 { runId }) with the JSON body as ctx.trigger.payload, from a foreign origin and without the token', async () => {
    const body = JSON.stringify({ file: 'exports/2026-03.xlsx', rows: 1200, note: `token ${FIXTURE_SECRET}` });
    const r = await post('/api/webhooks/erp_export_ready', body, { [SIGNATURE_HEADER]: webhookSignature(FIXTURE_SECRET, body), origin: 'https://erp.example.org' });
    assert.equal(r.status, 202, r.text);
    assert.equal(typeof r.json.runId, 'string');
    await f.launcher.idle();
    const run = await f.storage.runs.getRun(r.json.runId);
    assert.equal(run?.status, 'SUCCESS');
    assert.equal(run?.trigger, 'webhook');
    assert.equal(run?.tags['weir/webhook'], 'erp_export_ready');
    assert.deepEqual(run?.stepKeys, ['orders', 'report']);
    assert.deepEqual(f.triggers.get(run!.runId), { kind: 'webhook', name: 'erp_export_ready', payload: JSON.parse(body) }, 'the asset sees the body as sent');
    const [enqueued] = await f.storage.events.eventsForRun(run!.runId, { types: ['RUN_ENQUEUED'] });
    assert.deepEqual(enqueued!.data, { triggerPayload: { file: 'exports/2026-03.xlsx', rows: 1200, note: 'token ***' } }, 'stored with the secret masked');
    const [call] = await calls();
    assert.equal(call!.status, 'REQUESTED');
    assert.deepEqual(call!.runIds, [run!.runId]);

    // A re-execution gets the (stored, masked) payload too: its steps run on the same input.
    const again = await send(server.url, 'POST', `/api/runs/${run!.runId}/reexecute`, '{"mode":"all"}', { authorization: `Bearer ${TOKEN}` });
    assert.equal(again.status, 202);
    const rerun = again.json.runId as string;
    await f.launcher.idle();
    assert.deepEqual(f.triggers.get(rerun), { kind: 'reexecution', payload: { file: 'exports/2026-03.xlsx', rows: 1200, note: 'token ***' } });
  });

  it('a wrong, malformed, missing or replayed-on-another-body signature answers 401, is recorded with the reason, and starts no run', async () => {
    const before = (await webhookRuns()).length;
    const body = '{"file":"x.xlsx"}';
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /missing X-Weir-Signature header/],
      [{ [SIGNATURE_HEADER]: webhookSignature('not-the-secret', body) }, /the signature does not match the body/],
      [{ [SIGNATURE_HEADER]: webhookSignature(FIXTURE_SECRET, '{"file":"other.xlsx"}') }, /the signature does not match the body/],
      [{ [SIGNATURE_HEADER]: 'sha256=abc' }, /not of the form sha256=<64 hex digits>/],
      [{ [SIGNATURE_HEADER]: webhookSignature(FIXTURE_SECRET, body).replace('sha256=', 'sha1=') }, /not of the form/],
    ];
    for (const [headers, reason] of cases) {
      const r = await post('/api/webhooks/erp_export_ready', body, headers);
      assert.equal(r.status, 401, r.text);
      assert.equal(r.json.error.code, 'INVALID_SIGNATURE');
      assert.match(r.json.error.message, reason);
      const [call] = await calls();
      assert.equal(call!.status, 'REJECTED');
      assert.match(call!.error!, reason);
      assert.deepEqual(call!.runIds, []);
    }
    await f.launcher.idle();
    assert.equal((await webhookRuns()).length, before, 'no run');
    assert.ok(!JSON.stringify(await calls()).includes(FIXTURE_SECRET));
  });

  it('a flood of forged calls is refused every time, but only the first ones each minute are stored', async () => {
    const before = await calls();
    const rejectedThisMinute = before.filter((c) => c.status === 'REJECTED').length;
    const sent = MAX_RECORDED_REJECTIONS_PER_MINUTE + 15;
    for (let i = 0; i < sent; i++) {
      const r = await post('/api/webhooks/erp_export_ready', `{"i":${i}}`, { [SIGNATURE_HEADER]: webhookSignature('forged', `{"i":${i}}`) });
      assert.equal(r.status, 401);
    }
    assert.equal((await calls()).length - before.length, MAX_RECORDED_REJECTIONS_PER_MINUTE - rejectedThisMinute);
  });

  it('a signed body that is not JSON is 400 and starts nothing; an unknown webhook 404; a secret setting without a value 503', async () => {
    const body = 'not json';
    const r = await post('/api/webhooks/erp_export_ready', body, { [SIGNATURE_HEADER]: webhookSignature(FIXTURE_SECRET, body) });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'INVALID_JSON');
    const unknown = await post('/api/webhooks/erp_export_redy', '{}', { [SIGNATURE_HEADER]: webhookSignature(FIXTURE_SECRET, '{}') });
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.error.message, /Did you mean 'erp_export_ready'/);
    const unset = await post('/api/webhooks/unset', '{}', { [SIGNATURE_HEADER]: webhookSignature('', '{}') });
    assert.equal(unset.status, 503);
    assert.equal(unset.json.error.code, 'WEBHOOK_NOT_CONFIGURED');
  });

  it('the exemption is exactly POST /api/webhooks/<name>: every other route still needs the token, and the body limit holds', async () => {
    const signed = { [SIGNATURE_HEADER]: webhookSignature(FIXTURE_SECRET, '{}') };
    for (const path of ['/api/runs', '/api/webhooks', '/api/webhooks/erp_export_ready/x', '/api/sensors/x/pause']) {
      const r = await post(path, '{}', signed);
      assert.equal(r.status, 401, `${path}: ${r.text}`);
      assert.equal(r.json.error.code, 'UNAUTHORIZED');
    }
    const get = await send(server.url, 'GET', '/api/sensors');
    assert.equal(get.status, 401, 'reading sensors needs the token');
    const big = JSON.stringify({ blob: 'x'.repeat(1024 * 1024 + 10) });
    const r = await post('/api/webhooks/erp_export_ready', big, { [SIGNATURE_HEADER]: webhookSignature(FIXTURE_SECRET, big) });
    assert.equal(r.status, 413);
    assert.equal(r.json.error.code, 'BODY_TOO_LARGE');
  });

  it('without a token (weir dev on this machine): a foreign Origin may call the webhook, but still not start a run through /api/runs', async () => {
    const open = await startServer({ app: createApp({ project: () => ({ definitions: f.definitions, graph: f.graph }), storage: f.storage, launcher: f.launcher }), port: 0 });
    try {
      const body = '{"n":1}';
      const origin = 'https://evil.example';
      const hook = await send(open.url, 'POST', '/api/webhooks/erp_export_ready', body, { origin, [SIGNATURE_HEADER]: webhookSignature(FIXTURE_SECRET, body) });
      assert.equal(hook.status, 202);
      const runs = await send(open.url, 'POST', '/api/runs', '{}', { origin });
      assert.equal(runs.status, 403);
      assert.equal(runs.json.error.code, 'FORBIDDEN_ORIGIN');
      const unsigned = await send(open.url, 'POST', '/api/webhooks/erp_export_ready', body, { origin });
      assert.equal(unsigned.status, 401);
      await f.launcher.idle();
    } finally {
      await open.close();
    }
  });

  it('GET /api/sensors lists the webhook with its calls, never the secret', async () => {
    const response = await send(server.url, 'GET', '/api/sensors', undefined, { authorization: `Bearer ${TOKEN}` });
    assert.equal(response.status, 200);
    assert.ok(!response.text.includes(FIXTURE_SECRET));
    const body = response.json;
    const hook = body.webhooks.find((w: { name: string }) => w.name === 'erp_export_ready');
    assert.equal(hook.secretSetting, 'hook_secret');
    assert.equal(hook.path, '/api/webhooks/erp_export_ready');
    assert.deepEqual(hook.lastCalls.slice(0, 2).map((c: { status: string }) => c.status), ['REJECTED', 'REQUESTED'], 'the unsigned call, then the signed one');
    assert.ok(hook.lastCalls.some((c: { status: string }) => c.status === 'REQUESTED'));
  });
});
