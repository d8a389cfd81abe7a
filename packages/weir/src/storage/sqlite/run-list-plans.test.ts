// The runs page's queries on SQLite walk an index in keyset order, never sort and never scan a table: checked with
// EXPLAIN QUERY PLAN on the SQL listRuns and countRuns actually send (captured with Kysely's query log). The figures
// on 100,000 runs are in bench/api-runs.mjs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import Database from 'libsql';
import type { RunFilter } from '../../events/index.js';
import { SqlEventLog } from '../sql/sql-event-log.js';
import { SqlRunStore } from '../sql/sql-run-store.js';
import type { WeirDb } from '../sql/weir-db.js';
import { openSqliteStorage } from './sqlite-storage.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-plans-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A migrated database, a connection whose queries are captured, and the plan of the last query sent. */
async function planned() {
  const path = join(dir, `m-${Math.random().toString(16).slice(2)}.sqlite`);
  await (await openSqliteStorage(path)).close();
  const database = new Database(path);
  const captured: CompiledQuery[] = [];
  const db = new Kysely<WeirDb>({ dialect: new SqliteDialect({ database }), log: (event) => { captured.push(event.query); } });
  return {
    runs: new SqlRunStore(db),
    events: new SqlEventLog(db),
    /** The plan lines of the last query, e.g. ['SEARCH runs USING INDEX runs_project_created_idx (project=?)']. */
    lastPlan(): string[] {
      const query = captured.at(-1)!;
      return (database.prepare(`explain query plan ${query.sql}`).all(query.parameters as unknown[]) as Array<{ detail: string }>).map((r) => r.detail);
    },
    close: () => db.destroy(),
  };
}

const LIST_CASES: Array<[string, RunFilter, RegExp]> = [
  ['the project', {}, /runs_project_created_idx/],
  ['one status', { statuses: ['FAILURE'] }, /runs_project_status_created_idx/],
  ['a trigger', { trigger: 'ui' }, /runs_project_trigger_created_idx/],
  ['a status and a trigger', { statuses: ['FAILURE'], trigger: 'schedule' }, /runs_project_status_trigger_created_idx \(project=\? AND status=\? AND trigger=\?\)/],
  ['an asset', { assetKey: 'orders' }, /run_assets_project_asset_created_idx/],
  ['an asset and a status', { assetKey: 'orders', statuses: ['FAILURE'] }, /run_assets_project_asset_status_created_idx \(project=\? AND asset_key=\? AND status=\?\)/],
  ['a date range', { since: 1000, until: 2000 }, /runs_project_created_idx \(project=\? AND created_at>\? AND created_at<\?\)/],
  ['a cursor', { beforeRunId: 'r1' }, /runs_project_created_idx \(project=\? AND \(created_at,run_id\)<\(\?,\?\)\)/],
  ['an asset and a cursor', { assetKey: 'orders', beforeRunId: 'r1' }, /run_assets_project_asset_created_idx \(project=\? AND asset_key=\? AND \(created_at,run_id\)<\(\?,\?\)\)/],
];

describe('run list query plans (SQLite)', () => {
  it('listRuns walks the filter\'s index newest first: no sort, no table scan', async () => {
    const p = await planned();
    try {
      await p.runs.createRun({ runId: 'r1', project: 'shop', trigger: 'cli', selection: null, stepKeys: ['orders'], createdAt: 1500 });
      for (const [name, filter, index] of LIST_CASES) {
        await p.runs.listRuns({ project: 'shop', limit: 51, ...filter });
        const plan = p.lastPlan().join(' | ');
        assert.match(plan, index, `${name}: ${plan}`);
        assert.doesNotMatch(plan, /TEMP B-TREE|SCAN runs|SCAN run_assets/, `${name}: ${plan}`);
      }
    } finally {
      await p.close();
    }
  });

  it('countRuns reads an index only; an asset\'s runs are counted without reading runs', async () => {
    const p = await planned();
    try {
      await p.runs.countRuns({ project: 'shop', assetKey: 'orders' }, { max: 10_001 });
      // Either of 0002's (project, asset_key, …) indexes covers it (since 0008 added a column, SQLite picks the one with status).
      assert.match(p.lastPlan().join(' | '), /COVERING INDEX run_assets_project_asset_(status_)?created_idx/);
      assert.doesNotMatch(p.lastPlan().join(' | '), / runs /);
      await p.runs.countRuns({ project: 'shop', statuses: ['FAILURE'] }, { max: 10_001 });
      assert.match(p.lastPlan().join(' | '), /COVERING INDEX runs_project_status_(trigger_)?created_idx/);
      await p.runs.countRuns({ project: 'shop', assetKey: 'orders', statuses: ['FAILURE'] }, { max: 10_001 });
      assert.match(p.lastPlan().join(' | '), /COVERING INDEX run_assets_project_asset_status_created_idx/);
      await p.runs.countRuns({ project: 'shop', statuses: ['FAILURE'], trigger: 'schedule', since: 5 }, { max: 10_001 });
      assert.match(p.lastPlan().join(' | '), /COVERING INDEX runs_project_status_trigger_created_idx \(project=\? AND status=\? AND trigger=\? AND created_at>\?\)/);
    } finally {
      await p.close();
    }
  });

  it('history pages and the project stream read by index, newest (or oldest) first without a sort', async () => {
    const p = await planned();
    try {
      await p.events.checkHistory('shop', 'orders', { limit: 21, beforeEventId: 100 });
      assert.match(p.lastPlan().join(' | '), /check_evaluations_asset_idx/);
      await p.events.materializationHistory('shop', 'orders', { limit: 21, beforeEventId: 100 });
      assert.match(p.lastPlan().join(' | '), /materializations_asset_idx/);
      await p.runs.createRun({ runId: 'r1', project: 'shop', trigger: 'cli', selection: null, stepKeys: [], createdAt: 1 });
      await p.events.eventsAfter(0, { project: 'shop', types: ['RUN_SUCCESS'] });
      assert.match(p.lastPlan().join(' | '), /SEARCH events USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/);
      for (const plan of [p.lastPlan()]) assert.doesNotMatch(plan.join(' | '), /TEMP B-TREE/);
    } finally {
      await p.close();
    }
  });
});
