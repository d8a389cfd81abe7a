// The wine-shop example end to end through the real CLI on a flat folder of exports (one month, the last complete
// one): generated exports (and the real ones when present), the seven named checks against the expected figures,
// the published files, the read-side commands (assets, runs, run-info, logs), re-running a month, and selection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import {
  TempDirs, REAL_EXPORTS, WINE_SHOP_EXAMPLE, copyWineShop, duckQuery, hasRealExports, node, runIdOf, stackLines, weir, weirJson,
  type AssetJson, type CliResult, type RunInfoJson, type RunJson,
} from './cli-helper.js';
import { monthOf, previousMonth } from '../../../../examples/wine-shop/definitions/export-months.js';

/** A flat folder of exports is one month, the last complete one: its files go to output/<that month>/. */
const OUT = `output/${previousMonth(monthOf(Date.now()))}`;

interface Expected {
  erp_rows: number;
  liaison_rows: number;
  web_rows_with_sku: number;
  web_rows: number;
  merged_rows: number;
  total_revenue: number;
  premium_wines: number;
}

const REAL_FIGURES: Expected = { erp_rows: 825, liaison_rows: 825, web_rows_with_sku: 1428, web_rows: 714, merged_rows: 714, total_revenue: 70568.6, premium_wines: 30 };

/** The seven checks the merchant verified by hand, and the expected figure each must observe. */
const SEVEN_CHECKS = (e: Expected): [string, string, number][] => [
  ['erp_row_count', 'erp_clean', e.erp_rows],
  ['liaison_row_count', 'liaison_clean', e.liaison_rows],
  ['web_rows_with_sku', 'web_with_sku', e.web_rows_with_sku],
  ['web_row_count', 'web_clean', e.web_rows],
  ['merged_row_count', 'merged', e.merged_rows],
  ['total_revenue', 'revenue', e.total_revenue],
  ['premium_wine_count', 'premium_wines', e.premium_wines],
];

const ASSETS = ['erp_raw', 'erp_clean', 'liaison_raw', 'liaison_clean', 'web_raw', 'web_with_sku', 'web_clean', 'merged', 'ordinary_wines', 'premium_wines', 'revenue', 'revenue_report', 'monthly_figures', 'month_over_month'];

const temp = new TempDirs();
after(() => temp.cleanup());

