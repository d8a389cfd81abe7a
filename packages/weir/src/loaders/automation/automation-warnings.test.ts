// Warnings about declarative automation that could never act.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asset } from '../../definitions/asset.js';
import { externalFile } from '../../definitions/external-asset.js';
import { automationWarnings } from './automation-warnings.js';

describe('automationWarnings', () => {
  it('warns about an eager asset with no upstream asset, and only that', () => {
    const file = externalFile({ key: 'orders_file', path: 'orders.csv' });
    const orders = asset({ key: 'orders', inputs: { file }, automation: 'eager' }, ({ file }) => ({ load: 'csv', path: file }));
    const revenue = asset({ key: 'revenue', inputs: { orders }, automation: 'eager' }, ({ orders }) => `select * from ${orders}`);
    const daily = asset({ key: 'daily', automation: { onCron: '0 6 * * *' } }, () => 'select 1');
    const warnings = automationWarnings([orders, revenue, daily]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /asset 'orders' has automation: 'eager' but no upstream asset: nothing will trigger it \(input files are not watched/);
  });
});
