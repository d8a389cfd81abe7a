// Which months the wine-shop's partitions span: month folders, or a flat folder of exports as one month.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { exportMonths, monthOf, nextMonth, previousMonth } from '../definitions/export-months.js';

const root = mkdtempSync(join(tmpdir(), 'wine-months-'));
after(() => rmSync(root, { recursive: true, force: true }));
const NOW = Date.parse('2026-03-15T12:00:00Z');

describe('export months', () => {
  it('lists month folders holding an ERP export, oldest first, and ignores others', () => {
    for (const month of ['2025-02', '2025-01', '2025-13', 'notes']) {
      mkdirSync(join(root, 'months', month), { recursive: true });
      writeFileSync(join(root, 'months', month, 'Fichier_erp.xlsx'), '');
    }
    mkdirSync(join(root, 'months', '2025-03')); // no exports yet
    const months = exportMonths(root, 'months', NOW);
    assert.deepEqual(months.map((m) => [m.key, m.sub, m.dir]), [['2025-01', '2025-01/', join(root, 'months', '2025-01')], ['2025-02', '2025-02/', join(root, 'months', '2025-02')]]);
    assert.ok(months.every((m) => !m.flat));
  });

  it('a flat folder of exports is one month: the last complete one (Brussels)', () => {
    mkdirSync(join(root, 'flat'));
    writeFileSync(join(root, 'flat', 'Fichier_erp.xlsx'), '');
    const months = exportMonths(root, 'flat', NOW);
    assert.deepEqual(months.map((m) => [m.key, m.sub, m.dir, m.flat]), [['2026-02', '', join(root, 'flat'), true]]);
    // 00:30 on 1 March in Brussels: February is complete.
    assert.equal(exportMonths(root, 'flat', Date.parse('2025-02-28T23:30:00Z'))[0]!.key, '2025-02');
    assert.equal(monthOf(Date.parse('2025-02-28T23:30:00Z')), '2025-03');
  });

  it('the month before and after', () => {
    assert.equal(previousMonth('2025-01'), '2024-12');
    assert.equal(previousMonth('2025-10'), '2025-09');
    assert.equal(nextMonth('2025-12'), '2026-01');
    assert.equal(nextMonth('2025-09'), '2025-10');
  });
});

describe('no exports at all', () => {
  it('is one month, the last complete one, so the run can say which file is missing', () => {
    assert.deepEqual(exportMonths(root, 'nowhere', NOW).map((m) => [m.key, m.flat]), [['2026-02', true]]);
  });
});
