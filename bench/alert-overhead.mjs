// Alert delivery overhead on a run: a run with a failing check while the alert loop delivers to 5 channels (Teams,
// Slack, ntfy and webhook receivers on 127.0.0.1, and an SMTP server, in a child process), against the same run with the alert loop
// running and no channel. In process, real SQLite metadata and DuckDB files, as `weir dev` hosts the loop.
//
//   node packages/weir/scripts/build.mjs && node bench/alert-overhead.mjs [--reps 20] [--interval 100] [--rows 300000]
//
// ~1 minute. Each measured run is tagged with its own partition, so its two check failures and its run failure are new
// problems (an open problem is sent only once): every run with channels makes 3 problems x 5 channels = 15 deliveries,
// the first five sent while the run goes on (the loop passes every --interval ms, 2,000 ms in production). Runs alternate between
// the two setups (each its own metadata and warehouse, each with its loop running); before the next run starts, the
// previous run's deliveries are all done, so each run is measured with only its own alert work beside it.
// Target: median(with channels) / median(no channel) <= 1.05. Also printed: the median of the back-to-back pairs'
// ratios, and the process's CPU time during the run (both loops live in this process; the receivers do not).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { asset, rowCount, staticPartitions } from '../packages/weir/dist/index.js';
import { buildAssetGraph } from '../packages/weir/dist/graph/index.js';
import { launchRun } from '../packages/weir/dist/engine/launch-run.js';
import { openSqliteStorage } from '../packages/weir/dist/storage/sqlite/sqlite-storage.js';
import { DuckDbWarehouse } from '../packages/weir/dist/connectors/duckdb/duckdb-warehouse.js';
import { createAlertLoop } from '../packages/weir/dist/scheduler/alerts/alert-loop.js';
import { startRecordingReceiver } from '../packages/weir/dist/notifications/recording-http-receiver.js';
import { loadNote, median, ms, numberArg, ratio, requireBuild, table, tempDir } from './lib.mjs';

requireBuild();
const REPS = numberArg('--reps', 20);
const INTERVAL_MS = numberArg('--interval', 100);
const ROWS = numberArg('--rows', 300_000);
const TARGET = 1.05;

// The receivers run in a child process, as a real Teams or SMTP server is elsewhere: their work is not the run's.
if (process.argv.includes('--serve-receivers')) await serveReceivers();
const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve-receivers'], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout });
const nextLine = () => new Promise((resolve) => lines.once('line', (line) => resolve(JSON.parse(line))));
const { urls, smtpPort } = await nextLine();
const [teams, slack, ntfy, hook] = urls.map((url) => ({ url }));

const CHANNELS = [
  { name: 'team_teams', type: 'teams', config: { type: 'teams', url: `${teams.url}/workflows/x/triggers?sig=bench-signature-0123456789` } },
  { name: 'team_slack', type: 'slack', config: { type: 'slack', url: `${slack.url}/services/T0/B0/bench-token-0123456789` } },
  { name: 'team_ntfy', type: 'ntfy', config: { type: 'ntfy', url: ntfy.url, topic: 'weir-bench', token: 'tk_bench_0123456789' } },
  { name: 'ops_hook', type: 'webhook', config: { type: 'webhook', url: `${hook.url}/hooks/bench`, secret: `whsec_${Buffer.from('bench-signing-key-of-24b').toString('base64')}` } },
  { name: 'team_mail', type: 'email', config: { type: 'email', host: '127.0.0.1', port: smtpPort, secure: 'none', from: 'weir@example.org', to: ['ops@example.org'] } },
].map((c) => ({ ...c, enabled: true, secrets: [] }));

/**
 * A small pipeline doing real DuckDB work: its first asset warns (the run goes on while that alert is sent), its last
 * fails a blocking check, so the run fails: 3 problems per run.
 */
function setup(name, channels) {
  const root = tempDir(`weir-bench-alerts-${name}-`);
  const project = {
    name: 'bench', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'warehouse.duckdb'), metadataPath: join(root, 'metadata.sqlite'),
    definitionGlobs: [], concurrency: 2, settings: {}, secretSettings: [], settingSources: {},
    alerts: { channels, rules: [{ name: 'failures', on: ['run_failed', 'check_failed', 'run_recovered'], channels: CHANNELS.map((c) => c.name) }] },
  };
  // Each run builds its own partition, so each run's failures are a new problem (sent), not the same one kept open.
  const partitions = staticPartitions(Array.from({ length: 1000 }, (_, i) => `p${i}`));
  // A warning on the first asset: its alerts go out while the rest of the run goes on.
  const orders = asset({ key: 'orders', partitions, checks: [rowCount({ name: 'enough_orders', min: ROWS + 1, severity: 'warn' })] }, () => `select i as id, i % 97 as customer, (i * 7919) % 1000 / 10.0 as amount from range(${ROWS}) t(i)`);
  const byCustomer = asset({ key: 'by_customer', partitions, inputs: { orders } }, ({ orders }) => `select customer, sum(amount) as total, count(*) as n from ${orders} group by customer`);
  const top = asset({ key: 'top', partitions, inputs: { orders } }, ({ orders }) => `select * from ${orders} order by amount desc, id limit 1000`);
  const report = asset(
    { key: 'report', partitions, inputs: { byCustomer, top }, checks: [rowCount({ name: 'one_row_per_customer', equals: 100 })] },
    ({ byCustomer }) => `select * from ${byCustomer} order by customer`,
  );
  const definitions = { project, assets: [orders, byCustomer, top, report], externals: [], resources: {} };
  return { name, definitions, graph: buildAssetGraph(definitions) };
}

