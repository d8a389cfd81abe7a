/**
 * `target/catalog.json` as `dbt docs generate` writes it: every model, seed, snapshot and source relation that exists
 * in the warehouse, with its columns and their types as the warehouse reports them. The rows come from the caller
 * (one query of information_schema); this module only shapes them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DbtProject } from './types.js';

/** One column as `information_schema.columns` lists it. */
export interface CatalogColumnRow {
  table_catalog: string;
  table_schema: string;
  table_name: string;
  table_type: string;
  column_name: string;
  data_type: string;
  ordinal_position: number;
}

interface CatalogTable {
  metadata: { type: string; schema: string; name: string; database: string; comment: null; owner: null };
  columns: Record<string, { type: string; index: number; name: string; comment: null }>;
  stats: Record<string, unknown>;
  unique_id: string;
}

const lower = (s: string | null | undefined) => (s ?? '').toLowerCase();

/**
 * @example
 * catalogJson(project, rows) // { metadata: {…}, nodes: { 'model.shop.orders': { metadata: { type: 'BASE TABLE', … }, columns: { id: { type: 'INTEGER', index: 1, … } } } }, sources: {…}, errors: null }
 */
export function catalogJson(project: DbtProject, rows: readonly CatalogColumnRow[], catalogOf: (database: string | null) => string): Record<string, unknown> {
  const byRelation = new Map<string, CatalogColumnRow[]>();
  for (const row of rows) {
    const key = `${lower(row.table_catalog)}.${lower(row.table_schema)}.${lower(row.table_name)}`;
    byRelation.set(key, [...byRelation.get(key) ?? [], row]);
  }
  const table = (uniqueId: string, database: string | null, schema: string, name: string): CatalogTable | undefined => {
    const columns = byRelation.get(`${lower(catalogOf(database))}.${lower(schema)}.${lower(name)}`);
    if (!columns?.length) return undefined;
    const first = columns[0]!;
    return {
      metadata: { type: first.table_type, schema: first.table_schema, name: first.table_name, database: first.table_catalog, comment: null, owner: null },
      columns: Object.fromEntries([...columns].sort((a, b) => a.ordinal_position - b.ordinal_position)
        .map((c) => [c.column_name, { type: c.data_type, index: c.ordinal_position, name: c.column_name, comment: null }])),
      stats: { has_stats: { id: 'has_stats', label: 'Has Stats?', value: false, include: false, description: 'Indicates whether there are statistics for this table' } },
      unique_id: uniqueId,
    };
  };
  const nodes: Record<string, CatalogTable> = {};
  for (const node of project.nodes.values()) {
    if (node.resourceType === 'test' || node.relationName === null) continue;
    const found = table(node.uniqueId, node.database, node.schema, node.alias);
    if (found) nodes[node.uniqueId] = found;
  }
  const sources: Record<string, CatalogTable> = {};
  for (const source of project.sources.values()) {
    const found = table(source.uniqueId, source.database, source.schema, source.identifier);
    if (found) sources[source.uniqueId] = found;
  }
  return {
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/catalog/v1.json', dbt_version: '1.10.0', generated_at: new Date().toISOString(), invocation_id: null, env: {} },
    nodes, sources, errors: null,
  };
}

export function writeCatalog(document: Record<string, unknown>, path: string, redact?: (text: string) => string): void {
  mkdirSync(dirname(path), { recursive: true });
  const text = `${JSON.stringify(document, null, 2)}\n`;
  writeFileSync(path, redact ? redact(text) : text);
}
