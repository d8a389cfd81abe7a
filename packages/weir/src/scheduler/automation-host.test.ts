/** The automation host: one holder of the lease runs the loops, a standby takes over, passes never overlap. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BackgroundLoop } from '../shared/background-loop.js';
import { openSqliteStorage, type SqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { AutomationLogLine } from './automation-deps.js';
import { createAutomationHost, type AutomationHost, type AutomationHostOptions } from './automation-host.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'weir-automation-host-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));
let fileCount = 0;

/** Two processes on one metadata file: two connections to it. */
async function twoStores(): Promise<[SqliteStorage, SqliteStorage]> {
  const path = join(tempRoot, `metadata-${++fileCount}.sqlite`);
  const first = await openSqliteStorage(path);
  return [first, await openSqliteStorage(path)];
}

/** Waits (polling every few ms) until `condition` holds; fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A loop that records which host ran each pass and at which clock time. */
function recordingLoop(name: string, passes: Array<{ host: string; nowMs: number }>, host: string, intervalMs = 5): BackgroundLoop {
  return { name, intervalMs, async runOnce(nowMs) { passes.push({ host, nowMs }); } };
}

function fastHost(options: Partial<AutomationHostOptions> & Pick<AutomationHostOptions, 'loops' | 'leases'>, logs: AutomationLogLine[] = []): AutomationHost {
  return createAutomationHost({ log: (line) => logs.push(line), leaseTtlMs: 1000, renewEveryMs: 10, standbyRetryMs: 10, ...options });
}