/** Asserts a successful run reproduced the figures: checks from run-info, then the three published files. */
async function assertGoodRun(project: string, run: CliResult, expected: Expected, dataDir: string): Promise<RunInfoJson> {
  assert.equal(run.code, 0, `weir run failed:\n${run.stdout}\n${run.stderr}`);
  assert.deepEqual(stackLines(run.stderr), []);
  const info = await weirJson<RunInfoJson>(['run-info', runIdOf(run.stdout), '--project', project]);
  assert.equal(info.run.status, 'SUCCESS');
  for (const [name, assetKey, figure] of SEVEN_CHECKS(expected)) {
    const check = info.checks.find((c) => c.checkName === name);
    assert.ok(check, `check ${name} was not evaluated`);
    assert.equal(check.assetKey, assetKey, name);
    assert.equal(check.passed, true, `${name}: ${check.message}`);
    assert.equal(check.observed, figure, `${name} observed`);
    const expectedValue = typeof check.expected === 'object' && check.expected !== null ? (check.expected as { equals?: number }).equals : check.expected;
    assert.equal(expectedValue, figure, `${name} expected`);
  }
  assert.ok(info.checks.every((c) => c.passed), 'every check passed');
  assert.deepEqual(info.steps.filter((s) => s.status !== 'succeeded').map((s) => s.key), []);
  assert.match(run.stdout, new RegExp(`· partition ${OUT.slice('output/'.length)}\n`), 'a flat folder is the last complete month');
  // Each raw asset records which bytes of its export it loaded.
  for (const [key, file] of [['erp_raw', 'Fichier_erp.xlsx'], ['liaison_raw', 'fichier_liaison.xlsx'], ['web_raw', 'Fichier_web.xlsx']]) {
    const m = info.materializations.find((x) => x.assetKey === key) as { metadata?: { loaded?: { sha256: string; bytes: number } } } | undefined;
    const bytes = readFileSync(join(dataDir, file!));
    assert.deepEqual(m?.metadata?.loaded && [m.metadata.loaded.sha256, m.metadata.loaded.bytes], [createHash('sha256').update(bytes).digest('hex'), bytes.length], key);
  }

  // revenue.xlsx: one row per merged product, then TOTAL with the expected total.
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(join(project, `${OUT}/revenue.xlsx`));
  const sheet = workbook.getWorksheet('revenue');
  assert.ok(sheet, 'revenue.xlsx has a sheet named revenue');
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  assert.deepEqual(header, ['product_id', 'sku', 'post_title', 'price', 'total_sales', 'revenue']);
  const rows: unknown[][] = [];
  sheet.eachRow((row, n) => { if (n > 1) rows.push((row.values as unknown[]).slice(1)); });
  assert.equal(rows.length, expected.merged_rows + 1, 'product rows + TOTAL');
  const total = rows.at(-1)!;
  assert.equal(total[0], 'TOTAL');
  assert.ok(Math.abs(Number(total[5]) - expected.total_revenue) < 0.005, `TOTAL revenue ${total[5]} vs ${expected.total_revenue}`);
  assert.ok(rows.slice(0, -1).every((r) => r[0] !== 'TOTAL'), 'one TOTAL row, last');
  const sumOfRows = rows.slice(0, -1).reduce((s, r) => s + Number(r[5]), 0);
  assert.ok(Math.abs(sumOfRows - expected.total_revenue) < 0.01, `sum of product rows ${sumOfRows}`);

  const premium = readFileSync(join(project, `${OUT}/premium_wines.csv`), 'utf8').trim().split('\n');
  assert.equal(premium[0], 'product_id,sku,post_title,price,stock_quantity,stock_status,total_sales,price_z');
  const [counts] = await duckQuery(`
    select (select count(*) from read_csv('${join(project, `${OUT}/premium_wines.csv`)}', header = true))::int as premium,
           (select count(*) from read_csv('${join(project, `${OUT}/ordinary_wines.csv`)}', header = true))::int as ordinary,
           (select count(*) from read_parquet('${join(project, `${OUT}/merged.parquet`)}'))::int as merged,
           (select count(distinct sku) from read_parquet('${join(project, `${OUT}/merged.parquet`)}'))::int as skus,
           (select min(price_z) from read_csv('${join(project, `${OUT}/premium_wines.csv`)}', header = true)) as min_premium_z`);
  assert.equal(counts!.premium, expected.premium_wines);
  assert.equal(counts!.merged, expected.merged_rows);
  assert.equal(counts!.skus, expected.merged_rows, 'one merged row per sku');
  assert.equal(counts!.premium + (counts!.ordinary as number), expected.merged_rows, 'premium + ordinary = merged');
  assert.ok((counts!.min_premium_z as number) > 2);
  return info;
}

// The real-exports run is started with the generated one (separate projects) to save wall time.
let realRun: Promise<{ project: string; run: CliResult } | undefined>;

