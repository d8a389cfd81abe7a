// A step that logs a lot without yielding, through a real run (SQLite metadata, DuckDB warehouse): nothing lost,
// nothing out of order. The million-line figure (time, memory) is bench/log-lines.mjs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asset } from '../../src/index.js';
import { materialize } from '../../src/testing/index.js';

const LINES = 20_000;

describe('a step that logs without yielding', () => {
  it(`stores every line of ctx.log and console.log (${LINES} each, two steps at once) in order, before each step's STEP_SUCCESS`, async () => {
    const noisy = (key: string, via: 'ctx' | 'console') => asset({ key }, (_, ctx) => {
      for (let i = 0; i < LINES; i++) {
        if (via === 'ctx') ctx.log.info(`${key} ${i}`);
        else console.log('%s %d', key, i);
      }
      return 'select 1 as x';
    });
    const result = await materialize({ assets: [noisy('with_ctx', 'ctx'), noisy('with_console', 'console')], concurrency: 2 });
    try {
      assert.equal(result.status, 'SUCCESS');
      for (const key of ['with_ctx', 'with_console']) {
        const events = result.events.filter((e) => e.stepKey === key);
        const lines = events.filter((e) => e.type === 'LOG').map((e) => e.message);
        assert.deepEqual(lines, Array.from({ length: LINES }, (_, i) => `${key} ${i}`), `${key}: every line, in order`);
        assert.equal(events.at(-1)!.type, 'STEP_SUCCESS', `${key}: STEP_SUCCESS after its lines`);
      }
      assert.equal(result.events.at(-1)!.type, 'RUN_SUCCESS', 'everything was committed before the run reported its end');
    } finally {
      await result.close();
    }
  });
});
