// Helpers shared by the benchmarks: temp folders, statistics, tables, timing of child processes, and tracing of
// the time Weir spends inside DuckDB and SQLite (by wrapping the compiled library's methods at run time; nothing in
// packages/ is changed).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(REPO, 'packages/weir/dist');
export const WEIR_BIN = join(REPO, 'packages/weir/bin/weir.js');

/** Fails early with the command to run when the library was not compiled. */
/** The value after `name` on the command line, or `fallback` when it is absent: `arg('--seed', '7')`. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** As `arg`, read as a number: `numberArg('--reps', 50)`. */
export function numberArg(name, fallback) {
  const value = arg(name, undefined);
  return value === undefined ? fallback : Number(value);
}

export function requireBuild() {
  if (!existsSync(join(DIST, 'index.js'))) {
    console.error(`${DIST} is missing: build first with  node packages/weir/scripts/build.mjs`);
    process.exit(2);
  }
}

const temps = [];
export function tempDir(prefix = 'weir-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
export function cleanTemps() {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanTemps);

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const min = (xs) => Math.min(...xs);

/** Fixed-width table: first column left-aligned, the others right-aligned. */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const ms = (x, digits = 0) => (x === undefined || x === null || Number.isNaN(x) ? '-' : `${x.toFixed(digits)} ms`);
export const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '-');

/**
 * Runs a command and resolves with its wall time (from spawn to exit), exit code and output.
 * Throws when the exit code is not 0, unless allowFailure.
 */
export function timeProcess(command, args, { cwd, env, allowFailure = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0 && !allowFailure) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      } else resolvePromise({ wallMs, code, stdout, stderr });
    });
  });
}

/** Length of the union of [start, end] intervals: the time at least one of them was running. */
export function busyTime(intervals) {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let start = -Infinity;
  let end = -Infinity;
  for (const [s, e] of sorted) {
    if (s > end) {
      if (end > start) total += end - start;
      start = s;
      end = e;
    } else if (e > end) end = e;
  }
  if (end > start) total += end - start;
  return total;
}

/**
 * Records every statement Weir sends to DuckDB (DuckDbSession.run and .query, the leaves every other session method
 * goes through): its SQL, parameters, session and [start, end]. `trace.reset()` empties the record.
 */
export async function traceDuckDb() {
  const { DuckDbSession } = await import(join(DIST, 'connectors/duckdb/duckdb-session.js'));
  const trace = { statements: [], enabled: true, reset() { this.statements = []; } };
  const sessionIds = new WeakMap();
  let nextSession = 0;
  for (const method of ['run', 'query']) {
    const original = DuckDbSession.prototype[method];
    DuckDbSession.prototype[method] = async function traced(sql, params, options) {
      if (!trace.enabled) return original.call(this, sql, params, options);
      if (!sessionIds.has(this)) sessionIds.set(this, nextSession++);
      const entry = { method, sql, params, session: sessionIds.get(this), start: performance.now(), end: 0 };
      trace.statements.push(entry);
      try {
        return await original.call(this, sql, params, options);
      } finally {
        entry.end = performance.now();
      }
    };
  }
  return trace;
}

/** Wraps every method of the storage's stores so each call's [start, end] is recorded under its name. */
export function traceStorage(storage) {
  const calls = [];
  for (const storeName of ['events', 'runs']) {
    const store = storage[storeName];
    if (!store) continue;
    const names = new Set();
    for (let proto = Object.getPrototypeOf(store); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const name of Object.getOwnPropertyNames(proto)) if (name !== 'constructor' && typeof store[name] === 'function') names.add(name);
    }
    for (const name of Object.keys(store)) if (typeof store[name] === 'function') names.add(name);
    for (const name of names) {
      const original = store[name].bind(store);
      store[name] = async (...args) => {
        const entry = { name: `${storeName}.${name}`, start: performance.now(), end: 0 };
        calls.push(entry);
        try {
          return await original(...args);
        } finally {
          entry.end = performance.now();
        }
      };
    }
  }
  return { calls, reset() { calls.length = 0; } };
}

/** Is `command` on the PATH? */
export function which(command) {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, command))) return join(dir, command);
  return null;
}

/** The same pseudo-random sequence on every run (mulberry32). */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** layers × width nodes; each node of layer i > 0 depends on 1-3 distinct nodes of layer i-1. */
export function layeredGraph(layers, width, seed = 42) {
  const random = seeded(seed);
  const nodes = [];
  for (let l = 0; l < layers; l++) {
    for (let w = 0; w < width; w++) {
      const name = `l${String(l).padStart(2, '0')}_${String(w).padStart(2, '0')}`;
      const parents = [];
      if (l > 0) {
        const count = 1 + Math.floor(random() * 3);
        while (parents.length < count) {
          const p = `l${String(l - 1).padStart(2, '0')}_${String(Math.floor(random() * width)).padStart(2, '0')}`;
          if (!parents.includes(p)) parents.push(p);
        }
      }
      nodes.push({ name, parents });
    }
  }
  return nodes;
}

/** n nodes in a chain. */
export function chainGraph(n) {
  const name = (i) => `a${String(i).padStart(4, '0')}`;
  return Array.from({ length: n }, (_, i) => ({ name: name(i), parents: i ? [name(i - 1)] : [] }));
}

/** The machine and its load: figures taken while other processes compete for the CPUs are noisy. */
export function loadNote() {
  const [one] = loadavg();
  const n = cpus().length;
  return `Machine: ${n} CPUs (${cpus()[0]?.model?.trim() ?? '?'}), Node ${process.version}, load average ${one.toFixed(2)}${one > n * 0.75 ? ' (busy: figures will be noisy)' : ''}.`;
}
