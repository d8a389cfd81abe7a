/**
 * Test support for the server's tests (not used by the server itself): a small project on a real in-memory SQLite
 * store and a real DuckDB file, seeded by real runs through the in-process launcher, and the app built on it.
 * Tests call the app without a port (`fixture.request('/api/runs')`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { z } from 'zod';
import { asset } from '../definitions/asset.js';
import { rowCount, unique } from '../definitions/check.js';
import type { Definitions } from '../definitions/definitions.js';
import { externalFile } from '../definitions/external-asset.js';
import type { ProjectConfig } from '../definitions/project.js';
import type { ScheduleDefinition } from '../definitions/schedule.js';
import type { Run } from '../events/index.js';
import { buildAssetGraph } from '../graph/asset-graph.js';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { Storage } from '../storage/storage.js';
import { createApp } from './app.js';
import { inProcessLauncher, type InProcessLauncher } from '../engine/in-process-launcher.js';
import type { LaunchRequest } from '../engine/run-launcher.js';
import type { ProjectSnapshot, SecurityOptions } from './server-deps.js';

/** The secret setting's value: no response may ever contain it. */
export const SECRET = 'sup3r-s3cret-Vaule-42';
/** The secret inside an HTTP Basic credential, base64-encoded: no response may contain this either. */
export const SECRET_BASIC = Buffer.from(`api:${SECRET}`).toString('base64');

/** Knobs the assets read at run time, so a test can make a check fail, add a column or hold a step. */
export interface FixtureState {
  /** Rows `quality` produces; its check wants 3. */
  qualityRows: number;
  /** Adds a column `n` to `sales/by_customer`. */
  extraColumn: boolean;
  /** While set, `slow` waits for it (or for cancellation). */
  gate?: Promise<void>;
}

export interface ServerFixture {
  app: Hono;
  storage: Storage;
  launcher: InProcessLauncher;
  state: FixtureState;
  snapshot: ProjectSnapshot;
  /** Seeded runs: `ok` succeeded (trigger cli), `failed` failed its `quality` check (trigger ui). */
  runs: { ok: string; failed: string };
  request(path: string, init?: RequestInit): Promise<Response>;
  /** GETs (or sends) and parses the JSON body, with `schema` when given (which fails the test on a wrong shape). */
  json<T = any>(path: string, schema?: z.ZodType<T>, init?: RequestInit): Promise<{ status: number; body: T }>;
  /** Launches through the launcher and waits for the run to end. */
  runToEnd(request: Partial<LaunchRequest>): Promise<Run>;
  /** A gate for `slow`: the promise to set on state.gate and the function that opens it. */
  holdSlow(): () => void;
  close(): Promise<void>;
}

export async function openServerFixture(options: { security?: SecurityOptions; seed?: boolean; pollIntervalMs?: number; now?: () => number; schedules?: readonly ScheduleDefinition[] } = {}): Promise<ServerFixture> {
  const root = mkdtempSync(join(tmpdir(), 'weir-server-'));
  writeFileSync(join(root, 'orders.csv'), 'id,customer,amount\n1,alice,10.5\n2,bob,20\n3,alice,30\n');
  const state: FixtureState = { qualityRows: 3, extraColumn: false };

  const ordersFile = externalFile({ key: 'orders_file', path: 'orders.csv', group: 'raw' });
  const orders = asset(
    { key: 'orders', inputs: { file: ordersFile }, group: 'raw', owners: ['ana@example.com'], checks: [rowCount({ min: 1 }), unique('id')] },
    ({ file }, ctx) => {
      ctx.log.info(`reading with key ${String(ctx.settings.api_key)}`);
      return { load: 'csv', path: file };
    },
  );
  const byCustomer = asset(
    {
      key: 'sales/by_customer', inputs: { orders }, group: 'sales', tags: ['daily'], io: { path: 'out/by_customer.csv' }, freshness: { maxLag: '1h' },
      description: `Revenue per customer (the description quotes ${SECRET}, and as Basic ${SECRET_BASIC}, to prove responses are redacted).`,
    },
    ({ orders }) => `select customer, sum(amount) as total${state.extraColumn ? ', count(*) as n' : ''} from ${orders} group by customer order by customer`,
  );
  const quality = asset(
    { key: 'quality', inputs: { orders }, group: 'sales', checks: [rowCount({ name: 'quality_rows', equals: 3 })] },
    () => `select * from range(${state.qualityRows}) t(n)`,
  );
  const report = asset({ key: 'report', inputs: { quality }, group: 'sales', automation: 'eager' }, ({ quality }) => `select count(*) as rows from ${quality}`);
  const slow = asset({ key: 'slow', group: 'slow' }, async (_inputs, ctx) => {
    if (state.gate) {
      await Promise.race([state.gate, new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }))]);
    }
    return 'select 1 as x';
  });

  const project: ProjectConfig = {
    name: 'shop', description: 'A test shop', root, configFile: join(root, 'weir.yaml'),
    warehousePath: join(root, 'warehouse.duckdb'), metadataPath: ':memory:', definitionGlobs: [], concurrency: 4,
    settings: { api_key: SECRET, data_dir: 'data' }, secretSettings: ['api_key'], settingSources: { api_key: 'env', data_dir: 'default' },
  };
  const definitions: Definitions = { project, assets: [orders, byCustomer, quality, report, slow], externals: [ordersFile], ...(options.schedules ? { schedules: options.schedules } : {}) };
  const snapshot: ProjectSnapshot = { definitions, graph: buildAssetGraph(definitions) };
  const storage = await openSqliteStorage(':memory:');
  const warehouse = await DuckDbWarehouse.open(project.warehousePath);
  const launcher = inProcessLauncher({ project: () => snapshot, storage, warehouse: async () => warehouse });
  const app = createApp({
    project: () => snapshot, storage, launcher, subscribe: launcher.subscribe, security: options.security,
    pollIntervalMs: options.pollIntervalMs ?? 50, ...(options.now ? { now: options.now } : {}),
  });
  const auth: Record<string, string> = options.security?.token ? { authorization: `Bearer ${options.security.token}` } : {};

  const fixture: ServerFixture = {
    app, storage, launcher, state, snapshot, runs: { ok: '', failed: '' },
    // As the UI and the CLI do, a body is sent as JSON unless the test says otherwise (f.app.request sends as is).
    request: async (path, init = {}) => app.request(path, { ...init, headers: { ...auth, ...(typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string> | undefined) } }),
    async json(path, schema, init) {
      const response = await fixture.request(path, init);
      const raw = await response.json();
      return { status: response.status, body: (schema && response.status < 300 ? schema.parse(raw) : raw) as never };
    },
    async runToEnd(request) {
      const run = await launcher.launch({ trigger: 'api', ...request });
      await launcher.idle();
      return (await storage.runs.getRun(run.runId))!;
    },
    holdSlow() {
      let open!: () => void;
      state.gate = new Promise<void>((resolve) => { open = resolve; });
      return () => { state.gate = undefined; open(); };
    },
    async close() {
      await launcher.idle();
      await warehouse.close();
      await storage.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  if (options.seed !== false) {
    fixture.runs.ok = (await fixture.runToEnd({ exclude: 'slow', trigger: 'cli' })).runId;
    state.extraColumn = true;
    state.qualityRows = 4;
    fixture.runs.failed = (await fixture.runToEnd({ exclude: 'slow', trigger: 'ui' })).runId;
  }
  return fixture;
}
