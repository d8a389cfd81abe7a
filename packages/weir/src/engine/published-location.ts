/** Where an asset's published value lives, as its downstream sees it: a quoted table name, or a file path. */
import { resolve } from 'node:path';
import type { AssetDefinition } from '../definitions/asset.js';
import type { ExternalAssetDefinition } from '../definitions/external-asset.js';
import type { ProjectConfig } from '../definitions/project.js';
import { interpolateSettings } from '../loaders/project/load-project-config.js';
import { qualified, quoteIdent } from '../connectors/duckdb/quote-identifier.js';

export function filePathOf(project: ProjectConfig, path: string, where: string): string {
  return resolve(project.root, interpolateSettings(path, project.settings, where));
}

/** The value passed to a downstream function: `"main"."orders"` for tables, an absolute path for files. */
export function inputValueOf(project: ProjectConfig, definition: AssetDefinition | ExternalAssetDefinition): string {
  if ('io' in definition) {
    return definition.io.kind === 'table' ? qualified(definition.io.schema, definition.io.name) : filePathOf(project, definition.io.path, `asset '${definition.key}'`);
  }
  // An observed relation (a dbt source) is read where it is.
  if (definition.relation) return [...(definition.relation.catalog ? [definition.relation.catalog] : []), definition.relation.schema, definition.relation.table].map(quoteIdent).join('.');
  return filePathOf(project, definition.path, `external file '${definition.key}'`);
}

/**
 * A SQL expression that reads the asset's published data: the table itself, or a read_* call over its file.
 *
 * @example
 * relationOf(project, revenueAsset) // '"main"."revenue"' or "read_parquet('/p/output/merged.parquet')"
 */
export function relationOf(project: ProjectConfig, definition: AssetDefinition | ExternalAssetDefinition): string {
  const value = inputValueOf(project, definition);
  if (!('io' in definition) || definition.io.kind === 'table') return value;
  const literal = `'${value.replaceAll("'", "''")}'`;
  switch (definition.io.format) {
    case 'parquet': return `read_parquet(${literal})`;
    case 'csv': return `read_csv(${literal})`;
    case 'json': return `read_json_auto(${literal})`;
    default: return value;
  }
}
