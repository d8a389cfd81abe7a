/** What a check is evaluated against (the staged relation and a query runner) and the contract of a built-in check. */
import type { CheckSpec } from '../definitions/check.js';
import type { PartitionContext } from '../definitions/partitions.js';
import type { QueryRunner } from '../definitions/asset-context.js';

/**
 * The data a check audits: the staged table, before it is published.
 *
 * @example
 * const target: CheckTarget = {
 *   assetKey: 'revenue', runner, relation: '"main"."revenue__stage_ab12cd34"',
 *   resolveRelation: (key) => `"main"."${key}"`,
 * };
 */
export interface CheckTarget {
  assetKey: string;
  runner: QueryRunner;
  /** Quoted name of the staged table being audited, e.g. `"main"."revenue__stage_ab12cd34"`. */
  relation: string;
  /** For file assets: the staged file. */
  path?: string;
  /** For a partitioned asset: the partition audited (custom checks receive it). */
  partition?: PartitionContext;
  /** Quoted published relation of another asset (the parent of a `relationships` check). */
  resolveRelation(assetKey: string): string;
  /** How many failing rows or values a result keeps as samples (default 5). */
  sampleLimit?: number;
}

/** The target as built-in checks see it: defaults resolved once, by the evaluator. */
export type ResolvedCheckTarget = CheckTarget & { sampleLimit: number };

/** What a built-in check decides; the evaluator adds the asset, the check's name, severity, blocking and timing. */
export interface CheckResult {
  passed: boolean;
  observed: unknown;
  /** Only custom checks set this: for built-ins the expectation comes from the spec (`BuiltinCheck.expected`). */
  expected?: unknown;
  failingRows: number | null;
  /** Plain JSON-safe objects. */
  samples: Array<Record<string, unknown>>;
  message: string;
  /** Passed, but worth a warning (dbt's `warn_if` crossed below `error_if`): recorded as outcome `warn_only`. */
  isWarning?: boolean;
  /** The query whose answer is `observed`, for people who want to reproduce it. */
  sql?: string;
}

/** A check type: one file under `builtin/`, one entry in the evaluator's table. */
export interface BuiltinCheck<S extends CheckSpec> {
  /** Known before any SQL runs, so a check that cannot run still says what it wanted. */
  expected(spec: S): unknown;
  evaluate(spec: S, target: ResolvedCheckTarget): Promise<CheckResult>;
  /** Relations whose columns explain a SQL error ("columns of erp_clean: …"); the audited one when omitted. */
  relations?(spec: S, target: ResolvedCheckTarget): Array<{ label: string; relation: string }>;
}
