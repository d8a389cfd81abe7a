// Helpers for the UI benchmarks: a read-only Weir server (real createApp + built UI) over a generated project and
// an in-memory SQLite store, and a headless Chromium with a fresh profile per measurement.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { asset } from '../packages/weir/dist/index.js';
import { buildAssetGraph } from '../packages/weir/dist/graph/index.js';
import { createApp, startServer } from '../packages/weir/dist/server/index.js';
import { openSqliteStorage } from '../packages/weir/dist/storage/sqlite/sqlite-storage.js';
import { REPO, requireBuild, tempDir } from './lib.mjs';

export const UI_DIST = join(REPO, 'packages/ui/dist');
const CHROMIUM = process.env.WEIR_CHROMIUM ?? '/usr/bin/chromium';

export function requireUi() {
  requireBuild();
  if (!existsSync(join(UI_DIST, 'index.html'))) {
    console.error(`${UI_DIST} is missing: build it with  npm run build --workspace packages/ui`);
    process.exit(2);
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`${CHROMIUM} is missing: install it with  sudo apt-get install -y chromium`);
    process.exit(2);
  }
}

/** A deterministic pseudo-random generator (mulberry32), so every run measures the same graph. */
export function random(seed = 42) {
  let a = seed;
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` no-op assets in `groups` groups, shaped like a dbt project: each group has LAYERS layers (sources,
 * staging, intermediate, marts…), ~1.5 upstream edges per asset, mostly from the layer before, some from two layers
 * before, one in ten from an asset of an earlier group.
 */
export function generatedAssets(count, groups, seed = 7) {
  const LAYERS = 8;
  const rnd = random(seed);
  const perGroup = Math.ceil(count / groups);
  const defs = [];
  const layersOf = []; // per group: per layer: assets
  for (let i = 0; i < count; i++) {
    const g = Math.floor(i / perGroup);
    const j = i - g * perGroup;
    const layer = Math.floor((j * LAYERS) / perGroup);
    const layers = (layersOf[g] ??= Array.from({ length: LAYERS }, () => []));
    const deps = new Set();
    const wanted = layer === 0 ? (g > 0 && rnd() < 0.5 ? 1 : 0) : rnd() < 0.5 ? 1 : 2;
    for (let d = 0; d < wanted; d++) {
      if (layer === 0 || (g > 0 && rnd() < 0.1)) {
        const other = layersOf[Math.floor(rnd() * g)];
        const pool = other?.[LAYERS - 1 - Math.floor(rnd() * 2)];
        if (pool?.length) deps.add(pool[Math.floor(rnd() * pool.length)]);
      } else {
        const from = layer >= 2 && rnd() < 0.15 ? layer - 2 : layer - 1;
        const pool = layers[from];
        if (pool.length) deps.add(pool[Math.floor(rnd() * pool.length)]);
      }
    }
    const definition = asset({ key: `g${String(g).padStart(2, '0')}_a${String(i).padStart(5, '0')}`, group: `group_${String(g).padStart(2, '0')}`, deps: [...deps] }, () => 'select 1 as x');
    layers[layer].push(definition);
    defs.push(definition);
  }
  return defs;
}

/** Serves `assets` read-only over a fresh in-memory store; `seed(storage, project)` may append runs and events. */
export async function serveProject({ name = 'bench', assets, seed }) {
  const root = tempDir('weir-ui-bench-');
  const project = {
    name, root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'w.duckdb'), metadataPath: ':memory:',
    definitionGlobs: [], concurrency: 4, settings: {}, secretSettings: [], settingSources: {},
  };
  const definitions = { project, assets, externals: [] };
  const snapshot = { definitions, graph: buildAssetGraph(definitions) };
  const storage = await openSqliteStorage(':memory:');
  if (seed) await seed(storage, project.name);
  const app = createApp({ project: () => snapshot, storage, staticRoot: UI_DIST });
  const server = await startServer({ app, port: 0 });
  return { url: server.url, storage, async close() { await server.close(); await storage.close(); } };
}

/** A fresh Chromium profile (no layout cache, no HTTP cache) per call. */
export async function browserContext(viewport = { width: 1440, height: 900 }) {
  const profile = mkdtempSync(join(tmpdir(), 'weir-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return { context, async close() { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

/** Frame intervals (ms) while `step()` runs once per animation frame, `frames` times, in the page. */
export async function frameTimes(page, selector, frames, pixelsPerFrame) {
  return page.evaluate(async ({ selector, frames, pixelsPerFrame }) => {
    const el = document.querySelector(selector);
    const times = [];
    let last = performance.now();
    for (let i = 0; i < frames; i++) {
      el.scrollTop += pixelsPerFrame;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times;
  }, { selector, frames, pixelsPerFrame });
}

export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
