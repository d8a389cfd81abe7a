import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { currentProcess, isProcessAlive } from './process-identity.js';

const linux = process.platform === 'linux';

describe('process identity', () => {
  it('recognises this process, and not a pid reused by a later process, after a reboot, or in another namespace', () => {
    const me = currentProcess();
    assert.equal(me.pid, process.pid);
    assert.ok(me.host.length > 0);
    assert.equal(isProcessAlive(me.pid, me.processStart), true);
    assert.equal(isProcessAlive(me.pid, null), true);
    assert.equal(isProcessAlive(0, null), false);
    if (!linux) return;
    const [boot, namespace, start] = me.processStart!.split('/');
    assert.match(boot!, /^[0-9a-f-]{36}$/);
    assert.match(namespace!, /^pid:\[\d+\]$/);
    assert.match(start!, /^\d+$/);
    assert.equal(isProcessAlive(me.pid, `${boot}/${namespace}/1`), false, 'same pid, another start: reused');
    assert.equal(isProcessAlive(me.pid, `00000000-0000-0000-0000-000000000000/${namespace}/${start}`), false, 'recorded before a reboot');
    assert.equal(isProcessAlive(me.pid, `${boot}/pid:[1]/${start}`), undefined, 'another pid namespace cannot be probed');
  });

  it('a killed child is not alive, even before its parent reaps it (a zombie)', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    const pid = child.pid!;
    // The child's token as it would record it: same boot and namespace as ours, its own start time.
    const start = linux ? `${currentProcess().processStart!.split('/').slice(0, 2).join('/')}/${(await import('node:fs')).readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]}` : null;
    assert.equal(isProcessAlive(pid, start), true);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(pid, 'SIGKILL');
    // Between the kill and the 'exit' handler the child is a zombie, which must already count as dead.
    const deadline = Date.now() + 5000;
    while (isProcessAlive(pid, start) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(isProcessAlive(pid, start), false);
    await exited;
    assert.equal(isProcessAlive(pid, start), false);
  });
});
