// The monthly wine-shop pipeline, as Weir assets. Each step of the old manual process is one asset, each figure
// the merchant used to verify by hand is one check, and a failing check stops bad data before the report.
// A run builds one month (the setting `month`: YYYY-MM, or the latest folder) and keeps its files in output/<month>/.
import { asset, externalFile, load, notNull, projectRoot, projectSettings, rowCount, schedule, unique, value } from 'weir';
import { expectedFigures } from './expected-figures.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chooseMonth, exportMonths, previousMonth } from './export-months.js';

const dataDir = String(projectSettings().data_dir);
export const month = chooseMonth(exportMonths(projectRoot(), dataDir), String(projectSettings().month ?? 'latest'), dataDir);
const expected = expectedFigures(projectRoot(), month.dir);
const owners = ['shop@example.org'];
/** An export of the month, under the data folder as weir.yaml names it (`${settings.data_dir}` is Weir's, not JS's). */
const exportPath = (file: string) => '${settings.data_dir}/' + month.sub + file;
/** Where this month's files go: every month is kept. */
export const out = (file: string) => `output/${month.key}/${file}`;

// The whole pipeline at 06:00 on the first of each month, Brussels time (`weir dev` or `weir serve` runs it).
export const monthlyReport = schedule({ name: 'monthly_report', select: 'tag:monthly', cron: '0 6 1 * *', timezone: 'Europe/Brussels' });

// ---- inputs: the month's three exports, observed by content hash ----
export const erpExport = externalFile({ key: 'erp_export', path: exportPath('Fichier_erp.xlsx'), group: 'exports', description: 'ERP export: one row per product with price and stock.' });
export const liaisonExport = externalFile({ key: 'liaison_export', path: exportPath('fichier_liaison.xlsx'), group: 'exports', description: 'Link table: ERP product_id to web id.' });
export const webExport = externalFile({ key: 'web_export', path: exportPath('Fichier_web.xlsx'), group: 'exports', description: 'Web-shop export: a product row and an image-attachment row per sku.' });

// ---- raw: the sheets as they are, typed (keys mixing numbers and text are read as text) ----
export const erpRaw = asset({ key: 'erp_raw', inputs: { file: erpExport }, group: 'raw', owners, kinds: ['duckdb', 'excel'], tags: ['monthly'], description: 'ERP sheet as exported.' },
  ({ file }) => load.excel(file));
export const liaisonRaw = asset({ key: 'liaison_raw', inputs: { file: liaisonExport }, group: 'raw', owners, kinds: ['duckdb', 'excel'], tags: ['monthly'], description: 'Link sheet as exported.' },
  ({ file }) => load.excel(file));
export const webRaw = asset({ key: 'web_raw', inputs: { file: webExport }, group: 'raw', owners, kinds: ['duckdb', 'excel'], tags: ['monthly'], description: 'Web-shop sheet as exported.' },
  ({ file }) => load.excel(file));

// ---- clean ----
export const erpClean = asset({
  key: 'erp_clean', inputs: { erp: erpRaw }, group: 'clean', owners, tags: ['monthly'],
  description: 'ERP without exact duplicate rows: one row per product.',
  checks: [rowCount({ name: 'erp_row_count', equals: expected.erp_rows }), unique('product_id', { name: 'erp_product_id_unique' })],
}, ({ erp }) => `select distinct * from ${erp}`);

export const liaisonClean = asset({
  key: 'liaison_clean', inputs: { liaison: liaisonRaw }, group: 'clean', owners, tags: ['monthly'],
  description: 'Link table without exact duplicates; products with no web id are kept (they are real products not sold online).',
  checks: [rowCount({ name: 'liaison_row_count', equals: expected.liaison_rows })],
}, ({ liaison }) => `select distinct * from ${liaison}`);

export const webWithSku = asset({
  key: 'web_with_sku', inputs: { web: webRaw }, group: 'clean', owners, tags: ['monthly'],
  description: 'Web rows that have a sku (drops blank rows and product rows nothing can link to).',
  checks: [rowCount({ name: 'web_rows_with_sku', equals: expected.web_rows_with_sku })],
}, ({ web }) => `select * from ${web} where sku is not null`);

export const webClean = asset({
  key: 'web_clean', inputs: { web: webWithSku }, group: 'clean', owners, tags: ['monthly'],
  description: "One row per sku: the 'product' row (its image-attachment twin carries a stale total_sales).",
  checks: [rowCount({ name: 'web_row_count', equals: expected.web_rows }), unique('sku', { name: 'web_sku_unique' })],
}, ({ web }) => `select * from ${web} where post_type = 'product'`);

