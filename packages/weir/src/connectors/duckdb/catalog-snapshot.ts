/**
 * What tables the warehouse held when this process last closed it, remembered next to the metadata so that
 * `weir run --skip-unchanged` can tell that every table it would reuse is still there without loading DuckDB and
 * opening the file (~200 ms of a run that does nothing else). The snapshot is trusted only while the warehouse
 * file and its WAL are byte-for-byte where they were (same size and modification time): any write by any
 * process, Weir or not, changes them, and the warehouse is then opened and asked.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';

interface Snapshot {
  warehouse: string;
  files: Array<{ path: string; size: number; mtimeMs: number } | { path: string; absent: true }>;
  tables: string[];
}

function fileStates(warehousePath: string): Snapshot['files'] {
  return [warehousePath, `${warehousePath}.wal`].map((path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat ? { path, size: stat.size, mtimeMs: stat.mtimeMs } : { path, absent: true as const };
  });
}

/**
 * The tables as `schema.table`, or undefined when there is no snapshot or the warehouse changed since.
 *
 * @example
 * readCatalogSnapshot('.weir/catalog.json', '/p/.weir/warehouse.duckdb')?.has('main.revenue') // true
 */
export function readCatalogSnapshot(snapshotPath: string, warehousePath: string): ReadonlySet<string> | undefined {
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8')) as Snapshot;
  } catch {
    return undefined;
  }
  if (snapshot.warehouse !== warehousePath) return undefined;
  if (JSON.stringify(fileStates(warehousePath)) !== JSON.stringify(snapshot.files)) return undefined;
  return new Set(snapshot.tables);
}

/** Call after the warehouse is closed (its files no longer change), with the tables listed just before. */
export function writeCatalogSnapshot(snapshotPath: string, warehousePath: string, tables: readonly string[]): void {
  const snapshot: Snapshot = { warehouse: warehousePath, files: fileStates(warehousePath), tables: [...tables].sort() };
  writeFileSync(snapshotPath, JSON.stringify(snapshot));
}
