/**
 * Names Weir keeps for itself next to a published asset: the staging relation a run builds into, the audit relation
 * that keeps data which failed a check, and the hidden file a run writes before renaming it into place. No asset may
 * take them (the graph refuses such keys at load), and a sweep after a dead run finds its leftovers by them alone.
 */
import { basename, dirname, join } from 'node:path';

/** Marks a staging relation: `<table>__weir_stage_<run>`. */
export const STAGING_TABLE_MARKER = '__weir_stage_';
/** Ends an audit relation: `<table>__weir_audit`. */
export const AUDIT_TABLE_SUFFIX = '__weir_audit';
/** Ends a staged file: `.<name>.weir-stage-<run>`. No extension of the target, so `output/*.parquet` never matches it. */
export const STAGED_FILE_MARKER = '.weir-stage-';

/**
 * The part of a run id that names its staging relations and files: its first 8 letters and digits, lower-cased.
 *
 * @example
 * runSuffix('01JD3K5V-8Q7c-2e9a41') // '01jd3k5v'
 */
export function runSuffix(runId: string): string {
  return runId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8).toLowerCase();
}

/**
 * The staging table an asset is built into before its checks pass. It lives in the TARGET schema:
 * DuckDB 1.5 cannot move a table between schemas (no ALTER TABLE … SET SCHEMA), only rename it.
 *
 * @example
 * stagingTableName('revenue', '01JD3K5V8Q-7c2e9a41') // 'revenue__weir_stage_01jd3k5v'
 */
export function stagingTableName(table: string, runId: string): string {
  return `${table}${STAGING_TABLE_MARKER}${runSuffix(runId)}`;
}

/**
 * Where data that failed a blocking check is kept for inspection.
 *
 * @example
 * auditTableName('orders') // 'orders__weir_audit'
 */
export function auditTableName(table: string): string {
  return `${table}${AUDIT_TABLE_SUFFIX}`;
}

/**
 * Where a file asset is written before its checks pass: a hidden file in the SAME folder as the final path (a
 * rename across mounts is not atomic, or fails), without the target's extension, so no reader's glob picks it up.
 *
 * @example
 * stagingFilePath('out/revenue.xlsx', '01JD3K5V8Q-7c2e9a41') // 'out/.revenue.xlsx.weir-stage-01jd3k5v'
 */
export function stagingFilePath(path: string, runId: string): string {
  return join(dirname(path), `.${basename(path)}${STAGED_FILE_MARKER}${runSuffix(runId)}`);
}

/**
 * A relation name Weir reserves: a staging or audit relation. An asset whose table name is one is a load error.
 *
 * @example
 * isReservedRelationName('orders__weir_audit') // true
 * isReservedRelationName('orders') // false
 */
export function isReservedRelationName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.includes(STAGING_TABLE_MARKER) || lower.endsWith(AUDIT_TABLE_SUFFIX);
}

/**
 * The run suffix of a staging relation, or undefined if the name is not one: what a sweep matches against dead runs.
 *
 * @example
 * stagingTableRun('revenue__weir_stage_01jd3k5v') // '01jd3k5v'
 */
export function stagingTableRun(name: string): string | undefined {
  const at = name.toLowerCase().lastIndexOf(STAGING_TABLE_MARKER);
  return at < 0 ? undefined : name.slice(at + STAGING_TABLE_MARKER.length).toLowerCase();
}

/**
 * The run suffix of a staged file's name, or undefined if the name is not one.
 *
 * @example
 * stagedFileRun('.revenue.xlsx.weir-stage-01jd3k5v') // '01jd3k5v'
 */
export function stagedFileRun(fileName: string): string | undefined {
  const at = fileName.lastIndexOf(STAGED_FILE_MARKER);
  return fileName.startsWith('.') && at > 0 ? fileName.slice(at + STAGED_FILE_MARKER.length) : undefined;
}
