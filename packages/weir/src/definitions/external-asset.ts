/**
 * External assets: data Weir does not produce, observed by content hash: a file (an Excel export, a file dropped by
 * another team) or a relation in the warehouse (a table loaded by another tool, a dbt source).
 */
import { WeirError, type SourceLocation } from '../shared/errors.js';
import type { CheckSpec } from './check.js';
import { callerLocation } from '../shared/source-location.js';
import { DEFINITION_BRAND } from './brand.js';
import { isValidAssetKey, type AssetKey } from './asset-key.js';

export interface ExternalFileOptions {
  key: AssetKey;
  /** Path relative to the project folder; `${settings.data_dir}` is replaced by the setting. */
  path: string;
  description?: string;
  owners?: string[];
  tags?: string[];
  group?: string;
  kinds?: string[];
}

/** A relation in the warehouse that an external asset observes. */
export interface ExternalRelation {
  /** The DuckDB catalog (database) it lives in; absent: the warehouse's own. */
  readonly catalog?: string;
  readonly schema: string;
  readonly table: string;
}

export interface ExternalAssetDefinition {
  readonly [DEFINITION_BRAND]: 'external';
  readonly key: AssetKey;
  /** The file, relative to the project; for a relation, its name as people read it (`landing.raw_orders`). */
  readonly path: string;
  /** Set for an observed relation (its existence, row count, columns and content hash are recorded) instead of a file. */
  readonly relation?: ExternalRelation;
  /** Checks run on the observed data: a failing `error` check fails the observe step and skips what reads it. */
  readonly checks?: readonly CheckSpec[];
  /** Where it was declared in another tool's terms (`dbt: { uniqueId, … }` for dbt sources), for selection and display. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Which kind of project file declared it, when not TypeScript: `sql` for a dbt source. */
  readonly origin?: 'sql';
  readonly description?: string;
  readonly owners: readonly string[];
  readonly tags: readonly string[];
  readonly group: string;
  readonly kinds: readonly string[];
  readonly location?: SourceLocation;
}

/**
 * Declares an input file. Each run that uses it records the file's SHA-256, so a run says which bytes it read.
 *
 * @example
 * export const erpExport = externalFile({ key: 'erp_export', path: '${settings.data_dir}/Fichier_erp.xlsx' });
 */
export function externalFile(options: ExternalFileOptions): ExternalAssetDefinition {
  const location = callerLocation();
  if (!isValidAssetKey(options.key)) {
    throw new WeirError(`external file key '${options.key}' is not valid`, { code: 'INVALID_ASSET', location, hint: 'Use letters, digits and _, optionally with / between parts.' });
  }
  if (typeof options.path !== 'string' || !options.path) {
    throw new WeirError(`external file '${options.key}' has no path`, { code: 'INVALID_ASSET', location, hint: 'Set path to the file, relative to the project folder.' });
  }
  const ext = /\.([a-z]+)$/i.exec(options.path)?.[1]?.toLowerCase();
  return Object.freeze({
    [DEFINITION_BRAND]: 'external' as const,
    key: options.key,
    path: options.path,
    description: options.description,
    owners: options.owners ?? [],
    tags: options.tags ?? [],
    group: options.group ?? 'default',
    kinds: options.kinds ?? (ext ? [ext] : ['file']),
    location,
  });
}

export interface ExternalRelationOptions {
  key: AssetKey;
  relation: ExternalRelation;
  checks?: CheckSpec[];
  description?: string;
  owners?: string[];
  tags?: string[];
  group?: string;
  kinds?: string[];
  metadata?: Record<string, unknown>;
  origin?: 'sql';
  /** Where it is declared when that is not the calling code (a dbt sources yml file and line). */
  location?: SourceLocation;
}

/**
 * Declares a relation loaded by something else (a dbt source). Each run that reads it checks that it exists and
 * records its row count, columns and a hash of its content; its checks run on it in place.
 *
 * @example
 * externalRelation({ key: 'raw/orders', relation: { schema: 'landing', table: 'orders' }, checks: [notNull(['id'])] })
 * // { key: 'raw/orders', path: 'landing.orders', relation: { schema: 'landing', table: 'orders' }, kinds: ['table'], … }
 */
export function externalRelation(options: ExternalRelationOptions): ExternalAssetDefinition {
  const location = options.location ?? callerLocation();
  if (!isValidAssetKey(options.key)) {
    throw new WeirError(`external relation key '${options.key}' is not valid`, { code: 'INVALID_ASSET', location, hint: 'Use letters, digits and _, optionally with / between parts.' });
  }
  if (!options.relation?.schema || !options.relation.table) {
    throw new WeirError(`external relation '${options.key}' has no schema or table`, { code: 'INVALID_ASSET', location, hint: 'Set relation: { schema, table }.' });
  }
  const names = new Set<string>();
  for (const c of options.checks ?? []) {
    if (names.has(c.name)) throw new WeirError(`external relation '${options.key}' has two checks named '${c.name}'`, { code: 'INVALID_ASSET', location, hint: 'Give one of them another name.' });
    names.add(c.name);
  }
  const relation = Object.freeze({ ...options.relation });
  return Object.freeze({
    [DEFINITION_BRAND]: 'external' as const,
    key: options.key,
    path: `${relation.catalog ? `${relation.catalog}.` : ''}${relation.schema}.${relation.table}`,
    relation,
    checks: Object.freeze([...(options.checks ?? [])]),
    ...(options.metadata ? { metadata: options.metadata } : {}),
    ...(options.origin ? { origin: options.origin } : {}),
    description: options.description,
    owners: options.owners ?? [],
    tags: options.tags ?? [],
    group: options.group ?? 'default',
    kinds: options.kinds ?? ['table'],
    location,
  });
}
