import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadErrorOf } from './load-error.ts';

describe('load error', () => {
  it('reads the server’s object, a plain string, or nothing', () => {
    assert.deepEqual(loadErrorOf({ message: 'x', file: 'definitions/a.ts', line: 3, column: 7, failedAt: 1 }), { message: 'x', file: 'definitions/a.ts', line: 3, column: 7 });
    assert.deepEqual(loadErrorOf('definitions/a.ts:3: boom'), { message: 'definitions/a.ts:3: boom' });
    assert.equal(loadErrorOf(null), undefined);
  });
});
