// The wine-shop pipeline on damaged copies of the REAL exports: each defect must fail loudly with a clear message,
// skip what depends on it, and leave the last good published tables and files exactly as they were.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import {
  TempDirs, REAL_EXPORTS, REAL_EXPORT_FILES, copyWineShop, duckQuery, hasRealExports, latestRun, runIdOf, stackLines, weir, weirJson,
  type AssetJson, type CliResult, type RunInfoJson,
} from './cli-helper.js';
import { monthOf, previousMonth } from '../../../../examples/wine-shop/definitions/export-months.js';

/** The real exports and their damaged copies are flat folders: the last complete month, so every run writes to output/<that month>/. */
const OUT = `output/${previousMonth(monthOf(Date.now()))}`;
const OUTPUTS = ['merged.parquet', 'premium_wines.csv', 'ordinary_wines.csv', 'revenue.xlsx', 'month_over_month.xlsx'].map((f) => `${OUT}/${f}`);
const DOWNSTREAM_OF_ERP_CLEAN = ['merged', 'ordinary_wines', 'premium_wines', 'revenue', 'revenue_report', 'monthly_figures', 'month_over_month'];
const real = hasRealExports();
const SKIP = `real exports not found at ${REAL_EXPORTS}`;

const temp = new TempDirs();
after(() => temp.cleanup());

/** A folder holding the three real exports, one of them rewritten by `edit` (exceljs, whole workbook). */
async function exportsWith(file: string, edit?: (sheet: ExcelJS.Worksheet, workbook: ExcelJS.Workbook) => void): Promise<string> {
  const dir = temp.make('weir-defect-data-');
  for (const f of REAL_EXPORT_FILES) copyFileSync(join(REAL_EXPORTS, f), join(dir, f));
  if (edit) {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(REAL_EXPORTS, file));
    edit(workbook.worksheets[0]!, workbook);
    await workbook.xlsx.writeFile(join(dir, file));
  }
  return dir;
}

const headerOf = (sheet: ExcelJS.Worksheet) => (sheet.getRow(1).values as unknown[]);
const lastLine = (stdout: string) => stdout.trim().split('\n').at(-1) ?? '';

