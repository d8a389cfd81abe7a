// The project's schedules from every front end, checked against its assets: one object exported twice is one
// schedule, two of one name are an error naming both places, a selection matching nothing names the selector.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asset } from '../../definitions/asset.js';
import type { ProjectConfig } from '../../definitions/project.js';
import { defineSchedule } from '../../definitions/schedule.js';
import { WeirErrors, type WeirError } from '../../shared/errors.js';
import { projectSchedules } from './project-schedules.js';

const project = { name: 'shop', root: '/p', configFile: '/p/weir.yaml' } as ProjectConfig;
const orders = asset({ key: 'orders', tags: ['monthly'] }, () => 'select 1 as id');
const revenue = asset({ key: 'revenue', inputs: { orders }, automation: { cron: '0 6 * * *' } }, ({ orders }) => `select * from ${orders}`);
const ts = (name: string, select: string) => defineSchedule({ name, select, cron: '0 6 1 * *' }, { origin: 'typescript', location: { file: '/p/definitions/s.ts', line: 3 } });
const errorsOf = (fn: () => unknown): WeirError[] => {
  try {
    fn();
  } catch (error) {
    return error instanceof WeirErrors ? error.errors : [error as WeirError];
  }
  assert.fail('no error');
};

describe('projectSchedules', () => {
  it("weir.yaml's, TypeScript's and the assets' schedules, one object exported twice counted once", () => {
    const monthly = ts('monthly_report', 'tag:monthly');
    const yaml = defineSchedule({ name: 'nightly', select: 'orders+', cron: '30 2 * * *' }, { origin: 'yaml', location: { file: '/p/weir.yaml', line: 3 } });
    const all = projectSchedules({ ...project, schedules: [yaml] }, [orders, revenue], [], [monthly, monthly]);
    assert.deepEqual(all.map((s) => [s.name, s.origin]), [['nightly', 'yaml'], ['monthly_report', 'typescript'], ['asset:revenue', 'asset']]);
  });

  it('two schedules of one name: an error naming both places (relative to the project)', () => {
    const yaml = defineSchedule({ name: 'monthly_report', select: 'orders', cron: '0 6 1 * *' }, { origin: 'yaml', location: { file: '/p/weir.yaml', line: 7 } });
    const [error] = errorsOf(() => projectSchedules({ ...project, schedules: [yaml] }, [orders], [], [ts('monthly_report', 'orders')]));
    assert.equal(error!.code, 'DUPLICATE_SCHEDULE');
    assert.match(error!.message, /^\/p\/definitions\/s\.ts:3: schedule 'monthly_report' is declared twice: weir\.yaml:7 and definitions\/s\.ts:3\./);
  });

  it('a selection that matches no asset: every such schedule, with the selector\'s suggestion', () => {
    const errors = errorsOf(() => projectSchedules(project, [orders], [], [ts('a', 'ordrs'), ts('b', 'tag:monthlly'), ts('c', 'orders')]));
    assert.deepEqual(errors.map((e) => e.code), ['SCHEDULE_SELECTS_NOTHING', 'SCHEDULE_SELECTS_NOTHING']);
    assert.match(errors[0]!.message, /schedule 'a': selector 'ordrs' matches no asset\. Did you mean 'orders'\?/);
    assert.match(errors[1]!.message, /schedule 'b': selector 'tag:monthlly' matches no asset\. Did you mean 'monthly'\?/);
  });
});
