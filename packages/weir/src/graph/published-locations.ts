/** One owner per published location: the tables and files assets publish to, checked against each other and Weir's own names. */
import { basename, normalize, resolve, sep } from 'node:path';
import { WeirError, formatLocation } from '../shared/errors.js';
import { AUDIT_TABLE_SUFFIX, STAGED_FILE_MARKER, STAGING_TABLE_MARKER, isReservedRelationName } from '../shared/reserved-names.js';
import { defaultTableName } from '../definitions/asset-key.js';
import type { AssetDefinition } from '../definitions/asset.js';

/** What file paths are resolved against: a `ProjectConfig` fits. Without it, paths are compared as written. */
export interface LocationContext {
  /** The project folder: `io.path` is relative to it. */
  readonly root: string;
  /** `${settings.x}` in a path is replaced by the setting, as at run time. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Weir's own files: an asset may not write over them. */
  readonly warehousePath?: string;
  readonly metadataPath?: string;
}

/** One place an asset writes to, under a key that is equal for equal places (DuckDB identifiers ignore case). */
interface Claim {
  id: string;
  /** How the place is shown: `table main.orders`, `file output/orders.parquet`. */
  label: string;
  definition: AssetDefinition;
  /** Said after the asset when it only builds there: a file asset's working table. */
  role?: string;
}

/** The folder Weir keeps its metadata, warehouse, cache and logs in, under the project root. */
const WEIR_FOLDER = '.weir';

function where(definition: AssetDefinition): string {
  return formatLocation(definition.location) || '(unknown location)';
}

function named(definition: AssetDefinition): string {
  return `'${definition.key}' (${where(definition)})`;
}

function list(items: string[]): string {
  return items.length < 3 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

// Run time refuses an unset setting with its own error; here an unset one is left as written, so the
// comparison still works for the other assets and that error is not reported twice.
function interpolate(path: string, settings: Readonly<Record<string, unknown>> = {}): string {
  return path.replace(/\$\{\s*settings\.([A-Za-z0-9_]+)\s*\}/g, (text, name: string) => (settings[name] === undefined ? text : String(settings[name])));
}

function resolvedPath(path: string, context: LocationContext | undefined): string {
  const interpolated = interpolate(path, context?.settings);
  return context ? resolve(context.root, interpolated) : normalize(interpolated);
}

function relationId(database: string | undefined, schema: string, table: string): string {
  return [database ?? '', schema, table].map((part) => part.toLowerCase()).join('.');
}

/** Every place `definition` writes to: its published table or file, and for a file asset the table it is built in. */
function claimsOf(definition: AssetDefinition, context: LocationContext | undefined): Claim[] {
  const { io } = definition;
  if (io.kind === 'table') {
    // An ephemeral model is inlined into its readers: it has no relation of its own.
    if (definition.materialize?.kind === 'ephemeral') return [];
    return [{ id: `table:${relationId(definition.materialize?.database, io.schema, io.name)}`, label: `table ${io.schema}.${io.name}`, definition }];
  }
  // A file asset computes into main.<key> first (see engine/asset-step.ts): its staging and audit tables are
  // named after that, so it owns the name as a table asset would.
  const working = defaultTableName(definition.key);
  return [
    { id: `file:${resolvedPath(io.path, context)}`, label: `file ${io.path}`, definition },
    { id: `table:${relationId(undefined, 'main', working)}`, label: `table main.${working}`, definition, role: `which builds its file ${io.path} there` },
  ];
}

/** Why `definition` may not publish where it does (a name or file of Weir's own), or undefined. */
function reservedProblem(definition: AssetDefinition, context: LocationContext | undefined): string | undefined {
  const { io } = definition;
  const reservedWhy = `names containing '${STAGING_TABLE_MARKER}' or ending in '${AUDIT_TABLE_SUFFIX}' are Weir's staging and audit tables`;
  if (isReservedRelationName(defaultTableName(definition.key))) return `its key '${definition.key}' is reserved: ${reservedWhy}`;
  if (io.kind === 'table') return isReservedRelationName(io.name) ? `its table ${io.schema}.${io.name} is reserved: ${reservedWhy}` : undefined;
  const path = resolvedPath(io.path, context);
  if (basename(path).includes(STAGED_FILE_MARKER)) return `its file ${io.path} has a reserved name: files containing '${STAGED_FILE_MARKER}' are Weir's staged files`;
  if (!context) return undefined;
  const own = [context.warehousePath, context.metadataPath].filter((p): p is string => !!p && p !== ':memory:').map((p) => resolve(context.root, p));
  // DuckDB and SQLite keep files beside the database: its write-ahead log, a journal.
  if (own.some((file) => path === file || ['.wal', '-wal', '-shm', '-journal'].some((companion) => path === file + companion))) {
    return `its file ${io.path} is one of Weir's own (the warehouse or the metadata)`;
  }
  const weirFolder = resolve(context.root, WEIR_FOLDER);
  if (path === weirFolder || path.startsWith(weirFolder + sep)) return `its file ${io.path} is inside ${WEIR_FOLDER}/, the folder of Weir's own files`;
  return undefined;
}

/**
 * The problems with where assets publish: two assets on one table or file, or one on a name or file Weir keeps
 * for itself. One error per shared place, naming every asset and where it is declared. Tables compare as DuckDB
 * compares identifiers (case does not matter); files compare by their path resolved against the project root.
 *
 * @example
 * publishedLocationProblems([orders, ordersCopy], project)[0].summary
 * // "assets 'orders' (defs/a.ts:3) and 'orders_copy' (defs/b.ts:7) both publish to table main.orders"
 * publishedLocationProblems([asset({ key: 'orders__weir_audit' }, …)])[0].code // 'RESERVED_LOCATION'
 */
export function publishedLocationProblems(assets: readonly AssetDefinition[], context?: LocationContext): WeirError[] {
  const errors: WeirError[] = [];
  const byPlace = new Map<string, Claim[]>();
  for (const definition of assets) {
    const reserved = reservedProblem(definition, context);
    if (reserved) {
      errors.push(new WeirError(`asset '${definition.key}' cannot publish where it does: ${reserved}`, {
        code: 'RESERVED_LOCATION', location: definition.location, hint: 'Choose another key, io.table or io.path.',
      }));
    }
    for (const claim of claimsOf(definition, context)) {
      const claims = byPlace.get(claim.id);
      if (claims) claims.push(claim);
      else byPlace.set(claim.id, [claim]);
    }
  }
  for (const claims of byPlace.values()) {
    if (claims.length < 2) continue;
    const owners = claims.map((c) => (c.role ? `'${c.definition.key}' (${where(c.definition)}, ${c.role})` : named(c.definition)));
    errors.push(new WeirError(`assets ${list(owners)} ${claims.length === 2 ? 'both' : 'all'} publish to ${claims[0]!.label}`, {
      code: 'DUPLICATE_LOCATION', location: claims[1]!.definition.location,
      hint: 'Give each its own io.table or io.path: a table or file has one owner, or each run overwrites the other\'s data.',
    }));
  }
  return errors;
}