describe('automation host', () => {
  it('two hosts on one store: exactly one runs the loops; stopping it lets the other take over', async () => {
    const [storeA, storeB] = await twoStores();
    let clock = 1_000_000;
    const passes: Array<{ host: string; nowMs: number }> = [];
    const a = fastHost({ holder: 'a', now: () => clock, leases: storeA.leases, loops: [recordingLoop('ticks', passes, 'a')] });
    const b = fastHost({ holder: 'b', now: () => clock, leases: storeB.leases, loops: [recordingLoop('ticks', passes, 'b')] });
    try {
      a.start();
      await until(() => a.isLeader(), 'a holds the lease');
      b.start();
      await until(() => passes.length >= 20, 'a ran 20 passes');
      assert.equal(b.isLeader(), false);
      assert.deepEqual(new Set(passes.map((p) => p.host)), new Set(['a']));
      assert.equal((await storeA.leases.getLease('automation'))?.holder, 'a');
      clock += 5;
      await until(() => passes.at(-1)!.nowMs === clock, 'a pass sees the injected clock');

      await a.stop();
      assert.equal(a.isLeader(), false);
      const passesOfA = passes.length;
      // Released on stop: b takes over at its next ask, without waiting for the TTL (the clock did not move).
      await until(() => b.isLeader(), 'b took over after a stopped');
      await until(() => passes.length >= passesOfA + 5, 'b ran passes');
      assert.deepEqual(new Set(passes.slice(passesOfA).map((p) => p.host)), new Set(['b']));
    } finally {
      await a.stop();
      await b.stop();
      await storeA.close();
      await storeB.close();
    }
  });

  it('a holder that died (never renews) is taken over once its lease expires by the injected clock', async () => {
    const [storeDead, storeB] = await twoStores();
    let clock = 50_000;
    // The dead process took the lease and then stopped answering (kill -9): nothing renews it.
    assert.ok(await storeDead.leases.acquire({ name: 'automation', holder: 'dead', nowMs: clock, ttlMs: 1000 }));
    const passes: Array<{ host: string; nowMs: number }> = [];
    const b = fastHost({ holder: 'b', now: () => clock, leases: storeB.leases, loops: [recordingLoop('ticks', passes, 'b')] });
    try {
      b.start();
      await new Promise((resolve) => setTimeout(resolve, 60)); // several standby asks
      assert.equal(b.isLeader(), false, 'the lease has not expired yet');
      assert.equal(passes.length, 0);
      clock += 999;
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(b.isLeader(), false, '1 ms before expiry');
      clock += 1;
      await until(() => b.isLeader(), 'b took over at expiry');
      await until(() => passes.length > 0, 'b ran a pass');
      assert.equal((await storeB.leases.getLease('automation'))?.holder, 'b');
    } finally {
      await b.stop();
      await storeDead.close();
      await storeB.close();
    }
  });

  it('a holder whose lease was taken (it could not renew in time) stops its loops and becomes a standby', async () => {
    const [storeA, storeOther] = await twoStores();
    let clock = 0;
    const passes: Array<{ host: string; nowMs: number }> = [];
    const logs: AutomationLogLine[] = [];
    const a = fastHost({ holder: 'a', now: () => clock, leases: storeA.leases, loops: [recordingLoop('ticks', passes, 'a')] }, logs);
    try {
      a.start();
      await until(() => a.isLeader(), 'a holds the lease');
      // Another process takes the row over (as after an expiry while a was frozen).
      await storeOther.leases.release('automation', 'a');
      assert.ok(await storeOther.leases.acquire({ name: 'automation', holder: 'other', nowMs: clock, ttlMs: 60_000 }));
      await until(() => !a.isLeader(), 'a noticed it lost the lease');
      const count = passes.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(passes.length <= count + 1, 'no passes after the loss (at most the one in flight)');
      assert.ok(logs.some((l) => l.level === 'warn' && /lost the automation lease/.test(l.message)), JSON.stringify(logs));
      assert.equal((await storeA.leases.getLease('automation'))?.holder, 'other');
    } finally {
      await a.stop();
      assert.equal((await storeA.leases.getLease('automation'))?.holder, 'other', 'stop does not release a lease it does not hold');
      await storeA.close();
      await storeOther.close();
    }
  });

  it('passes of one loop never overlap, even when woken during a pass; a wake during a pass runs one more pass', async () => {
    const storage = await openSqliteStorage(':memory:');
    let inFlight = 0;
    let maxInFlight = 0;
    let passes = 0;
    let release: (() => void) | undefined;
    const slow: BackgroundLoop = {
      name: 'slow',
      intervalMs: 60_000, // only wake() starts another pass in this test
      async runOnce() {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        passes += 1;
        await new Promise<void>((resolve) => { release = resolve; });
        inFlight -= 1;
      },
    };
    const host = fastHost({ loops: [slow], leases: storage.leases });
    try {
      host.start();
      await until(() => passes === 1, 'the first pass started');
      for (let i = 0; i < 5; i += 1) host.wake('slow');
      assert.equal(passes, 1);
      release!();
      await until(() => passes === 2, 'one more pass after the wakes');
      release!();
      await new Promise((resolve) => setTimeout(resolve, 40));
      assert.equal(passes, 2, 'the five wakes during one pass made one extra pass, then the interval applies');
      host.wake('slow');
      await until(() => passes === 3, 'a wake while waiting starts a pass at once');
      assert.equal(host.wake('unknown-loop'), undefined);
      assert.equal(maxInFlight, 1);
      release!();
    } finally {
      await host.stop();
      await storage.close();
    }
  });

  it('a pass that throws is logged and the loop goes on; other loops are unaffected', async () => {
    const storage = await openSqliteStorage(':memory:');
    const logs: AutomationLogLine[] = [];
    let attempts = 0;
    let steady = 0;
    const flaky: BackgroundLoop = { name: 'flaky', intervalMs: 5, async runOnce() { attempts += 1; if (attempts <= 2) throw new Error(`boom ${attempts}`); } };
    const other: BackgroundLoop = { name: 'other', intervalMs: 5, async runOnce() { steady += 1; } };
    const host = fastHost({ loops: [flaky, other], leases: storage.leases }, logs);
    try {
      host.start();
      await until(() => attempts >= 4 && steady >= 4, 'both loops went on');
      const errors = logs.filter((l) => l.level === 'error');
      assert.deepEqual(errors.map((l) => [l.loop, l.message]), [['flaky', 'pass failed: boom 1'], ['flaky', 'pass failed: boom 2']]);
      const status = host.loops().find((l) => l.name === 'flaky')!;
      assert.equal(status.failures, 2);
      assert.equal(status.lastError, undefined, 'cleared by the next good pass');
    } finally {
      await host.stop();
      await storage.close();
    }
  });

  it('stop aborts the pass in flight, waits for it to return, then releases the lease', async () => {
    const storage = await openSqliteStorage(':memory:');
    let sawAbort = false;
    let returned = false;
    const stubborn: BackgroundLoop = {
      name: 'stubborn',
      intervalMs: 5,
      async runOnce(_nowMs, signal) {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => { sawAbort = true; setTimeout(resolve, 30); }));
        returned = true;
      },
    };
    const host = fastHost({ holder: 'me', loops: [stubborn], leases: storage.leases });
    host.start();
    await until(() => host.loops()[0]!.isRunning, 'the pass is in flight');
    assert.equal((await storage.leases.getLease('automation'))?.holder, 'me');
    await host.stop();
    assert.equal(sawAbort, true);
    assert.equal(returned, true, 'stop resolved only after the pass returned');
    assert.equal(await storage.leases.getLease('automation'), undefined, 'released');
    assert.equal(host.loops()[0]!.failures, 0, 'an aborted pass is not a failure');
    await host.stop(); // idempotent
    await storage.close();
  });
});
