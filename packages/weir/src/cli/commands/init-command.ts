/** `weir init [dir]`: scaffolds a project that runs as it is: one input file, two assets, checks, and a local `weir`. */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { WeirError } from '../../shared/errors.js';
import { packageRoot, packageVersion } from '../../shared/package-paths.js';
import { style } from '../output/style.js';

const FILES: Record<string, (name: string) => string> = {
  'weir.yaml': (name) => `# A Weir project. Reference: see the README's "weir.yaml" section.
name: ${name}
warehouse: .weir/warehouse.duckdb     # DuckDB file holding the data
metadata: .weir/metadata.sqlite       # runs, events, materializations, check results
definitions: definitions/**/*.ts
concurrency: 4
settings:
  data_dir:
    default: data
    env: ${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_DATA_DIR
`,
  'data/orders.csv': () => `order_id,customer,amount,status
1,alice,120.50,paid
2,bob,80.00,paid
3,alice,35.25,refunded
4,carol,210.00,paid
`,
  'definitions/orders.ts': () => `import { asset, externalFile, load, notNull, rowCount, unique, value } from 'weir';

// An input file Weir does not produce: each run records its SHA-256.
export const ordersFile = externalFile({ key: 'orders_file', path: '\${settings.data_dir}/orders.csv' });

export const orders = asset(
  {
    key: 'orders',
    inputs: { file: ordersFile },
    description: 'Orders as exported, typed.',
    checks: [rowCount({ min: 1 }), unique('order_id'), notNull(['order_id', 'amount'])],
  },
  ({ file }) => load.csv(file),
);

export const revenueByCustomer = asset(
  {
    key: 'revenue_by_customer',
    inputs: { orders },
    description: 'Paid revenue per customer.',
    io: { path: 'output/revenue_by_customer.csv' },
    checks: [value({ name: 'total_paid', sql: 'select sum(revenue) from {{ this }}', min: 0 })],
  },
  ({ orders }) => \`select customer, sum(amount) as revenue from \${orders} where status = 'paid' group by customer order by customer\`,
);
`,
  '.gitignore': () => '.weir/\noutput/\nnode_modules/\n',
  'package.json': (name) => `${JSON.stringify({ name, private: true, type: 'module', dependencies: { weir: weirDependency() } }, null, 2)}\n`,
};

/**
 * The project depends on the Weir that created it: `file:` this checkout, or this version when Weir is installed
 * from a registry. A bare `npx weir` must never fetch an unrelated registry package named `weir`.
 */
function weirDependency(): string {
  const root = packageRoot();
  return root.split(/[\\/]/).includes('node_modules') ? `^${packageVersion()}` : `file:${root}`;
}

/**
 * Links node_modules/weir (and its `weir` command in node_modules/.bin) to this Weir, as `npm install` would for the
 * `file:` dependency, so `npx weir` finds it locally at once, offline, and editors resolve `import … from 'weir'`.
 * Returns false when the link could not be made (then `npm install` makes it).
 */
function linkWeir(projectRoot: string): boolean {
  const modules = join(projectRoot, 'node_modules');
  if (existsSync(join(modules, 'weir'))) return true;
  try {
    mkdirSync(join(modules, '.bin'), { recursive: true });
    symlinkSync(packageRoot(), join(modules, 'weir'), 'junction');
    symlinkSync(join('..', 'weir', 'bin', 'weir.js'), join(modules, '.bin', 'weir'));
    return true;
  } catch {
    return false;
  }
}

export async function initCommand(options: { dir: string }): Promise<number> {
  const root = resolve(options.dir);
  if (existsSync(join(root, 'weir.yaml'))) {
    throw new WeirError(`${join(root, 'weir.yaml')} already exists`, { code: 'PROJECT_EXISTS', hint: 'Pick an empty folder, or run commands in this project directly.' });
  }
  const name = (root.split(/[\\/]/).pop() || 'project').replace(/[^A-Za-z0-9_-]/g, '_');
  for (const [path, content] of Object.entries(FILES)) {
    const target = join(root, path);
    mkdirSync(join(target, '..'), { recursive: true });
    if (!existsSync(target)) writeFileSync(target, content(name));
  }
  const linked = linkWeir(root);
  const cd = relative(process.cwd(), root) || '.';
  const install = linked ? '' : '  npm install            # links the weir command into node_modules\n';
  process.stdout.write(`Created project ${style.bold(name)} in ${root}\n\nNext:\n  cd ${cd}\n${install}  npx weir validate\n  npx weir run\n  npx weir assets\n`);
  return 0;
}
