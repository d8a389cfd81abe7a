// `npm run demo`: runs the wine-shop pipeline with Weir on the embedded defaults (DuckDB + SQLite, no server).
// Uses the real monthly exports when they sit beside the checkout (../shared/data/wine-shop), otherwise generates
// six months of realistic ones first (2025-01 … 2025-06), and says which. With several months, one backfill builds
// them all, oldest first (each month's month_over_month reads the month before); a flat folder is one month.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = resolve(exampleDir, '../..');
const weirBin = join(repoRoot, 'packages/weir/bin/weir.js');
const realExports = resolve(exampleDir, '../../../shared/data/wine-shop');
const generatedDir = join(exampleDir, 'data/generated');
const GENERATED_MONTHS = '2025-01..2025-06';
const monthFolders = (dir) => (existsSync(dir) ? readdirSync(dir).filter((name) => /^\d{4}-\d{2}$/.test(name)).sort() : []);

let dataDir = process.env.WINE_SHOP_DATA_DIR;
if (dataDir) {
  console.log(`Using the exports in ${dataDir} (WINE_SHOP_DATA_DIR).`);
} else if (existsSync(join(realExports, 'Fichier_erp.xlsx'))) {
  dataDir = realExports;
  console.log(`Using the real monthly exports in ${dataDir}.`);
} else {
  dataDir = generatedDir;
  if (!monthFolders(generatedDir).length && !existsSync(join(generatedDir, 'expected.json'))) {
    const generated = spawnSync(process.execPath, [join(exampleDir, 'scripts/generate-data.mjs'), '--out', generatedDir, '--months', GENERATED_MONTHS], { stdio: 'inherit' });
    if (generated.status !== 0) process.exit(generated.status ?? 1);
  }
  console.log(`The real exports are not beside this checkout (${realExports}), so this demo uses generated exports in ${relative(process.cwd(), generatedDir)}.`);
}

const weir = (args) => spawnSync(process.execPath, [weirBin, ...args, '--project', exampleDir, ...process.argv.slice(2)], {
  stdio: 'inherit', env: { ...process.env, WINE_SHOP_DATA_DIR: dataDir },
});
const months = monthFolders(dataDir);
let run;
if (months.length >= 2) {
  console.log(`Building ${months[0]} … ${months.at(-1)} with one backfill (each compared with the month before in output/<month>/month_over_month.xlsx).`);
  run = weir(['backfill', '-s', 'tag:monthly', '--all']);
} else {
  run = weir(['run']);
}
if (run.status === 0) {
  // npm runs workspace scripts inside the workspace; INIT_CWD is where the user typed the command.
  const project = relative(process.env.INIT_CWD ?? process.cwd(), exampleDir) || '.';
  console.log(`\nNext: npx weir assets --project ${project}   ·   npx weir runs --project ${project}   ·   npx weir backfills --project ${project}`);
}
process.exit(run.status ?? 1);
