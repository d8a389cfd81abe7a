// The wine-shop example over several generated months through the real CLI: `weir backfill` of the monthly
// partitions builds every month, each month's run passes the seven checks against that month's expected.json,
// keeps its files in output/<month>/, and month_over_month compares it with the month before (read through
// { offset: -1 }); a run without --partition builds the latest month.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { TempDirs, WINE_SHOP_EXAMPLE, copyWineShop, duckQuery, node, runIdOf, weir, weirJson, type CliResult, type RunInfoJson, type RunJson } from './cli-helper.js';

interface Expected { month: string; erp_rows: number; web_rows: number; merged_rows: number; total_revenue: number; premium_wines: number }

const MONTHS = ['2025-01', '2025-02', '2025-03'];
const temp = new TempDirs();
after(() => temp.cleanup());

async function sheetRows(path: string, sheet: string): Promise<Record<string, unknown>[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const rows: unknown[][] = [];
  workbook.getWorksheet(sheet)!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  const [header, ...data] = rows;
  return data.map((row) => Object.fromEntries(header!.map((name, i) => [String(name), row[i] ?? null])));
}

describe('wine shop over generated months, built by a backfill', () => {
  let project = '';
  let dataDir = '';
  let backfill: CliResult;
  const expected = new Map<string, Expected>();
  const runs = new Map<string, RunInfoJson>();

  before(async () => {
    const root = temp.make('weir-wine-months-');
    project = copyWineShop(join(root, 'project'));
    dataDir = join(root, 'data');
    // 200 products a month keeps the test fast; the drift is the same as at full size.
    await node([join(WINE_SHOP_EXAMPLE, 'scripts/generate-data.mjs'), '--out', dataDir, '--months', `${MONTHS[0]}..${MONTHS.at(-1)}`, '--products', '200', '--seed', '5']);
    for (const month of MONTHS) expected.set(month, JSON.parse(readFileSync(join(dataDir, month, 'expected.json'), 'utf8')) as Expected);
    backfill = await weir(['backfill', '-s', 'tag:monthly', '--all', '--project', project], { env: { WINE_SHOP_DATA_DIR: dataDir } });
    assert.equal(backfill.code, 0, `${backfill.stdout}\n${backfill.stderr}`);
    const listed = await weirJson<Array<RunJson & { tags: Record<string, string>; trigger: string }>>(['runs', '--project', project]);
    for (const run of listed) runs.set(run.tags['weir/partition']!, await weirJson<RunInfoJson>(['run-info', run.runId, '--project', project]));
  });

  it('one backfill run per month of the data folder, one at a time since month_over_month reads the month before', () => {
    assert.match(backfill.stdout, new RegExp(`· ${MONTHS.length} partitions · 1 at once`));
    assert.match(backfill.stdout, /one partition at a time, oldest first: asset 'month_over_month' reads earlier partitions of 'monthly_figures' \(input 'previous'\)/);
    assert.match(backfill.stdout, new RegExp(`completed: ${MONTHS.length} succeeded, 0 failed`));
    assert.deepEqual([...runs.keys()].sort(), MONTHS);
  });

  it('the generated months drift: products added and removed, prices and sales change', () => {
    const [first, , last] = MONTHS.map((m) => expected.get(m)!);
    assert.notEqual(first!.erp_rows, last!.erp_rows);
    assert.notEqual(first!.total_revenue, last!.total_revenue);
    assert.ok(MONTHS.every((m) => expected.get(m)!.month === m));
  });

  it("each month passes its checks against its own expected figures, reading its own folder", () => {
    for (const month of MONTHS) {
      const info = runs.get(month)!;
      const e = expected.get(month)!;
      assert.equal(info.run.status, 'SUCCESS', month);
      const observed = (name: string) => info.checks.find((c) => c.checkName === name)?.observed;
      assert.deepEqual([observed('erp_row_count'), observed('web_row_count'), observed('merged_row_count'), observed('total_revenue'), observed('premium_wine_count')],
        [e.erp_rows, e.web_rows, e.merged_rows, e.total_revenue, e.premium_wines], month);
      assert.ok(info.checks.every((c) => c.passed), month);
      const expectedOf = (name: string) => info.checks.find((c) => c.checkName === name)?.expected;
      assert.deepEqual([expectedOf('erp_row_count'), expectedOf('total_revenue')], [e.erp_rows, e.total_revenue], `${month} compares with its own expected.json`);
      assert.equal(info.materializations.find((m) => m.assetKey === 'erp_clean')?.rowCount, e.erp_rows, month);
    }
  });

  it("keeps every month's files in output/<month>/, and every month's figures in one table", async () => {
    for (const month of MONTHS) {
      for (const file of ['revenue.xlsx', 'premium_wines.csv', 'ordinary_wines.csv', 'merged.parquet', 'month_over_month.xlsx']) {
        assert.ok(existsSync(join(project, 'output', month, file)), `output/${month}/${file}`);
      }
    }
    const rows = await duckQuery('select month, revenue, web_products, erp_products, premium_wines from w.main.monthly_figures order by month', join(project, '.weir/warehouse.duckdb'));
    assert.deepEqual(rows.map((r) => [r.month, r.revenue, r.web_products, r.erp_products, r.premium_wines]),
      MONTHS.map((m) => { const e = expected.get(m)!; return [m, e.total_revenue, e.merged_rows, e.erp_rows, e.premium_wines]; }));
  });

  it('month_over_month compares each month with the one before: change and change in %', async () => {
    const first = await sheetRows(join(project, 'output', MONTHS[0]!, 'month_over_month.xlsx'), 'month_over_month');
    assert.deepEqual(first.map((r) => [r.measure, r.previous, r.change]), [['revenue', null, null], ['web_products', null, null], ['erp_products', null, null], ['premium_wines', null, null]]);
    for (const [i, month] of MONTHS.entries()) {
      if (i === 0) continue;
      const [previous, current] = [expected.get(MONTHS[i - 1]!)!, expected.get(month)!];
      const rows = new Map((await sheetRows(join(project, 'output', month, 'month_over_month.xlsx'), 'month_over_month')).map((r) => [r.measure, r]));
      const figures: [string, number, number][] = [
        ['revenue', previous.total_revenue, current.total_revenue], ['web_products', previous.merged_rows, current.merged_rows],
        ['erp_products', previous.erp_rows, current.erp_rows], ['premium_wines', previous.premium_wines, current.premium_wines],
      ];
      for (const [measure, before, now] of figures) {
        const row = rows.get(measure)!;
        assert.deepEqual([row.previous_month, row.month, row.previous, row.current], [MONTHS[i - 1], month, before, now], `${month} ${measure}`);
        assert.ok(Math.abs(Number(row.change) - (now - before)) < 0.005, `${month} ${measure} change ${row.change}`);
        const pct = before === 0 ? null : Math.round(10_000 * (now - before) / before) / 100;
        assert.ok(pct === null ? row.change_pct === null : Math.abs(Number(row.change_pct) - pct) < 0.0051, `${month} ${measure} % ${row.change_pct} vs ${pct}`);
      }
    }
  });

  it('a run without --partition builds the latest month', async () => {
    const run = await weir(['run', '-s', 'erp_raw+', '--project', project], { env: { WINE_SHOP_DATA_DIR: dataDir } });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const info = await weirJson<RunInfoJson>(['run-info', runIdOf(run.stdout), '--project', project]);
    assert.equal(info.checks.find((c) => c.checkName === 'erp_row_count')?.observed, expected.get(MONTHS.at(-1)!)!.erp_rows);
    assert.match(run.stdout, new RegExp(`output/${MONTHS.at(-1)}/`));
    const listed = await weirJson<Array<RunJson & { tags: Record<string, string> }>>(['runs', '--project', project, '-n', '1']);
    assert.equal(listed[0]!.tags['weir/partition'], MONTHS.at(-1));
  });

  it('a month that is not in the data folder is refused, naming the months there are', async () => {
    const run = await weir(['run', '--partition', '2024-12', '--project', project], { env: { WINE_SHOP_DATA_DIR: dataDir } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /partition key '2024-12' is outside monthly partitions from 2025-01 to 2025-04 \(excluded\).*the valid keys are 2025-01 … 2025-03/);
  });

  // Last: it damages a month of the data folder.
  it("a month given another month's ERP export fails its own figure, and leaves every month's published figures as they were", async () => {
    const [january, february] = [expected.get(MONTHS[0]!)!, expected.get(MONTHS[1]!)!];
    assert.notEqual(january.erp_rows, february.erp_rows, 'the two months differ');
    const warehouse = join(project, '.weir/warehouse.duckdb');
    const before = await duckQuery('select * from w.main.monthly_figures order by month', warehouse);
    copyFileSync(join(dataDir, MONTHS[0]!, 'Fichier_erp.xlsx'), join(dataDir, MONTHS[1]!, 'Fichier_erp.xlsx'));
    const run = await weir(['run', '--partition', MONTHS[1]!, '--project', project], { env: { WINE_SHOP_DATA_DIR: dataDir } });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const info = await weirJson<RunInfoJson>(['run-info', runIdOf(run.stdout), '--project', project]);
    const check = info.checks.find((c) => c.checkName === 'erp_row_count')!;
    assert.deepEqual([check.passed, check.observed, check.expected], [false, january.erp_rows, february.erp_rows]);
    assert.equal(check.message, `erp_row_count: ${january.erp_rows} rows, expected ${february.erp_rows}`);
    assert.deepEqual(await duckQuery('select * from w.main.monthly_figures order by month', warehouse), before);
  });
});
