// Which months of exports the data folder holds: one sub-folder per month (2025-03/Fichier_erp.xlsx, …), or the three
// exports side by side (as the merchant receives them), which count as one month: the last complete one (on 1 March
// the merchant exports February, which is also the month the 06:00 schedule of that day builds).
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ExportMonth {
  /** `YYYY-MM` */
  key: string;
  /** Absolute folder holding that month's three exports (and expected.json for generated data). */
  dir: string;
  /** That folder relative to the data folder: `2025-03/`, or '' for a flat folder. */
  sub: string;
  /** The three exports side by side in the data folder itself. */
  flat?: boolean;
}

const MONTH_KEY = /^\d{4}-(0[1-9]|1[0-2])$/;
const ERP_FILE = 'Fichier_erp.xlsx';
/** The shop's time zone: an export written at 00:30 on the 1st in Brussels belongs to that month. */
const SHOP_TIME_ZONE = 'Europe/Brussels';

/**
 * `YYYY-MM` of an instant in the shop's time zone.
 *
 * @example
 * monthOf(Date.parse('2025-02-28T23:30:00Z')) // '2025-03' (00:30 on 1 March in Brussels)
 */
export function monthOf(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: SHOP_TIME_ZONE, year: 'numeric', month: '2-digit' }).formatToParts(ms);
  return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
}

/**
 * The months in the data folder, oldest first.
 *
 * @example
 * exportMonths('/shop', 'data/generated') // [{ key: '2025-01', dir: '/shop/data/generated/2025-01', sub: '2025-01/' }, …, { key: '2025-06', … }]
 * exportMonths('/shop', '../exports')     // [{ key: '2026-11', dir: '/exports', sub: '', flat: true }]   (flat, in December: November)
 */
export function exportMonths(projectRoot: string, dataDir: string, nowMs = Date.now()): ExportMonth[] {
  const root = resolve(projectRoot, dataDir);
  const months = (existsSync(root) ? readdirSync(root, { withFileTypes: true }) : [])
    .filter((entry) => entry.isDirectory() && MONTH_KEY.test(entry.name) && existsSync(join(root, entry.name, ERP_FILE)))
    .map((entry) => ({ key: entry.name, dir: join(root, entry.name), sub: `${entry.name}/` }))
    .sort((a, b) => a.key.localeCompare(b.key));
  if (months.length) return months;
  // Flat, or no exports at all (the run then fails on the missing files, saying which): the last complete month.
  return [{ key: previousMonth(monthOf(nowMs)), dir: root, sub: '', flat: true }];
}

/**
 * The calendar month after `key`.
 *
 * @example
 * nextMonth('2025-12') // '2026-01'
 */
export function nextMonth(key: string): string {
  const [year, month] = key.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

/**
 * The calendar month before `key`.
 *
 * @example
 * previousMonth('2025-01') // '2024-12'
 */
export function previousMonth(key: string): string {
  const [year, month] = key.split('-').map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}