// ---- merged and reports ----
export const merged = asset({
  key: 'merged', inputs: { erp: erpClean, liaison: liaisonClean, web: webClean }, group: 'report', owners, tags: ['monthly'],
  description: 'ERP ⋈ link table on product_id ⋈ web on id_web = sku. Keys are compared as text: some are numbers, some text.',
  io: { path: out('merged.parquet') },
  checks: [rowCount({ name: 'merged_row_count', equals: expected.merged_rows }), notNull(['product_id', 'price', 'total_sales'], { name: 'merged_keys_not_null' })],
}, ({ erp, liaison, web }) => `
  select e.*, l.id_web, w.* exclude (sku), w.sku
  from ${erp} e
  join ${liaison} l on cast(l.product_id as varchar) = cast(e.product_id as varchar)
  join ${web} w on cast(w.sku as varchar) = cast(l.id_web as varchar)
  order by e.product_id`);

export const revenue = asset({
  key: 'revenue', inputs: { merged }, group: 'report', owners, tags: ['monthly'],
  description: 'Revenue per product: price × total_sales.',
  checks: [value({ name: 'total_revenue', sql: 'select round(sum(revenue), 2) from {{ this }}', equals: expected.total_revenue, tolerance: 0.005 })],
}, ({ merged }) => `
  select product_id, sku, post_title, price, total_sales, round(price * total_sales, 2) as revenue
  from read_parquet('${merged}')
  order by revenue desc, product_id`);

export const revenueReport = asset({
  key: 'revenue_report', inputs: { revenue }, group: 'report', owners, tags: ['monthly'],
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
  key: 'premium_wines', inputs: { merged }, group: 'report', owners, tags: ['monthly'],
  description: 'Wines whose price z-score over the merged rows exceeds 2 (sample standard deviation, as pandas computes it).',
  io: { path: out('premium_wines.csv') },
  checks: [rowCount({ name: 'premium_wine_count', equals: expected.premium_wines })],
}, ({ merged }) => `select * from (${zScored(merged)}) where price_z > 2 order by price desc, product_id`);

export const ordinaryWines = asset({
  key: 'ordinary_wines', inputs: { merged }, group: 'report', owners, tags: ['monthly'],
  description: 'Every other product of the merged table (z-score ≤ 2).',
  io: { path: out('ordinary_wines.csv') },
}, ({ merged }) => `select * from (${zScored(merged)}) where price_z <= 2 order by price desc, product_id`);

// ---- the month in figures, and compared with the month before ----
export const monthlyFigures = asset({
  key: 'monthly_figures', inputs: { revenue, premium: premiumWines, erp: erpClean }, group: 'report', owners, tags: ['monthly'],
  description: "The month's figures in one row: revenue, products sold on the web, products in the ERP, premium wines.",
  io: { path: out('figures.csv') },
}, ({ revenue, premium, erp }) => `
  select '${month.key}' as month,
         (select round(sum(revenue), 2) from ${revenue}) as revenue,
         (select count(*) from ${revenue})::integer as web_products,
         (select count(*) from ${erp})::integer as erp_products,
         (select count(*) from read_csv('${premium}', header = true))::integer as premium_wines`);

// merge: with partitions (the partitions branch), this becomes an input `{ asset: monthlyFigures, partitions: { offset: -1 } }`
// of a month-partitioned asset; until then it reads the previous month's figures.csv, kept by that month's run.
const previousFigures = `output/${previousMonth(month.key)}/figures.csv`;
export const monthOverMonth = asset({
  key: 'month_over_month', inputs: { figures: monthlyFigures }, group: 'report', owners, tags: ['monthly'],
  description: 'Each figure of the month beside the month before (when it was built): the change and the change in %.',
  io: { path: out('month_over_month.xlsx'), sheet: 'month_over_month' },
}, ({ figures }) => {
  const previous = existsSync(join(projectRoot(), previousFigures))
    ? `read_csv('${join(projectRoot(), previousFigures)}', header = true)`
    : `(select null::varchar as month, null::double as revenue, null::integer as web_products, null::integer as erp_products, null::integer as premium_wines)`;
  const measure = (name: string) => `
    select '${name}' as measure, p.month as previous_month, c.month as month, p.${name}::double as previous, c.${name}::double as current,
           round(c.${name} - p.${name}, 2) as change, round(100.0 * (c.${name} - p.${name}) / nullif(p.${name}, 0), 2) as change_pct
    from read_csv('${figures}', header = true) c, ${previous} p`;
  return ['revenue', 'web_products', 'erp_products', 'premium_wines'].map(measure).join('\n    union all');
});
