/** Tests for AssetLocks: first come first served, waiters told each holder, an aborted wait leaves the queue. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssetLocks, LockWaitAborted, assetLockKey, assetLocksFor } from './asset-locks.js';

test('waiters are granted in arrival order and told who holds the lock each time it changes', async () => {
  const locks = new AssetLocks();
  const told: string[] = [];
  const order: string[] = [];
  const releaseA = await locks.acquire('orders', 'A');
  const b = locks.acquire('orders', 'B', { onWait: (holder) => told.push(`B waits for ${holder}`) }).then((r) => { order.push('B'); return r; });
  const c = locks.acquire('orders', 'C', { onWait: (holder) => told.push(`C waits for ${holder}`) }).then((r) => { order.push('C'); return r; });
  // Another key is independent.
  (await locks.acquire('revenue', 'C'))();
  releaseA();
  releaseA(); // twice is harmless
  const releaseB = await b;
  assert.equal(locks.holder('orders'), 'B');
  releaseB();
  (await c)();
  assert.deepEqual(order, ['B', 'C']);
  assert.deepEqual(told, ['B waits for A', 'C waits for A', 'C waits for B']);
  assert.equal(locks.holder('orders'), undefined);
});

test('an aborted wait rejects and leaves the queue; the next waiter still gets the lock', async () => {
  const locks = new AssetLocks();
  const release = await locks.acquire('orders', 'A');
  const controller = new AbortController();
  const b = locks.acquire('orders', 'B', { signal: controller.signal });
  const c = locks.acquire('orders', 'C');
  controller.abort();
  await assert.rejects(b, (error: unknown) => error instanceof LockWaitAborted && error.holderRunId === 'A');
  release();
  (await c)();
  await assert.rejects(locks.acquire('orders', 'D', { signal: controller.signal }), LockWaitAborted);
  assert.equal(locks.holder('orders'), undefined);
});

test('one set of locks per warehouse object; lock keys leave room for partitions', () => {
  const warehouse = {};
  assert.equal(assetLocksFor(warehouse), assetLocksFor(warehouse));
  assert.notEqual(assetLocksFor(warehouse), assetLocksFor({}));
  assert.equal(assetLockKey('sales/orders'), 'sales/orders');
  assert.equal(assetLockKey('sales/orders', '2026-12-01'), 'sales/orders[2026-12-01]');
});
