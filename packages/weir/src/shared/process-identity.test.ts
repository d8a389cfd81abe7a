import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { currentProcess, isProcessAlive, processStartOf } from './process-identity.js';

describe('process identity', () => {
  it('recognises this process, and not a pid reused by another start time', () => {
    const me = currentProcess();
    assert.equal(me.pid, process.pid);
    assert.ok(me.host.length > 0);
    if (process.platform === 'linux') assert.match(me.processStart ?? '', /^\d+$/);
    assert.equal(isProcessAlive(me.pid, me.processStart), true);
    assert.equal(isProcessAlive(me.pid, null), true);
    if (process.platform === 'linux') assert.equal(isProcessAlive(me.pid, '1'), false);
    assert.equal(isProcessAlive(0, null), false);
  });

  it('a killed child is not alive, even before its parent reaps it (a zombie)', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    const pid = child.pid!;
    const start = processStartOf(pid) ?? null;
    assert.equal(isProcessAlive(pid, start), true);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(pid, 'SIGKILL');
    // Poll: between the kill and the 'exit' handler the child is a zombie, which must already count as dead.
    const deadline = Date.now() + 5000;
    while (isProcessAlive(pid, start) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(isProcessAlive(pid, start), false);
    await exited;
    assert.equal(isProcessAlive(pid, start), false);
  });
});
