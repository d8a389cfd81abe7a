/** Tests of the CSV checks on files the test writes: field counts per dialect, and the header-line guess. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { checkCsvFieldCounts, checkUtf8, guessCsvDialect, type CsvDialect } from './check-csv-file.js';

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'weir-csv-check-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

const COMMA: CsvDialect = { delimiter: ',', quote: '"', escape: '', skipRows: 0, comment: '' };

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

test('skipped lines, comments, blank lines and backslash escapes are not counted as rows', async () => {
  const path = await file('dialect.csv', 'exported by ERP\n\nid,text\n# a comment, with commas\n1,"a \\" , b"\n\n2,c\n');
  await checkCsvFieldCounts(path, { ...COMMA, escape: '\\', skipRows: 2, comment: '#' }, { header: true });
  // Without the escape, the quote after the backslash closes the field and the comma after it counts.
  await assert.rejects(checkCsvFieldCounts(path, { ...COMMA, skipRows: 2, comment: '#' }, { header: true }), /line 5 has 3 fields where the header \(line 3\) has 2/);
});

test('without a header the first row sets the count', async () => {
  const path = await file('noheader.csv', '1,a\n2\n');
  await assert.rejects(checkCsvFieldCounts(path, COMMA, { header: false }), /line 2 has 1 field where the first row \(line 1\) has 2/);
});

test('a file cut inside a UTF-8 character is reported at its last line', async () => {
  const path = join(dir, 'cut.csv');
  await writeFile(path, Buffer.concat([Buffer.from('id,name\n1,caf'), Buffer.from([0xc3])]));
  await assert.rejects(checkUtf8(path, 'csv'), /:2: the csv file is not UTF-8: its last line ends inside a character/);
});

test('the header-line guess takes the most frequent candidate outside quotes, and none for one column', () => {
  assert.equal(guessCsvDialect('id;name;"a,b,c"', 0)?.delimiter, ';');
  assert.equal(guessCsvDialect('id\tname\tprice', 1)?.delimiter, '\t');
  assert.equal(guessCsvDialect('name', 0), undefined);
});

test('line numbers stay right across the 1 MiB read chunks, with quoted values spanning lines', async () => {
  // Each row spans two lines (a quoted value holding a newline and the delimiter): ~3 MiB in all.
  const rows = Array.from({ length: 60_000 }, (_, i) => `${i},"first, part\r\nsecond ""part"" ${'x'.repeat(20)}",${i}`);
  rows[50_000] = '50000,short';
  const path = await file('long.csv', `id,text,n\r\n${rows.join('\r\n')}\r\n`);
  // Row 50,000 starts on line 2 + 2 × 50,000 (the header is line 1).
  await assert.rejects(checkCsvFieldCounts(path, COMMA, { header: true }), (error: Error) => {
    assert.match(error.message, /:100002: the csv file has rows with the wrong number of fields: line 100002 has 2 fields where the header \(line 1\) has 3\./);
    return true;
  });
  rows[50_000] = `50000,"ok",1`;
  await file('long.csv', `id,text,n\r\n${rows.join('\r\n')}\r\n`);
  await checkCsvFieldCounts(path, COMMA, { header: true });
});
