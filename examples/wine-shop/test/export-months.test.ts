// Which month a wine-shop run builds: month folders, a flat folder of exports, the latest by default.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { chooseMonth, exportMonths, monthOf, previousMonth } from '../definitions/export-months.js';

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
    assert.deepEqual(months.map((m) => [m.key, m.sub]), [['2025-01', '2025-01/'], ['2025-02', '2025-02/']]);
    assert.equal(chooseMonth(months, 'latest', 'months').key, '2025-02');
    assert.equal(chooseMonth(months, '2025-01', 'months').dir, join(root, 'months', '2025-01'));
    assert.throws(() => chooseMonth(months, '2025-03', 'months'), /setting month is '2025-03', but months holds the months 2025-01, 2025-02/);
    assert.throws(() => chooseMonth(months, 'march', 'months'), /write a month as YYYY-MM/);
  });

  it('a flat folder of exports is one month: this month (Brussels), or the one the setting names', () => {
    mkdirSync(join(root, 'flat'));
    writeFileSync(join(root, 'flat', 'Fichier_erp.xlsx'), '');
    const months = exportMonths(root, 'flat', NOW);
    assert.deepEqual(months.map((m) => [m.key, m.sub, m.dir]), [['2026-03', '', join(root, 'flat')]]);
    assert.equal(chooseMonth(months, '2025-11', 'flat').key, '2025-11');
    assert.equal(monthOf(Date.parse('2025-02-28T23:30:00Z')), '2025-03');
  });

  it('the month before', () => {
    assert.equal(previousMonth('2025-01'), '2024-12');
    assert.equal(previousMonth('2025-10'), '2025-09');
  });
});

describe('no exports at all', () => {
  it('is this month, so the run can say which file is missing', () => {
    assert.deepEqual(exportMonths(root, 'nowhere', NOW).map((m) => [m.key, m.flat]), [['2026-03', true]]);
    assert.equal(chooseMonth(exportMonths(root, 'nowhere', NOW), 'latest', 'nowhere').key, '2026-03');
  });
});
