/**
 * Data-quality checks as plain data. Constructors here only describe a check; `checks/` evaluates it.
 * Severity decides what a failure does: `error` blocks everything downstream (and the publish), `warn` records.
 */
import type { PartitionContext } from './partitions.js';
import { DEFINITION_BRAND } from './brand.js';

export type Severity = 'error' | 'warn';

interface CheckBase {
  /** Unique within its asset; defaults to a name derived from the check (e.g. `not_null_price`). */
  name: string;
  severity: Severity;
  description?: string;
}

export interface RowCountCheck extends CheckBase { type: 'row_count'; equals?: number; min?: number; max?: number }
export interface NotNullCheck extends CheckBase { type: 'not_null'; columns: string[] }
export interface UniqueCheck extends CheckBase { type: 'unique'; columns: string[] }
export interface AcceptedValuesCheck extends CheckBase { type: 'accepted_values'; column: string; values: Array<string | number | boolean> }
/** Every non-null `column` value must exist in `toColumn` of the asset `to`. */
export interface RelationshipsCheck extends CheckBase { type: 'relationships'; column: string; to: string; toColumn: string }
/** A query (with `{{ this }}` standing for the asset's relation) that must return no rows. */
export interface NoRowsCheck extends CheckBase { type: 'no_rows'; sql: string }
/** A query returning one number, compared to `equals` (± `tolerance`) or to [min, max]. */
export interface ValueCheck extends CheckBase { type: 'value'; sql: string; equals?: number; min?: number; max?: number; tolerance?: number }
/**
 * Counts rows whose |z-score| of `column` exceeds `threshold`, compared to `equals` or [min, max].
 * `stddev` defaults to 'sample' (n - 1), what pandas `x.std()` and Excel STDEV compute.
 */
export interface ZScoreCheck extends CheckBase { type: 'zscore_outliers'; column: string; threshold: number; equals?: number; min?: number; max?: number; stddev?: 'sample' | 'population' }
export interface CustomCheck extends CheckBase { type: 'custom'; fn: CustomCheckFn }

export type CheckSpec =
  | RowCountCheck | NotNullCheck | UniqueCheck | AcceptedValuesCheck | RelationshipsCheck
  | NoRowsCheck | ValueCheck | ZScoreCheck | CustomCheck;

/** What a custom check function returns. */
export interface CustomCheckOutcome {
  passed: boolean;
  /** Passed, but say so as a warning (dbt's warn-only tests): the evaluation's outcome is `warn_only`. */
  isWarning?: boolean;
  observed?: unknown;
  expected?: unknown;
  message?: string;
  failingRows?: number;
  samples?: Array<Record<string, unknown>>;
}

/** The context a custom check receives: the relation to inspect and a way to query it. */
export interface CustomCheckContext {
  /** Quoted relation name of the data being checked (the staged table, before publish). */
  relation: string;
  /** For file assets: the staged file path. */
  path?: string;
  /** For a partitioned asset: the partition being audited, so a check can compare with that partition's own figures. */
  partition?: PartitionContext;
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
}

export type CustomCheckFn = (ctx: CustomCheckContext) => Promise<CustomCheckOutcome> | CustomCheckOutcome;

type Options<T> = Partial<Pick<CheckBase, 'name' | 'severity' | 'description'>> & T;

function branded<T extends CheckSpec>(spec: T): T {
  Object.defineProperty(spec, DEFINITION_BRAND, { value: 'check', enumerable: false });
  return Object.freeze(spec);
}

function base(defaultName: string, options: Partial<CheckBase>): CheckBase {
  return { name: options.name ?? defaultName, severity: options.severity ?? 'error', ...(options.description ? { description: options.description } : {}) };
}

function asList(columns: string | string[]): string[] {
  return Array.isArray(columns) ? columns : [columns];
}

/** @example rowCount({ equals: 825, name: 'erp_row_count' }) */
export function rowCount(options: Options<{ equals?: number; min?: number; max?: number }>): RowCountCheck {
  return branded({ ...base('row_count', options), type: 'row_count', equals: options.equals, min: options.min, max: options.max });
}

/** @example notNull(['sku', 'price']) */
export function notNull(columns: string | string[], options: Options<object> = {}): NotNullCheck {
  const list = asList(columns);
  return branded({ ...base(`not_null_${list.join('_')}`, options), type: 'not_null', columns: list });
}

/** @example unique('sku') — or a combination: unique(['order_id', 'line']) */
export function unique(columns: string | string[], options: Options<object> = {}): UniqueCheck {
  const list = asList(columns);
  return branded({ ...base(`unique_${list.join('_')}`, options), type: 'unique', columns: list });
}

/** @example acceptedValues('status', ['instock', 'outofstock']) */
export function acceptedValues(column: string, values: Array<string | number | boolean>, options: Options<object> = {}): AcceptedValuesCheck {
  return branded({ ...base(`accepted_values_${column}`, options), type: 'accepted_values', column, values });
}

/** @example relationships({ column: 'product_id', to: 'erp_clean', toColumn: 'product_id' }) */
export function relationships(options: Options<{ column: string; to: string | { key: string }; toColumn?: string }>): RelationshipsCheck {
  const to = typeof options.to === 'string' ? options.to : options.to.key;
  return branded({ ...base(`relationships_${options.column}`, options), type: 'relationships', column: options.column, to, toColumn: options.toColumn ?? options.column });
}

/** @example noRows('select * from {{ this }} where price < 0', { name: 'no_negative_price' }) */
export function noRows(sql: string, options: Options<object> = {}): NoRowsCheck {
  return branded({ ...base('no_rows', options), type: 'no_rows', sql });
}

/** @example value({ sql: 'select sum(revenue) from {{ this }}', equals: 70568.6, tolerance: 0.01, name: 'total_revenue' }) */
export function value(options: Options<{ sql: string; equals?: number; min?: number; max?: number; tolerance?: number }>): ValueCheck {
  return branded({ ...base('value', options), type: 'value', sql: options.sql, equals: options.equals, min: options.min, max: options.max, tolerance: options.tolerance });
}

/** @example zScoreOutliers({ column: 'price', threshold: 2, equals: 30 }) */
export function zScoreOutliers(options: Options<{ column: string; threshold?: number; equals?: number; min?: number; max?: number; stddev?: 'sample' | 'population' }>): ZScoreCheck {
  return branded({
    ...base(`zscore_outliers_${options.column}`, options), type: 'zscore_outliers', column: options.column,
    threshold: options.threshold ?? 3, equals: options.equals, min: options.min, max: options.max, stddev: options.stddev ?? 'sample',
  });
}

/** @example check('prices_rounded', async ({ query, relation }) => ({ passed: true })) */
export function check(name: string, fn: CustomCheckFn, options: Options<object> = {}): CustomCheck {
  return branded({ ...base(name, { ...options, name }), type: 'custom', fn });
}
