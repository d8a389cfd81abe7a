import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHECK_OUTCOMES, STEP_STATUSES } from '../../events/index.js';
import { dbtNodeStatusOf, dbtTestStatusOf } from './dbt-run-statuses.js';

describe('dbt run_results statuses', () => {
  it('maps every ended step status, and leaves unfinished steps out', () => {
    const of = (status: (typeof STEP_STATUSES)[number], extra = {}, publishThenTest = false) => dbtNodeStatusOf({ status, ...extra }, { publishThenTest });
    assert.deepEqual(
      STEP_STATUSES.map((s) => [s, of(s)]),
      [['pending', undefined], ['running', undefined], ['retrying', undefined], ['succeeded', 'success'], ['failed', 'error'], ['skipped', 'skipped'], ['reused', 'skipped'], ['canceled', 'error']],
    );
    assert.equal(of('canceled', { skipReason: 'canceled' }), 'skipped', 'cancelled before it started');
    assert.equal(of('failed', { failReason: 'check_failed' }, true), 'success', 'publish_then_test: published, then tested');
    assert.equal(of('failed', { failReason: 'check_failed' }, false), 'error');
  });

  it('maps every check outcome to a test status', () => {
    assert.deepEqual(CHECK_OUTCOMES.map((o) => [o, dbtTestStatusOf(o)]), [['passed', 'pass'], ['warn_only', 'warn'], ['warned', 'warn'], ['failed', 'fail'], ['could_not_run', 'error']]);
  });
});
