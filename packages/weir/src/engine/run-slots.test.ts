/** RunSlots: the queue behind max_concurrent_runs, first come first served, its limit read at each decision. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunSlots } from './run-slots.js';

const never = new AbortController().signal;

describe('run slots', () => {
  it('admits up to the limit, then first come first served as slots are released', async () => {
    const slots = new RunSlots(() => 2);
    const order: string[] = [];
    const admit = (id: string) => slots.admit(id, never).then((d) => { order.push(`${id}:${d}`); });
    const all = ['a', 'b', 'c', 'd'].map(admit);
    await Promise.resolve();
    assert.deepEqual(order, ['a:start', 'b:start']);
    assert.deepEqual(slots.queued(), ['c', 'd']);
    slots.release('b');
    await Promise.resolve();
    assert.deepEqual(order, ['a:start', 'b:start', 'c:start']);
    slots.release('unknown'); // not a started run: frees nothing
    await Promise.resolve();
    assert.deepEqual(slots.queued(), ['d']);
    slots.release('a');
    await Promise.all(all);
    assert.deepEqual(slots.running().sort(), ['c', 'd']);
  });

  it('a raised limit (weir.yaml reloaded) applies at the next decision, in queue order: a new run never jumps the queue', async () => {
    let limit = 1;
    const slots = new RunSlots(() => limit);
    await slots.admit('a', never);
    const order: string[] = [];
    const b = slots.admit('b', never).then((d) => { order.push(`b:${d}`); });
    limit = 2;
    // The next run to ask: b (waiting first) takes the new slot, c waits.
    const c = slots.admit('c', never).then((d) => { order.push(`c:${d}`); });
    await b;
    assert.deepEqual(order, ['b:start']);
    assert.deepEqual(slots.queued(), ['c']);
    slots.release('a');
    await c;
    assert.deepEqual(order, ['b:start', 'c:start']);
    assert.deepEqual(slots.running().sort(), ['b', 'c']);
  });

  it('cancel while waiting frees the place; close leaves the waiting runs; no limit starts everything', async () => {
    const slots = new RunSlots(() => 1);
    await slots.admit('a', never);
    const controller = new AbortController();
    const b = slots.admit('b', controller.signal);
    const c = slots.admit('c', never);
    controller.abort();
    assert.equal(await b, 'cancel');
    assert.deepEqual(slots.queued(), ['c']);
    slots.close();
    assert.equal(await c, 'leave');
    assert.equal(await slots.admit('d', never), 'leave');
    const aborted = new AbortController();
    aborted.abort();
    assert.equal(await new RunSlots(() => 1).admit('e', aborted.signal), 'cancel');
    const unlimited = new RunSlots(() => undefined);
    assert.deepEqual(await Promise.all(['x', 'y', 'z'].map((id) => unlimited.admit(id, never))), ['start', 'start', 'start']);
  });
});
