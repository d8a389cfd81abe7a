#!/usr/bin/env node
// The one fold of a run's events (events/run-fold.ts) on a big run: what the server's summary costs (all events at
// once), what the UI's live page and the terminal pay (one event at a time, copy on write), against a minimal loop
// that only tracks each step's status in a Map, in the same run.
//   node bench/run-fold.mjs [--steps 1000] [--reps 20]
import { join } from 'node:path';
import { DIST, loadNote, median, ms, numberArg, ratio, requireBuild, table } from './lib.mjs';

requireBuild();
const { foldRunEvents, applyRunEvent, applyRunEvents, initialRunState } = await import(join(DIST, 'events/index.js'));
const STEPS = numberArg('--steps', 1000);
const REPS = numberArg('--reps', 20);

/** A run's events: start, a materialization, three checks, an end per step; every 10th step retries once. */
function events(steps) {
  const out = [];
  let id = 0;
  const keys = Array.from({ length: steps }, (_, i) => `step_${i}`);
  const add = (type, stepKey, data) => out.push({ id: ++id, runId: 'r', project: 'p', type, stepKey, timestamp: id, message: type, data });
  add('RUN_START', null, { stepKeys: keys, concurrency: 4 });
  keys.forEach((key, i) => {
    add('STEP_START', key, { attempt: 1, kind: 'asset' });
    if (i % 10 === 0) {
      add('STEP_UP_FOR_RETRY', key, { attempt: 1, nextAttempt: 2, delayMs: 1, error: { message: 'flaky' } });
      add('STEP_START', key, { attempt: 2, kind: 'asset' });
    }
    add('ASSET_MATERIALIZATION', key, { assetKey: key, rowCount: i });
    for (let c = 0; c < 3; c++) add('ASSET_CHECK_EVALUATION', key, { assetKey: key, checkName: `c${c}`, severity: 'error', passed: c !== 2 || i % 7 !== 0, outcome: c !== 2 || i % 7 !== 0 ? 'passed' : 'failed' });
    add(i % 7 === 0 ? 'STEP_FAILURE' : 'STEP_SUCCESS', key, i % 7 === 0 ? { attempt: i % 10 === 0 ? 2 : 1, durationMs: 1, error: { message: 'x' }, reason: 'check_failed' } : { attempt: i % 10 === 0 ? 2 : 1, durationMs: 1 });
  });
  add('RUN_FAILURE', null, { durationMs: id, succeeded: [], failed: [], skipped: [] });
  return { keys, events: out };
}

function minimalLoop(keys, all) {
  const status = new Map(keys.map((k) => [k, 'pending']));
  for (const e of all) {
    if (!e.stepKey) continue;
    if (e.type === 'STEP_START') status.set(e.stepKey, 'running');
    else if (e.type === 'STEP_SUCCESS') status.set(e.stepKey, 'succeeded');
    else if (e.type === 'STEP_FAILURE') status.set(e.stepKey, 'failed');
  }
  return status;
}

function time(fn) {
  const runs = [];
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  return median(runs);
}

const { keys, events: all } = events(STEPS);
const readers = {
  base: () => minimalLoop(keys, all),
  whole: () => foldRunEvents(keys, all),
  oneByOne: () => { let s = initialRunState(keys); for (const e of all) s = applyRunEvent(s, e); },
  batches: () => { let s = initialRunState(keys); for (let i = 0; i < all.length; i += 50) s = applyRunEvents(s, all.slice(i, i + 50)); },
};
// Warm every reader up first: the first one timed would otherwise pay the JIT's compilation of the fold.
for (let r = 0; r < 5; r++) for (const fn of Object.values(readers)) fn();
const base = time(readers.base);
const whole = time(readers.whole);
const oneByOne = time(readers.oneByOne);
const batches = time(readers.batches);

console.log(loadNote());
console.log(`${STEPS} steps, ${all.length} events, median of ${REPS}`);
console.log(table(['reader', 'time', 'per event', 'vs minimal loop'], [
  ['minimal loop (status only, mutable Map)', ms(base, 2), `${((base * 1e6) / all.length).toFixed(0)} ns`, '1.00x'],
  ['foldRunEvents, all at once (server summary, run-info)', ms(whole, 2), `${((whole * 1e6) / all.length).toFixed(0)} ns`, ratio(whole, base)],
  ['applyRunEvents, batches of 50 (UI page, 100 ms flushes)', ms(batches, 2), `${((batches * 1e6) / all.length).toFixed(0)} ns`, ratio(batches, base)],
  ['applyRunEvent, one at a time (terminal display)', ms(oneByOne, 2), `${((oneByOne * 1e6) / all.length).toFixed(0)} ns`, ratio(oneByOne, base)],
]));
