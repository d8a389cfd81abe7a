/** Run retry policies: defaults, which errors are transient, backoff, and the asset option's errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWeirError } from '../shared/errors.js';
import { asset } from './asset.js';
import { isTransientError, resolveRunRetry, retryDelayMs } from './run-retry.js';

describe('run retry policy', () => {
  it('by default, timeouts, connection resets and DuckDB lock conflicts are transient; a SQL error is not', () => {
    const policy = resolveRunRetry({ max: 3 });
    assert.deepEqual([policy.max, policy.delayMs, policy.backoff], [3, 60_000, 'exponential']);
    for (const error of [
      { message: 'read ECONNRESET', code: 'ECONNRESET' },
      { message: 'connect ETIMEDOUT 10.0.0.5:443', code: 'ETIMEDOUT' },
      { message: 'The operation was aborted due to timeout' },
      { message: 'Request timed out after 30000 ms' },
      { message: 'socket hang up' },
      { message: 'IO Error: Could not set lock on file "/srv/w.duckdb": Conflicting lock is held in /usr/bin/node (PID 4242)' },
    ]) assert.equal(isTransientError(error, policy), true, error.message);
    for (const error of [
      { message: "Binder Error: Referenced column 'prcie' not found" },
      { message: 'Conversion Error: Could not convert string "abc" to INT32' },
      { message: 'ENOENT: no such file or directory', code: 'ENOENT' },
    ]) assert.equal(isTransientError(error, policy), false, error.message);
  });

  it('`on` replaces the defaults; `defaults` extends them; codes, message text and patterns', () => {
    const own = resolveRunRetry({ max: 1, on: ['HTTP 503', /rate limit/i, 'SQLITE_BUSY'] });
    assert.equal(isTransientError({ message: 'upstream answered http 503' }, own), true, 'message text ignores case');
    assert.equal(isTransientError({ message: 'Rate limit exceeded' }, own), true);
    assert.equal(isTransientError({ message: 'database is locked', code: 'SQLITE_BUSY' }, own), true);
    assert.equal(isTransientError({ message: 'read ECONNRESET', code: 'ECONNRESET' }, own), false, 'not in the list given');
    const extended = resolveRunRetry({ max: 1, on: ['defaults', 'HTTP 503'] });
    assert.equal(isTransientError({ message: 'read ECONNRESET', code: 'ECONNRESET' }, extended), true);
    assert.equal(isTransientError({ message: 'HTTP 503' }, extended), true);
  });

  it('backoff: fixed waits the delay each time, exponential doubles it', () => {
    assert.deepEqual([1, 2, 3].map((n) => retryDelayMs(resolveRunRetry({ max: 3, delay: '30s' }), n)), [30_000, 60_000, 120_000]);
    assert.deepEqual([1, 2, 3].map((n) => retryDelayMs(resolveRunRetry({ max: 3, delay: '30s', backoff: 'fixed' }), n)), [30_000, 30_000, 30_000]);
  });

  it('asset({ runRetry }) is resolved on the definition; a wrong one is a clear error saying what to write', () => {
    const ok = asset({ key: 'orders', runRetry: { max: 2, delay: '5m' } }, () => 'select 1');
    assert.deepEqual([ok.runRetry?.max, ok.runRetry?.delayMs], [2, 300_000]);
    assert.equal(asset({ key: 'plain' }, () => 'select 1').runRetry, undefined);
    assert.throws(() => asset({ key: 'bad', runRetry: { max: 0 } }, () => 'select 1'), (error: unknown) => {
      assert.ok(isWeirError(error));
      assert.match(error.message, /asset 'bad': option 'runRetry.max' is invalid: .* \(expected \{ max: 3, delay: '1m', backoff: 'exponential' \| 'fixed', on: \[/);
      return true;
    });
    assert.throws(() => asset({ key: 'bad_delay', runRetry: { max: 1, delay: 'soon' } }, () => 'select 1'), /asset 'bad_delay': 'soon' is not a duration/);
  });
});