describe('wine shop on generated exports (seed 3)', () => {
  let project = '';
  let dataDir = '';
  let expected: Expected;
  let baseline: CliResult;
  let env: Record<string, string>;

  before(async () => {
    const root = temp.make('weir-wine-');
    project = copyWineShop(join(root, 'project'));
    dataDir = join(root, 'data');
    await node([join(WINE_SHOP_EXAMPLE, 'scripts/generate-data.mjs'), '--out', dataDir, '--seed', '3']);
    expected = JSON.parse(readFileSync(join(dataDir, 'expected.json'), 'utf8')) as Expected;
    env = { WINE_SHOP_DATA_DIR: dataDir };
    realRun = hasRealExports()
      ? (async () => {
        const realProject = copyWineShop(join(temp.make('weir-wine-real-'), 'project'));
        return { project: realProject, run: await weir(['run', '--project', realProject], { env: { WINE_SHOP_DATA_DIR: REAL_EXPORTS } }) };
      })()
      : Promise.resolve(undefined);
    baseline = await weir(['run', '--project', project], { env });
  });

  it('runs with exit 0, the seven checks observe the figures of expected.json, and the files hold them', async () => {
    assert.ok(expected.total_revenue > 0 && expected.premium_wines > 0, 'expected.json has figures');
    await assertGoodRun(project, baseline, expected, dataDir);
    assert.match(baseline.stdout, /✔ success/);
    assert.match(baseline.stdout, /output\/\d{4}-\d{2}\/revenue\.xlsx/);
  });

  it('weir assets --json: every asset fresh with its row count', async () => {
    const assets = await weirJson<AssetJson[]>(['assets', '--project', project]);
    assert.deepEqual(assets.map((a) => a.key).sort(), [...ASSETS].sort());
    for (const a of assets) {
      assert.equal(a.status, 'fresh', a.key);
      assert.equal(a.lastMaterialization?.runId, runIdOf(baseline.stdout), a.key);
    }
    assert.equal(assets.find((a) => a.key === 'merged')!.lastMaterialization!.rowCount, expected.merged_rows);
    assert.deepEqual(assets.find((a) => a.key === 'merged')!.upstream.sort(), ['erp_clean', 'liaison_clean', 'web_clean']);
  });

  it('weir runs --json lists the run; weir logs <prefix> prints its events', async () => {
    const runId = runIdOf(baseline.stdout);
    const [runs, logs, onlyErp, unknown] = await Promise.all([
      weirJson<RunJson[]>(['runs', '--project', project]),
      weir(['logs', runId.slice(0, 8), '--project', project]),
      weir(['logs', runId.slice(0, 8), '--step', 'erp_clean', '--project', project]),
      weir(['logs', 'ffffffff', '--project', project]),
    ]);
    const run = runs.find((r) => r.runId === runId);
    assert.ok(run, 'the baseline run is listed');
    assert.equal(run.status, 'SUCCESS');
    assert.equal(run.stepKeys.length, ASSETS.length);

    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /RUN_START/);
    assert.match(logs.stdout, new RegExp(`erp_clean\\s+ASSET_CHECK_EVALUATION\\s+\\[${OUT.slice('output/'.length)}\\] erp_row_count: \\d+ rows, expected \\d+`));
    assert.match(logs.stdout, /revenue_report\s+STEP_SUCCESS/);
    assert.match(logs.stdout, /RUN_SUCCESS/);
    assert.ok(onlyErp.stdout.split('\n').filter(Boolean).every((l) => l.includes('erp_clean')), '--step filters');

    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no run matches 'ffffffff'/);
  });

  it("running the month again replaces that month's rows: monthly_figures keeps one row for it", async () => {
    const again = await weir(['run', '--project', project], { env });
    await assertGoodRun(project, again, expected, dataDir);
    const rows = await duckQuery('select month, revenue from w.main.monthly_figures', join(project, '.weir/warehouse.duckdb'));
    assert.deepEqual(rows.map((r) => [r.month, r.revenue]), [[OUT.slice('output/'.length), expected.total_revenue]]);
  });

  it('-s revenue+ runs revenue and its downstream only', async () => {
    const before = readFileSync(join(project, `${OUT}/premium_wines.csv`));
    const selected = await weir(['run', '-s', 'revenue+', '--project', project], { env });
    assert.equal(selected.code, 0, selected.stdout + selected.stderr);
    const info = await weirJson<RunInfoJson>(['run-info', runIdOf(selected.stdout), '--project', project]);
    assert.deepEqual(info.run.stepKeys.sort(), ['month_over_month', 'monthly_figures', 'revenue', 'revenue_report']);
    assert.deepEqual(info.materializations.map((m) => m.assetKey).sort(), ['month_over_month', 'monthly_figures', 'revenue', 'revenue_report']);
    assert.equal(info.checks.find((c) => c.checkName === 'total_revenue')?.observed, expected.total_revenue);
    assert.deepEqual(readFileSync(join(project, `${OUT}/premium_wines.csv`)), before, 'unselected output untouched');
  });

  it('after the web export changes, the next run of the month reads the new file', async () => {
    const other = join(temp.make('weir-wine-seed4-'), 'data');
    await node([join(WINE_SHOP_EXAMPLE, 'scripts/generate-data.mjs'), '--out', other, '--seed', '4', '--products', '300']);
    copyFileSync(join(other, 'Fichier_web.xlsx'), join(dataDir, 'Fichier_web.xlsx'));
    const rerun = await weir(['run', '-s', 'web_raw', '--project', project], { env });
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    const rowsOf = async (run: CliResult) => (await weirJson<RunInfoJson>(['run-info', runIdOf(run.stdout), '--project', project]))
      .materializations.find((m) => m.assetKey === 'web_raw')?.rowCount;
    const [seed3, seed4] = [await rowsOf(baseline), await rowsOf(rerun)];
    assert.ok(seed3 && seed4 && seed3 !== seed4, `web_raw had ${seed3} rows, now ${seed4}`);
    const [published] = await duckQuery(`select count(*)::int as n from w.main.web_raw`, join(project, '.weir/warehouse.duckdb'));
    assert.equal(published!.n, seed4, 'the month holds the new rows');
  });
});

describe('wine shop on the real monthly exports', () => {
  it('reproduces 825, 825, 1428, 714, 714, 70568.6 and 30', async (t) => {
    const real = await realRun;
    if (!real) return t.skip(`real exports not found at ${REAL_EXPORTS}`);
    await assertGoodRun(real.project, real.run, REAL_FIGURES, REAL_EXPORTS);
    // The real exports have no expected.json: the figures come from the definitions' constants.
    assert.ok(!existsSync(join(REAL_EXPORTS, 'expected.json')));
  });
});
