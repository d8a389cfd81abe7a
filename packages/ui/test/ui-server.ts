/**
 * Test and screenshot support: a real Weir server (the same pieces `weir dev` composes: local instance, in-process
 * launcher, createApp with the built UI as staticRoot) on a temporary project, and a headless Chromium.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { openLocalInstance } from '../../weir/src/cli/local-instance.ts';
import { watchProject } from '../../weir/src/cli/project-watcher.ts';
import { createApp, inProcessLauncher, startServer } from '../../weir/src/server/index.ts';
import type { ProjectChange, SecurityOptions } from '../../weir/src/server/index.ts';

export const UI_DIST = fileURLToPath(new URL('../dist', import.meta.url));

export const CHROMIUM = process.env.WEIR_CHROMIUM ?? '/usr/bin/chromium';

/**
 * A small shop over three groups: `quality` has a check that fails while QUALITY_ROWS is 4, and `chatty` logs a
 * line every 40 ms until the file `release` appears in the project (or the run is cancelled).
 */
export function demoProject(dir: string, options: { qualityRows?: number } = {}): string {
  const files: Record<string, string> = {
    'weir.yaml': 'name: ui_shop\ndefinitions: definitions/**/*.ts\nconcurrency: 4\n',
    'data/orders.csv': 'order_id,customer,amount,status\n1,alice,120.50,paid\n2,bob,80.00,paid\n3,alice,35.25,refunded\n4,carol,210.00,paid\n',
    'definitions/raw.ts': `import { asset, externalFile, load, notNull, rowCount, unique } from 'weir';
export const ordersFile = externalFile({ key: 'orders_file', path: 'data/orders.csv', group: 'raw' });
export const orders = asset(
  { key: 'orders', group: 'raw', inputs: { file: ordersFile }, owners: ['ana@example.com'], tags: ['daily'], kinds: ['duckdb'],
    description: 'Orders as exported, typed.', checks: [rowCount({ min: 1 }), unique('order_id'), notNull(['order_id', 'amount'])] },
  ({ file }) => load.csv(file),
);
`,
    'definitions/sales.ts': qualityFile(options.qualityRows ?? 3),
    'definitions/slow.ts': `import { asset } from 'weir';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
export const chatty = asset({ key: 'chatty', group: 'ops', description: 'Logs slowly until released.' }, async (_inputs, ctx) => {
  for (let i = 1; ; i++) {
    ctx.log.info(\`tick \${i}\`);
    if (existsSync(join(${JSON.stringify(dir)}, 'release'))) break;
    if (ctx.signal.aborted) throw new Error('cancelled');
    await new Promise((r) => setTimeout(r, 40));
  }
  return 'select 1 as done';
});
`,
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** The sales definitions, with `quality` producing `rows` rows against a check that wants exactly 3. */
export function qualityFile(rows: number): string {
  return `import { asset, rowCount, value } from 'weir';
import { orders } from './raw.ts';
const QUALITY_ROWS = ${rows};
export const revenue = asset(
  { key: 'revenue', group: 'sales', inputs: { orders }, io: { path: 'output/revenue.csv' }, description: 'Paid revenue per customer.',
    checks: [value({ name: 'total_paid', sql: 'select sum(revenue) from {{ this }}', min: 0 })] },
  ({ orders }) => \`select customer, sum(amount) as revenue from \${orders} where status = 'paid' group by customer order by customer\`,
);
export const quality = asset(
  { key: 'quality', group: 'sales', inputs: { orders }, checks: [rowCount({ name: 'quality_rows', equals: 3 })] },
  () => \`select * from range(\${QUALITY_ROWS}) t(n)\`,
);
export const report = asset({ key: 'report', group: 'sales', inputs: { quality, revenue } }, ({ quality }) => \`select count(*) as n from \${quality}\`);
`;
}

export interface UiServer {
  url: string;
  port: number;
  project: string;
  /** Reloads the definitions now, as `weir dev` does when a file changes; resolves with the outcome. */
  reload(): Promise<ProjectChange>;
  close(): Promise<void>;
}

/** Serves `project` like `weir dev` does (API + built UI, definitions reloaded on demand); `port` reuses a port. */
export async function startUiServer(project: string, options: { port?: number; security?: SecurityOptions } = {}): Promise<UiServer> {
  if (!existsSync(join(UI_DIST, 'index.html'))) throw new Error(`${UI_DIST} is missing: run \`npm run build --workspace packages/ui\` first.`);
  // As bin/weir.js does: definition locations (and the source the asset page shows) are the user's .ts lines.
  process.setSourceMapsEnabled(true);
  const instance = await openLocalInstance(project);
  // File watching is debounced; tests call reload() instead of waiting for it.
  const watcher = watchProject({ initial: instance.loaded, debounceMs: 60_000 });
  const launcher = inProcessLauncher({ project: watcher.snapshot, storage: instance.storage, warehouse: () => instance.warehouse() });
  const app = createApp({
    project: watcher.snapshot, storage: instance.storage, launcher, subscribe: launcher.subscribe, subscribeProject: watcher.subscribe,
    staticRoot: UI_DIST, pollIntervalMs: 50, security: options.security,
  });
  await instance.warehouse();
  const server = await startServer({ app, port: options.port ?? 0 });
  return {
    url: server.url, port: server.port, project, reload: () => watcher.reload(),
    async close() {
      await watcher.close();
      for (const runId of launcher.running()) await launcher.cancel(runId);
      await launcher.idle();
      await server.close();
      await instance.close();
    },
  };
}

export function tempProject(prefix = 'weir-ui-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Headless Chromium with a fresh profile (removed on close). */
export async function launchBrowser(): Promise<Browser & { cleanup(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`sudo apt-get install -y chromium\` (or set WEIR_CHROMIUM).`);
  const profile = mkdtempSync(join(tmpdir(), 'weir-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const browser = context.browser() as Browser | null;
  return Object.assign(Object.create(null) as Browser, {
    newPage: () => context.newPage(),
    contexts: () => [context],
    close: async () => context.close(),
    async cleanup() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
    version: () => browser?.version() ?? '',
  }) as Browser & { cleanup(): Promise<void> };
}
