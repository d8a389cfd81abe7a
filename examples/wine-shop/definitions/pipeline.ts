// The monthly wine-shop pipeline, as Weir assets. Each step of the old manual process is one asset, each figure
// the merchant used to verify by hand is one check, and a failing check stops bad data before the report.
// Every asset is partitioned by month: a run builds one month (`--partition 2025-03`, or the latest without it),
// `weir backfill -s tag:monthly --all` builds them all, and each month keeps its files in output/<month>/.
import { asset, check, load, notNull, projectRoot, projectSettings, schedule, timePartitions, unique } from 'weir';
import { expectedFigures, type ExpectedFigures } from './expected-figures.js';
import { exportMonths, nextMonth } from './export-months.js';

const dataDir = String(projectSettings().data_dir);
const folders = exportMonths(projectRoot(), dataDir);
const flat = folders.length === 1 && folders[0]!.flat === true;

// Time partitions, not static ones built from the folder names: a run without --partition then takes the latest
// month, `{ offset: -1 }` is the calendar month before, and the schedule's run is the month that just ended. With
// month folders they span the folders there are, first to last (a missing month in between is a partition whose run
// fails on its missing exports, saying which file). A flat folder of exports is the last complete month, and has no
// end: in a `weir serve` that runs for months, each 1st's schedule builds the month just ended from the exports then
// in the folder, and compares it with the month before. The folders are listed when the definitions load: a month
// folder added later shows once `weir dev` reloads or the next command starts.
export const months = timePartitions({
  unit: 'month', start: folders[0]!.key, timezone: 'Europe/Brussels', ...(flat ? {} : { end: nextMonth(folders.at(-1)!.key) }),
});

/** Each month's seven figures: its expected.json for generated data, the known figures for the real exports. */
const figuresOfMonth = new Map(folders.map((month) => [month.key, expectedFigures(projectRoot(), month.dir)]));
/** A flat folder's figures are those of whichever month it is built as. */
const figuresOf = (key: string) => (flat ? figuresOfMonth.get(folders[0]!.key) : figuresOfMonth.get(key));
const owners = ['shop@example.org'];
const monthly = { partitions: months, owners, tags: ['monthly'] };
/** A month's export, under the data folder as weir.yaml names it (`${settings.data_dir}` and `${partition.key}` are Weir's, not JS's). */
const exportPath = (file: string) => '${settings.data_dir}/' + (flat ? '' : '${partition.key}/') + file;
/** Where a month's files go: every month is kept. */
export const out = (file: string) => 'output/${partition.key}/' + file;

/**
 * A check comparing a figure of the audited data with that month's expected figure (each month has its own).
 *
 * @example
 * expectedFigure('erp_row_count', 'erp_rows') // fails with 'erp_row_count: 826 rows, expected 825'
 */
function expectedFigure(name: string, figure: keyof ExpectedFigures, sql = 'count(*)', tolerance = 0) {
  return check(name, async ({ query, relation, partition }) => {
    const expected = figuresOf(partition!.key)?.[figure];
    if (expected === undefined) throw new Error(`no expected figures for ${partition!.key}: ${dataDir} has no folder ${partition!.key}/`);
    const [row] = await query<{ observed: number }>(`select ${sql} as observed from ${relation}`);
    const observed = Number(row!.observed);
    const what = sql === 'count(*)' ? `${observed} rows` : String(observed);
    return { passed: Math.abs(observed - expected) <= tolerance, observed, expected, message: `${what}, expected ${expected}` };
  });
}

// The whole pipeline at 06:00 on the first of each month, Brussels time (`weir dev` or `weir serve` runs it): the
// run builds the month that has just ended.
export const monthlyReport = schedule({ name: 'monthly_report', select: 'tag:monthly', cron: '0 6 1 * *', timezone: 'Europe/Brussels' });

// ---- raw: the month's three exports as they are, typed (keys mixing numbers and text are read as text) ----
// Read by path rather than through externalFile() inputs: an external file has one path, not one per month.
export const erpRaw = asset({ key: 'erp_raw', ...monthly, group: 'raw', kinds: ['duckdb', 'excel'], description: 'ERP export as exported: one row per product with price and stock.' },
  () => load.excel(exportPath('Fichier_erp.xlsx')));
export const liaisonRaw = asset({ key: 'liaison_raw', ...monthly, group: 'raw', kinds: ['duckdb', 'excel'], description: 'Link table as exported: ERP product_id to web id.' },
  () => load.excel(exportPath('fichier_liaison.xlsx')));
export const webRaw = asset({ key: 'web_raw', ...monthly, group: 'raw', kinds: ['duckdb', 'excel'], description: 'Web-shop export as exported: a product row and an image-attachment row per sku.' },
  () => load.excel(exportPath('Fichier_web.xlsx')));

// ---- clean ----
export const erpClean = asset({
  key: 'erp_clean', inputs: { erp: erpRaw }, ...monthly, group: 'clean',
  description: 'ERP without exact duplicate rows: one row per product.',
  checks: [expectedFigure('erp_row_count', 'erp_rows'), unique('product_id', { name: 'erp_product_id_unique' })],
}, ({ erp }) => `select distinct * from ${erp}`);

export const liaisonClean = asset({
  key: 'liaison_clean', inputs: { liaison: liaisonRaw }, ...monthly, group: 'clean',
  description: 'Link table without exact duplicates; products with no web id are kept (they are real products not sold online).',
  checks: [expectedFigure('liaison_row_count', 'liaison_rows')],
}, ({ liaison }) => `select distinct * from ${liaison}`);

