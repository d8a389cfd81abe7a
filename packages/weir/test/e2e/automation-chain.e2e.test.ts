// The pieces of automation together in one real `weir serve`: a schedule ticks every second, its run fails a check,
// the alert rule sends that failure once to a webhook receiver started here (signed as Standard Webhooks says, the
// link pointing at the run), and the tick, the run and the delivery are all recorded; SIGTERM then stops it cleanly.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnWeir, TempDirs, weirJson, writeProject } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

const SECRET = `whsec_${Buffer.from('a-webhook-signing-key-for-tests!').toString('base64')}`;

interface Received { headers: IncomingMessage['headers']; body: string }

async function receiver(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => { received.push({ headers: req.headers, body }); res.writeHead(204).end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, close: () => new Promise((r) => server.close(() => r())) };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('automation end to end in weir serve', () => {
  it('a scheduled run that fails a check sends one signed webhook alert linking to the run', async () => {
    const hook = await receiver();
    const dir = writeProject(temp.make('weir-chain-'), {
      'weir.yaml': [
        'name: chain',
        'public_url: https://weir.example.org',
        'settings:',
        '  alert_url: { env: CHAIN_ALERT_URL, secret: true }',
        '  alert_secret: { env: CHAIN_ALERT_SECRET, secret: true }',
        'schedules:',
        '  - { name: every_second, select: prices, cron: "* * * * * *", catchup: skip }',
        'alerts:',
        '  channels:',
        '    ops: { type: webhook, url: { setting: alert_url }, secret: { setting: alert_secret } }',
        '  rules:',
        '    - { name: checks, on: [check_failed], channels: [ops] }',
        '',
      ].join('\n'),
      'definitions/prices.ts': `import { asset, value } from 'weir';
export const prices = asset({ key: 'prices', checks: [value({ name: 'no_negative_price', sql: 'select min(price) from {{ this }}', min: 0 })] },
  () => 'select -5 as price');
`,
    });
    const child = spawnWeir(['serve', '--project', dir, '--port', '0', '--log-format', 'json'], { env: { CHAIN_ALERT_URL: hook.url, CHAIN_ALERT_SECRET: SECRET } });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const delivery = await until('the alert to reach the receiver', () => hook.received[0]);
      const body = JSON.parse(delivery.body) as Record<string, any>;
      const text = JSON.stringify(body);
      assert.match(text, /no_negative_price/);
      assert.match(text, /prices/);
      // Standard Webhooks: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> with the secret's base64 key.
      const id = String(delivery.headers['webhook-id']);
      const timestamp = String(delivery.headers['webhook-timestamp']);
      const expected = createHmac('sha256', Buffer.from(SECRET.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.${delivery.body}`).digest('base64');
      assert.ok(String(delivery.headers['webhook-signature']).split(' ').includes(`v1,${expected}`), String(delivery.headers['webhook-signature']));
      const runs = await weirJson<Array<{ runId: string; trigger: string; status: string; tags: Record<string, string> }>>(['runs', '--project', dir]);
      const linked = runs.find((r) => text.includes(`https://weir.example.org/#/runs/${r.runId}`));
      assert.ok(linked, `the alert links to one of the runs: ${text}`);
      assert.equal(linked.trigger, 'schedule');
      assert.equal(linked.status, 'FAILURE');
      assert.equal(linked.tags['weir/schedule'], 'every_second');
      // Later ticks fail the same check: the open problem is not sent again.
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(hook.received.length, 1, `${hook.received.length} deliveries: ${hook.received.map((r) => r.body).join('\n')}`);
      assert.ok(!stdout.includes(hook.url) && !stdout.includes(SECRET), 'the channel URL and secret never reach the log');
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      await hook.close();
    }
    const ticks = await weirJson<unknown>(['schedules', '--project', dir]);
    assert.match(JSON.stringify(ticks), /SUBMITTED/);
  });
});
