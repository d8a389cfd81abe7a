/** A command that found the metadata file damaged part-way (SQLite reads a bad page only when a query needs it). */
import { resolve } from 'node:path';
import type { WeirError } from '../shared/errors.js';

/**
 * The clear error for a SQLite "malformed" or "not a database" error met after the file opened, naming the project's
 * metadata file and how to recover; undefined for any other error. Loaded only on that path: it pulls in SQLite.
 *
 * @example
 * (await corruptMetadataError(sqliteCorruptError, '.'))?.message
 * // "/p/.weir/metadata.sqlite: Weir's metadata file (run history) is damaged … mv '/p/.weir/metadata.sqlite' …"
 */
export async function corruptMetadataError(error: unknown, projectDir: string): Promise<WeirError | undefined> {
  const { isCorruptDatabaseError, corruptMetadataError: describe } = await import('../storage/sqlite/sqlite-storage.js');
  if (!isCorruptDatabaseError(error)) return undefined;
  let path = resolve(projectDir, '.weir/metadata.sqlite');
  try {
    const { loadProjectConfig } = await import('../loaders/index.js');
    path = loadProjectConfig(projectDir).metadataPath;
  } catch {
    // weir.yaml could not be read again: the default place is the best guess.
  }
  let e: unknown = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return describe(path, e instanceof Error ? e.message : String(e), error);
}