export const webWithSku = asset({
  key: 'web_with_sku', inputs: { web: webRaw }, ...monthly, group: 'clean',
  description: 'Web rows that have a sku (drops blank rows and product rows nothing can link to).',
  checks: [expectedFigure('web_rows_with_sku', 'web_rows_with_sku')],
}, ({ web }) => `select * from ${web} where sku is not null`);

export const webClean = asset({
  key: 'web_clean', inputs: { web: webWithSku }, ...monthly, group: 'clean',
  description: "One row per sku: the 'product' row (its image-attachment twin carries a stale total_sales).",
  checks: [expectedFigure('web_row_count', 'web_rows'), unique('sku', { name: 'web_sku_unique' })],
}, ({ web }) => `select * from ${web} where post_type = 'product'`);

// ---- merged and reports ----
export const merged = asset({
  key: 'merged', inputs: { erp: erpClean, liaison: liaisonClean, web: webClean }, ...monthly, group: 'report',
  description: 'ERP ⋈ link table on product_id ⋈ web on id_web = sku. Keys are compared as text: some are numbers, some text.',
  io: { path: out('merged.parquet') },
  checks: [expectedFigure('merged_row_count', 'merged_rows'), notNull(['product_id', 'price', 'total_sales'], { name: 'merged_keys_not_null' })],
}, ({ erp, liaison, web }) => `
  select e.*, l.id_web, w.* exclude (sku, weir_partition), w.sku
  from ${erp} e
  join ${liaison} l on cast(l.product_id as varchar) = cast(e.product_id as varchar)
  join ${web} w on cast(w.sku as varchar) = cast(l.id_web as varchar)
  order by e.product_id`);

export const revenue = asset({
  key: 'revenue', inputs: { merged }, ...monthly, group: 'report',
  description: 'Revenue per product: price × total_sales.',
  checks: [expectedFigure('total_revenue', 'total_revenue', 'round(sum(revenue), 2)', 0.005)],
}, ({ merged }) => `
  select product_id, sku, post_title, price, total_sales, round(price * total_sales, 2) as revenue
  from read_parquet('${merged}')
  order by revenue desc, product_id`);

export const revenueReport = asset({
  key: 'revenue_report', inputs: { revenue }, ...monthly, group: 'report',
  description: 'revenue.xlsx: revenue per product and a TOTAL row.',
  // Due by noon on the first of the month (the schedule starts at 06:00); late, it shows on the overview.
  freshness: { cron: '0 6 1 * *', timezone: 'Europe/Brussels', deadline: '6h' },
  io: { path: out('revenue.xlsx'), sheet: 'revenue' },
}, ({ revenue }) => `
  select cast(product_id as varchar) as product_id, sku, post_title, price, total_sales, revenue from ${revenue}
  union all
  select 'TOTAL', null, null, null, sum(total_sales), round(sum(revenue), 2) from ${revenue}`);

const zScored = (merged: string) => `
  select product_id, sku, post_title, price, stock_quantity, stock_status, total_sales,
         (price - avg(price) over ()) / stddev_samp(price) over () as price_z
  from read_parquet('${merged}')`;

export const premiumWines = asset({
  key: 'premium_wines', inputs: { merged }, ...monthly, group: 'report',
  description: 'Wines whose price z-score over the merged rows exceeds 2 (sample standard deviation, as pandas computes it).',
  io: { path: out('premium_wines.csv') },
  checks: [expectedFigure('premium_wine_count', 'premium_wines')],
}, ({ merged }) => `select * from (${zScored(merged)}) where price_z > 2 order by price desc, product_id`);

export const ordinaryWines = asset({
  key: 'ordinary_wines', inputs: { merged }, ...monthly, group: 'report',
  description: 'Every other product of the merged table (z-score ≤ 2).',
  io: { path: out('ordinary_wines.csv') },
}, ({ merged }) => `select * from (${zScored(merged)}) where price_z <= 2 order by price desc, product_id`);

// ---- the month in figures, and compared with the month before ----
export const monthlyFigures = asset({
  key: 'monthly_figures', inputs: { revenue, premium: premiumWines, erp: erpClean }, ...monthly, group: 'report', partitionColumn: 'month',
  description: "The month's figures in one row: revenue, products sold on the web, products in the ERP, premium wines (one table, a row per month).",
}, ({ revenue, premium, erp }, ctx) => `
  select '${ctx.partition!.key}' as month,
         (select round(sum(revenue), 2) from ${revenue}) as revenue,
         (select count(*) from ${revenue})::integer as web_products,
         (select count(*) from ${erp})::integer as erp_products,
         (select count(*) from read_csv('${premium}', header = true))::integer as premium_wines`);

export const monthOverMonth = asset({
  key: 'month_over_month', ...monthly, group: 'report',
  // The month before through the partition mapping: none for the first month, whose previous figures are null.
  inputs: { figures: monthlyFigures, previous: { asset: monthlyFigures, partitions: { offset: -1 } } },
  description: 'Each figure of the month beside the month before: the change and the change in %.',
  io: { path: out('month_over_month.xlsx'), sheet: 'month_over_month' },
}, ({ figures, previous }) => ['revenue', 'web_products', 'erp_products', 'premium_wines'].map((name) => `
    select '${name}' as measure, p.month as previous_month, c.month as month, p.${name}::double as previous, c.${name}::double as current,
           round(c.${name} - p.${name}, 2) as change, round(100.0 * (c.${name} - p.${name}) / nullif(p.${name}, 0), 2) as change_pct
    from ${figures} c left join ${previous} p on true`).join('\n    union all'));
