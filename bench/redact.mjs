// The cost of masking secrets in every event: 1 million log lines (as a step's ctx.log writes them, ~90 characters,
// one in 1,000 holding the secret in some encoded form) through Weir's secretRedactor, against the plain
// literal-alternation regex it replaced (which masked only the value as written), in the same run.
//
//   node bench/redact.mjs [--lines 1000000] [--reps 3]
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { loadNote, numberArg, REPO, requireBuild, table } from './lib.mjs';

requireBuild();
const { secretRedactor } = await import(pathToFileURL(join(REPO, 'packages/weir/dist/shared/redact.js')).href);
const LINES = numberArg('--lines', 1_000_000);
const REPS = numberArg('--reps', 3);

const SECRETS = [`it's a "Tok" \\Z9qW7/x+1`, 'sup3r-s3cret-Vaule-42', 'abcd1234efgh5678ijkl9012mnop3456'];
const forms = (s) => [s, s.replace(/'/g, "''"), JSON.stringify(s).slice(1, -1), encodeURIComponent(s), Buffer.from(`user:${s}`).toString('base64')];
const lines = Array.from({ length: LINES }, (_, i) => i % 1000 === 0
  ? `calling https://api.example/v2/orders?page=${i} with ${forms(SECRETS[0])[i / 1000 % 5]} and 'quoted' "text"`
  : `processed batch ${i} of orders: 1000 rows in 12 ms, path /data/in/orders_${i % 97}.csv, status 'ok' "fine" 42%`);
const literal = (values) => {
  const pattern = new RegExp(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => text.replace(pattern, '***');
};

function time(redact) {
  const samples = [];
  let masked = 0;
  for (let rep = 0; rep < REPS; rep++) {
    masked = 0;
    const started = performance.now();
    for (const line of lines) if (redact(line) !== line) masked++;
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)], masked };
}

console.log(loadNote());
const rows = [];
for (const count of [1, 3]) {
  const values = SECRETS.slice(0, count);
  const baseline = time(literal(values));
  const weir = time(secretRedactor(values));
  rows.push([String(count), `${baseline.ms.toFixed(0)} ms`, String(baseline.masked), `${weir.ms.toFixed(0)} ms`, String(weir.masked), `${(weir.ms / baseline.ms).toFixed(2)}x`, `${((weir.ms * 1e6) / LINES / 1000).toFixed(2)} µs`]);
}
console.log(`\n${LINES.toLocaleString('en')} log lines, median of ${REPS}`);
console.log(table(['secrets', 'literal regex', 'lines masked', 'secretRedactor', 'lines masked', 'ratio', 'per line'], rows));