describe('wine shop on damaged real exports', { skip: real ? false : SKIP }, () => {
  let project = '';
  let erpCleanAfterA: AssetJson | undefined;
  const published = new Map<string, Buffer>();
  const data = new Map<string, Promise<string>>();

  before(async () => {
    if (!real) return;
    // The damaged copies are written while the good run runs.
    data.set('extra', exportsWith('Fichier_erp.xlsx', (sheet) => {
      const last = (sheet.getRow(sheet.rowCount).values as unknown[]).slice(1);
      sheet.addRow([99999, ...last.slice(1)]); // a new product_id, otherwise like the last product
    }));
    data.set('duplicate', exportsWith('Fichier_erp.xlsx', (sheet) => {
      sheet.addRow((sheet.getRow(2).values as unknown[]).slice(1)); // the first product, exported twice
    }));
    data.set('negative', exportsWith('Fichier_web.xlsx', (sheet) => {
      const header = headerOf(sheet);
      const [sales, type, sku] = ['total_sales', 'post_type', 'sku'].map((c) => header.indexOf(c));
      for (let r = 2; r <= sheet.rowCount; r++) {
        const row = sheet.getRow(r);
        if (row.getCell(type!).value === 'product' && row.getCell(sku!).value !== null && Number(row.getCell(sales!).value) > 0) {
          row.getCell(sales!).value = -Number(row.getCell(sales!).value);
          return;
        }
      }
      throw new Error('no product row with sales in Fichier_web.xlsx');
    }));
    data.set('empty', exportsWith('Fichier_erp.xlsx', (sheet, workbook) => {
      workbook.removeWorksheet(sheet.id);
      workbook.addWorksheet('Sheet1');
    }));
    data.set('no-header', exportsWith('Fichier_erp.xlsx', (sheet) => { sheet.spliceRows(1, 1); }));
    data.set('no-price', exportsWith('Fichier_erp.xlsx', (sheet) => { sheet.spliceColumns(headerOf(sheet).indexOf('price'), 1); }));
    data.set('corrupt', exportsWith('Fichier_erp.xlsx').then((dir) => { writeFileSync(join(dir, 'Fichier_erp.xlsx'), randomBytes(20_000)); return dir; }));
    data.set('text', exportsWith('Fichier_erp.xlsx').then((dir) => { writeFileSync(join(dir, 'Fichier_erp.xlsx'), 'product_id,price\n3847,24.2\n'); return dir; }));
    data.set('missing', Promise.resolve(temp.make('weir-defect-empty-')));
    for (const p of data.values()) p.catch(() => undefined);

    project = copyWineShop(join(temp.make('weir-defects-'), 'project'));
    const good = await weir(['run', '--project', project], { env: { WINE_SHOP_DATA_DIR: REAL_EXPORTS } });
    assert.equal(good.code, 0, `the good run failed:\n${good.stdout}\n${good.stderr}`);
    for (const f of OUTPUTS) published.set(f, readFileSync(join(project, f)));
  });

  const runOn = async (defect: string): Promise<CliResult> => weir(['run', '--project', project], { env: { WINE_SHOP_DATA_DIR: await data.get(defect)! } });

  /** The last good outputs and the published erp_clean table are exactly as the good run left them. */
  async function assertPublishedUntouched(): Promise<void> {
    for (const f of OUTPUTS) assert.ok(readFileSync(join(project, f)).equals(published.get(f)!), `${f} is byte-identical to the last good run`);
    const [row] = await duckQuery('select count(*)::int as n from w.main.erp_clean', join(project, '.weir/warehouse.duckdb'));
    assert.equal(row!.n, 825, 'published erp_clean keeps its 825 rows');
  }

  /** A failed run: exit 1, recorded as FAILURE, no JavaScript stack on stderr. */
  async function assertFailedRun(run: CliResult): Promise<RunInfoJson> {
    assert.equal(run.code, 1, `exit code\n${run.stdout}\n${run.stderr}`);
    assert.deepEqual(stackLines(run.stderr), [], 'no stack trace on stderr');
    assert.deepEqual(stackLines(run.stdout), [], 'no stack trace on stdout');
    assert.match(lastLine(run.stdout), /failure/);
    const info = await weirJson<RunInfoJson>(['run-info', runIdOf(run.stdout), '--project', project]);
    assert.equal(info.run.status, 'FAILURE');
    assert.equal((await latestRun(project)).runId, info.run.runId, 'the failed run is recorded');
    return info;
  }

  it('a. an extra ERP product: erp_row_count fails 826 vs 825, downstream skipped, published data kept', async () => {
    const run = await runOn('extra');
    const info = await assertFailedRun(run);
    const check = info.checks.find((c) => c.checkName === 'erp_row_count')!;
    assert.equal(check.passed, false);
    assert.equal(check.message, 'erp_row_count: 826 rows, expected 825');
    assert.equal(check.observed, 826);
    assert.match(run.stdout, /erp_row_count: 826 rows, expected 825/);
    const steps = new Map(info.steps.map((s) => [s.key, s]));
    assert.equal(steps.get('erp_clean')!.status, 'failed');
    for (const key of DOWNSTREAM_OF_ERP_CLEAN) {
      assert.equal(steps.get(key)!.status, 'skipped', key);
      assert.match(steps.get(key)!.reason ?? '', /upstream erp_clean failed its checks/, key);
    }
    assert.ok(!info.materializations.some((m) => m.assetKey === 'erp_clean' || DOWNSTREAM_OF_ERP_CLEAN.includes(m.assetKey)), 'nothing published from erp_clean on');
    erpCleanAfterA = (await weirJson<AssetJson[]>(['assets', '--project', project])).find((a) => a.key === 'erp_clean')!;
    assert.equal(erpCleanAfterA.lastMaterialization!.rowCount, 825, 'last materialization is still the good one');
    await assertPublishedUntouched();
    const [audit] = await duckQuery('select count(*)::int as n from w.main.erp_clean__weir_audit', join(project, '.weir/warehouse.duckdb'));
    assert.equal(audit!.n, 826, 'the failing data is kept for inspection');
  });

  it('a. … and weir assets shows erp_clean as check failed', () => {
    assert.equal(erpCleanAfterA?.status, 'check_failed');
  });

  it('d. an ERP workbook whose sheet is empty: a clear error naming the file', async () => {
    const run = await runOn('empty');
    const info = await assertFailedRun(run);
    const step = info.steps.find((s) => s.key === 'erp_raw')!;
    assert.equal(step.status, 'failed');
    const path = join(await data.get('empty')!, 'Fichier_erp.xlsx');
    assert.match(run.stdout, new RegExp(`✘ erp_raw: ${path}: the sheet is empty`));
    assert.ok(DOWNSTREAM_OF_ERP_CLEAN.every((k) => info.steps.find((s) => s.key === k)!.status === 'skipped'));
    await assertPublishedUntouched();
  });

  it('d. an ERP workbook without its header row: a clear error naming the file', async () => {
    const run = await runOn('no-header');
    await assertFailedRun(run);
    const path = join(await data.get('no-header')!, 'Fichier_erp.xlsx');
    assert.match(run.stdout, new RegExp(`✘ erp_raw: ${path}(:\\d+)?: .*header`));
    await assertPublishedUntouched();
  });

  for (const [defect, what] of [['corrupt', /not a zip archive/], ['text', /it is a text file starting with "product_id,price/]] as const) {
    it(`d. ${defect === 'corrupt' ? 'random bytes' : 'a CSV text file'} named Fichier_erp.xlsx: one paragraph naming the file, failed run, outputs untouched`, async () => {
      const run = await runOn(defect);
      const info = await assertFailedRun(run);
      const path = join(await data.get(defect)!, 'Fichier_erp.xlsx');
      const line = run.stdout.split('\n').find((l) => l.startsWith('✘ erp_raw: '));
      assert.ok(line, `a failure line for erp_raw in:\n${run.stdout}`);
      assert.ok(line.startsWith(`✘ erp_raw: ${path}: not a readable .xlsx workbook`), line);
      assert.match(line, what);
      assert.match(line, /Re-export it from Excel as \.xlsx/);
      assert.equal(info.steps.find((s) => s.key === 'erp_raw')!.status, 'failed');
      // The one expected line: the example's alert channel is disabled while WINE_SHOP_ALERT_URL is unset.
      const stderr = run.stderr.split('\n').filter((l) => l.trim() && !/^warning weir\.yaml:\d+: alert channel 'shop_hook' is disabled/.test(l));
      assert.deepEqual(stderr, [], 'nothing else on stderr');
      await assertPublishedUntouched();
    });
  }

  it('e. the ERP without its price column: the month is refused at erp_raw, naming the asset and the missing column', async () => {
    const run = await runOn('no-price');
    const info = await assertFailedRun(run);
    const step = info.steps.find((s) => s.key === 'erp_raw')!;
    assert.equal(step.status, 'failed');
    assert.match(step.reason ?? '', /partition '\d{4}-\d{2}' of asset 'erp_raw' has columns that differ from main\.erp_raw: missing column price; nothing was published/);
    assert.ok(DOWNSTREAM_OF_ERP_CLEAN.every((k) => info.steps.find((s) => s.key === k)!.status === 'skipped'));
    await assertPublishedUntouched();
  });

  it('f. a missing input file: the message names the path and what to do', async () => {
    const run = await runOn('missing');
    const info = await assertFailedRun(run);
    const dir = await data.get('missing')!;
    for (const [key, file] of [['erp_raw', 'Fichier_erp.xlsx'], ['liaison_raw', 'fichier_liaison.xlsx'], ['web_raw', 'Fichier_web.xlsx']] as [string, string][]) {
      assert.equal(info.steps.find((s) => s.key === key)!.status, 'failed', key);
      assert.ok(run.stdout.includes(`${join(dir, file)}: the Excel file does not exist. Check the path`), `${key} names ${file}`);
    }
    assert.ok(info.steps.filter((s) => !s.key.endsWith('_raw')).every((s) => s.status === 'skipped'), 'every other asset skipped');
    await assertPublishedUntouched();
  });

  // Last: these two republish some outputs.
  it('c. a negative total_sales on a web product row: total_revenue fails naming observed and expected', async () => {
    const run = await runOn('negative');
    const info = await assertFailedRun(run);
    const check = info.checks.find((c) => c.checkName === 'total_revenue')!;
    assert.equal(check.passed, false);
    assert.ok(check.observed !== null && check.observed < 70568.6, `observed ${check.observed}`);
    assert.match(check.message, /^total_revenue: [\d.]+, expected 70568\.60*/);
    assert.ok(check.message.includes(String(check.observed)) || check.message.includes(check.observed!.toFixed(3)), `message names the observed value: ${check.message}`);
    assert.ok(info.checks.filter((c) => c.checkName !== 'total_revenue').every((c) => c.passed), 'only total_revenue fails');
    assert.equal(info.steps.find((s) => s.key === 'revenue_report')!.status, 'skipped');
    // merged and the wine lists pass their checks and are republished; revenue and its report are not.
    assert.ok(readFileSync(join(project, `${OUT}/revenue.xlsx`)).equals(published.get(`${OUT}/revenue.xlsx`)!), 'revenue.xlsx byte-identical');
    const [revenue] = await duckQuery('select round(sum(revenue), 2) as total from w.main.revenue', join(project, '.weir/warehouse.duckdb'));
    assert.equal(revenue!.total, 70568.6, 'the published revenue table keeps the good total');
  });

  it('b. an ERP product exported twice: removed by dedup, every check passes', async () => {
    const run = await runOn('duplicate');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const info = await weirJson<RunInfoJson>(['run-info', runIdOf(run.stdout), '--project', project]);
    assert.ok(info.checks.every((c) => c.passed), info.checks.filter((c) => !c.passed).map((c) => c.message).join('\n'));
    assert.equal(info.materializations.find((m) => m.assetKey === 'erp_raw')!.rowCount, 826, 'the duplicate reached erp_raw');
    assert.equal(info.checks.find((c) => c.checkName === 'erp_row_count')!.observed, 825);
    assert.equal(info.checks.find((c) => c.checkName === 'total_revenue')!.observed, 70568.6);
  });
});

