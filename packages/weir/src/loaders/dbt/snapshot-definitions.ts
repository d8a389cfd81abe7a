/**
 * Where a dbt project declares snapshots: `{% snapshot name %} … {% endsnapshot %}` blocks in `snapshot-paths`, and
 * (dbt 1.9+) `snapshots:` entries in yml with a `relation:`. Each becomes the SQL of one snapshot node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WeirError } from '../../shared/errors.js';

export interface SnapshotDefinition {
  name: string;
  /** The select statement, padded with newlines so its line numbers are the file's. */
  sql: string;
  /** Relative to the package, e.g. `snapshots/orders_snapshot.sql`. */
  path: string;
  line: number;
  /** The yml entry's own config (yml snapshots), else undefined. */
  ymlEntry?: Record<string, any>;
}

const BLOCK = /\{%-?\s*snapshot\s+([A-Za-z_]\w*)\s*-?%\}([\s\S]*?)\{%-?\s*endsnapshot\s*-?%\}/g;

/**
 * @example
 * snapshotBlocks('{% snapshot orders_snapshot %}\nselect * from {{ ref(\'orders\') }}\n{% endsnapshot %}', 'snapshots/s.sql')
 * // [{ name: 'orders_snapshot', sql: "\nselect * from {{ ref('orders') }}\n", path: 'snapshots/s.sql', line: 1 }]
 */
export function snapshotBlocks(text: string, path: string): SnapshotDefinition[] {
  const found: SnapshotDefinition[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const before = text.slice(0, match.index!);
    const line = before.split('\n').length;
    // Keep the body's lines where they are in the file, so errors point at the right line.
    const sql = '\n'.repeat(line - 1) + match[2]!;
    found.push({ name: match[1]!, sql, path, line });
  }
  if (!found.length && /\{%-?\s*snapshot\b/.test(text)) {
    throw new WeirError(`${path}: a {% snapshot %} block has no matching {% endsnapshot %}`, {
      code: 'DBT_SNAPSHOT_SYNTAX', location: { file: path }, hint: 'Close each snapshot with {% endsnapshot %}.',
    });
  }
  return found;
}

/** Every snapshot block in the `.sql` files of these folders of a package. */
export function snapshotFiles(pkgDir: string, folders: readonly string[], listFiles: (dir: string, ext: string[]) => string[]): SnapshotDefinition[] {
  return folders.flatMap((base) => listFiles(join(pkgDir, base), ['.sql'])
    .flatMap((rel) => snapshotBlocks(readFileSync(join(pkgDir, base, rel), 'utf8'), join(base, rel).split('\\').join('/'))));
}

/**
 * A yml snapshot (dbt 1.9): `relation: ref('orders')` or `source('erp', 'orders')` becomes `select * from {{ … }}`.
 *
 * @example
 * ymlSnapshot({ name: 'orders_snapshot', relation: "ref('orders')", config: { unique_key: 'id' } }, 'snapshots/s.yml', 3)
 * // { name: 'orders_snapshot', sql: "select * from {{ ref('orders') }}", path: 'snapshots/s.yml', line: 3, ymlEntry: { … } }
 */
export function ymlSnapshot(entry: Record<string, any>, path: string, line: number): SnapshotDefinition {
  const relation = typeof entry.relation === 'string' ? entry.relation.trim() : '';
  if (!/^(ref|source)\s*\(/.test(relation)) {
    throw new WeirError(`${path}:${line}: snapshot '${entry.name}' needs a relation: ref('model') or source('name', 'table')`, {
      code: 'DBT_SNAPSHOT_SYNTAX', location: { file: path, line }, hint: "Add `relation: ref('orders')` to the snapshot's yml entry.",
    });
  }
  return { name: String(entry.name), sql: `select * from {{ ${relation} }}`, path, line, ymlEntry: entry };
}
