// Pure helpers behind the asset routes: column changes between materializations and check statuses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkStatus, columnChanges } from './asset-views.js';

describe('asset views', () => {
  it('compares columns: added, removed, type changed', () => {
    assert.deepEqual(
      columnChanges([{ name: 'id', type: 'INTEGER' }, { name: 'old', type: 'VARCHAR' }], [{ name: 'id', type: 'BIGINT' }, { name: 'n', type: 'VARCHAR' }]),
      { added: [{ name: 'n', type: 'VARCHAR' }], removed: [{ name: 'old', type: 'VARCHAR' }], typeChanged: [{ name: 'id', from: 'INTEGER', to: 'BIGINT' }] },
    );
    assert.deepEqual(columnChanges([{ name: 'a', type: 'X' }], [{ name: 'a', type: 'X' }]), { added: [], removed: [], typeChanged: [] });
  });

  it('names a check status from its latest evaluation', () => {
    assert.equal(checkStatus(undefined), 'never');
    assert.equal(checkStatus({ passed: true, severity: 'error' }), 'passed');
    assert.equal(checkStatus({ passed: true, severity: 'error', outcome: 'warn_only' }), 'warned');
    assert.equal(checkStatus({ passed: false, severity: 'error', outcome: 'could_not_run' }), 'failed');
    assert.equal(checkStatus({ passed: false, severity: 'warn' }), 'warned');
    assert.equal(checkStatus({ passed: false, severity: 'error' }), 'failed');
  });
});