async function open(s) {
  const storage = await openSqliteStorage(s.definitions.project.metadataPath);
  const warehouse = await DuckDbWarehouse.open(s.definitions.project.warehousePath);
  const loop = createAlertLoop({ project: () => ({ definitions: s.definitions, graph: s.graph }), storage, log: () => {}, publicUrl: 'http://localhost:3000' }, { intervalMs: INTERVAL_MS });
  const controller = new AbortController();
  let passes = 0;
  const running = (async () => {
    while (!controller.signal.aborted) {
      await loop.runOnce(Date.now(), controller.signal);
      passes += 1;
      await new Promise((resolve) => setTimeout(resolve, loop.intervalMs));
    }
  })();
  return {
    ...s, storage, warehouse, times: [], cpu: [], get passes() { return passes; },
    async run(i) {
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const result = await launchRun({ definitions: s.definitions, graph: s.graph, storage, warehouse, trigger: 'schedule', partition: `p${i}` });
      const took = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      this.lastCpuMs = (cpu.user + cpu.system) / 1000;
      if (result.status !== 'FAILURE') throw new Error(`expected the run to fail its check, got ${result.status}`);
      return took;
    },
    /** Waits until the loop has routed the run and every delivery is done. */
    async settle(expected) {
      for (let waited = 0; waited < 30_000; waited += 10) {
        const deliveries = await storage.alerts.listDeliveries({ limit: 10_000 });
        if (deliveries.length >= expected && deliveries.every((d) => d.status !== 'PENDING')) return deliveries;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`${s.name}: deliveries did not settle`);
    },
    async close() {
      controller.abort();
      await running;
      await warehouse.close();
      await storage.close();
    },
  };
}

console.log(loadNote());
console.log(`${REPS} runs each (+2 warm-up), ${ROWS.toLocaleString('en')} rows, alert loop every ${INTERVAL_MS} ms in both setups.\n`);
const none = await open(setup('none', []));
const five = await open(setup('five', CHANNELS));
const PER_RUN = 3 * CHANNELS.length;
for (let i = -2; i < REPS; i++) {
  for (const s of i % 2 ? [none, five] : [five, none]) {
    const took = await s.run(i + 2);
    await s.settle(s === five ? (i + 3) * PER_RUN : 0);
    if (i >= 0) { s.times.push(took); s.cpu.push(s.lastCpuMs); }
  }
}
const all = await five.storage.alerts.listDeliveries({ limit: 10_000 });
const counts = Object.fromEntries(['DELIVERED', 'ACCEPTED', 'FAILED', 'PENDING'].map((status) => [status, all.filter((d) => d.status === status).length]));
const [a, b] = [median(none.times), median(five.times)];
// CPU time of the whole process (every thread, DuckDB's included) while the run ran: steadier than wall time on a
// machine shared with other work, and it counts what the alert loop took beside the run.
console.log(table(['setup', 'median run', 'min', 'max', 'median CPU during run', 'loop passes'], [
  ['alert loop, no channel', ms(a, 1), ms(Math.min(...none.times), 1), ms(Math.max(...none.times), 1), ms(median(none.cpu), 1), none.passes],
  ['alert loop, 5 channels', ms(b, 1), ms(Math.min(...five.times), 1), ms(Math.max(...five.times), 1), ms(median(five.cpu), 1), five.passes],
]));
// Each pair ran back to back: the median of the pairs' ratios is less sensitive to a load that drifts during the run.
const pairRatios = five.times.map((t, i) => t / none.times[i]);
console.log(`\nratio (5 channels / no channel, medians of ${REPS}): ${ratio(b, a)}  target <= ${TARGET}x: ${b / a <= TARGET ? 'met' : 'NOT met'}`);
console.log(`median of the ${REPS} back-to-back pairs' ratios: ${median(pairRatios).toFixed(2)}x; CPU during the run: ${ratio(median(five.cpu), median(none.cpu))}`);
child.stdin.end();
const received = await nextLine();
console.log(`deliveries: ${all.length} (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}); received: teams ${received.http[0]}, slack ${received.http[1]}, ntfy ${received.http[2]}, webhook ${received.http[3]}, e-mail ${received.mails}`);
console.log(loadNote());
await none.close();
await five.close();

/** The child: four HTTP receivers (Teams answers 202) and an SMTP server; prints their addresses, then what they got. */
async function serveReceivers() {
  const receivers = await Promise.all([202, 200, 200, 200].map((status) => startRecordingReceiver({ status })));
  let mails = 0;
  const smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, _session, callback) { stream.on('data', () => {}); stream.on('end', () => { mails += 1; callback(); }); },
  });
  await new Promise((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ urls: receivers.map((r) => r.url), smtpPort: smtp.server.address().port })}\n`);
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on('end', resolve));
  process.stdout.write(`${JSON.stringify({ http: receivers.map((r) => r.requests.length), mails })}\n`);
  for (const r of receivers) await r.close();
  await new Promise((resolve) => smtp.close(resolve));
  process.exit(0);
}
