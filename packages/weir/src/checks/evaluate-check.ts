/** Evaluates one check against a staged relation: dispatches to the built-in for its type and never throws on bad data. */
import type { CheckSpec } from '../definitions/check.js';
import type { QueryRunner } from '../definitions/asset-context.js';
import { CheckOutcome } from '../events/check-outcome.js';
import type { CheckEvaluationData } from '../events/run-event.js';
import type { BuiltinCheck, CheckResult, CheckTarget, ResolvedCheckTarget } from './check-target.js';
import { acceptedValuesCheck } from './builtin/accepted-values.js';
import { customCheck } from './builtin/custom.js';
import { oneLine } from './builtin/format.js';
import { noRowsCheck } from './builtin/no-rows.js';
import { notNullCheck } from './builtin/not-null.js';
import { relationshipsCheck } from './builtin/relationships.js';
import { rowCountCheck } from './builtin/row-count.js';
import { uniqueCheck } from './builtin/unique.js';
import { valueCheck } from './builtin/value.js';
import { zScoreOutliersCheck } from './builtin/zscore-outliers.js';

export const DEFAULT_SAMPLE_LIMIT = 5;

/** One entry per check type: a new type is one file under `builtin/` and one line here, and TypeScript asks for both. */
const BUILTIN_CHECKS: { [T in CheckSpec['type']]: BuiltinCheck<Extract<CheckSpec, { type: T }>> } = {
  row_count: rowCountCheck,
  not_null: notNullCheck,
  unique: uniqueCheck,
  accepted_values: acceptedValuesCheck,
  relationships: relationshipsCheck,
  no_rows: noRowsCheck,
  value: valueCheck,
  zscore_outliers: zScoreOutliersCheck,
  custom: customCheck,
};

/** Remembers the last query sent, so a SQL error can be reported with the SQL that caused it. */
function recordingRunner(runner: QueryRunner): QueryRunner & { lastSql?: string } {
  const recording: QueryRunner & { lastSql?: string } = {
    query(sql, params) {
      recording.lastSql = sql;
      return runner.query(sql, params);
    },
    run(sql, params) {
      recording.lastSql = sql;
      return runner.run(sql, params);
    },
  };
  return recording;
}

/**
 * Evaluates `spec` on the staged data of `target.assetKey`. Data problems, SQL errors (a misspelt column) and
 * throwing custom checks all come back as a failed evaluation with a one-line message; only a bug in Weir itself
 * could escape, and even that is reported the same way. `blocking` is true for a failed check of severity `error`.
 *
 * @example
 * await evaluateCheck(rowCount({ equals: 825 }), {
 *   assetKey: 'erp_clean', runner, relation: '"main"."erp_clean__stage_ab12cd34"', resolveRelation: (key) => `"main"."${key}"`,
 * });
 * // { assetKey: 'erp_clean', checkName: 'row_count', severity: 'error', passed: false, blocking: true,
 * //   observed: 826, expected: 825, failingRows: null, samples: [],
 * //   message: 'row_count: 826 rows, expected 825',
 * //   sql: 'select count(*) as row_count from "main"."erp_clean__stage_ab12cd34"', durationMs: 3 }
 */
export async function evaluateCheck(spec: CheckSpec, target: CheckTarget): Promise<CheckEvaluationData> {
  const started = performance.now();
  const runner = recordingRunner(target.runner);
  const resolved: ResolvedCheckTarget = { ...target, runner, sampleLimit: target.sampleLimit ?? DEFAULT_SAMPLE_LIMIT };
  // The table is keyed by `spec.type`, so each entry takes exactly its own spec; TypeScript cannot follow that
  // correlation through an indexed access, hence the widening cast.
  const builtin = BUILTIN_CHECKS[spec.type] as BuiltinCheck<CheckSpec> | undefined;

  let expected: unknown = null;
  let result: CheckResult;
  let couldNotRun = false;
  if (!builtin) {
    couldNotRun = true;
    // Specs also come from YAML; a type the union does not know is the user's mistake, reported like any other.
    const known = Object.keys(BUILTIN_CHECKS).join(', ');
    result = failedToRun(spec, target, `unknown check type '${String((spec as { type?: unknown }).type)}' (known: ${known})`);
  } else {
    try {
      expected = builtin.expected(spec);
      result = await builtin.evaluate(spec, resolved);
    } catch (error) {
      const failedSql = runner.lastSql;
      const hint = await hintFor(error, builtin, spec, resolved);
      couldNotRun = true;
      result = { ...failedToRun(spec, target, [oneLine(errorText(error)), hint].filter(Boolean).join('. ')), sql: failedSql };
    }
  }

  const passed = result.passed;
  const outcome = couldNotRun ? CheckOutcome.COULD_NOT_RUN
    : passed ? (result.isWarning ? CheckOutcome.WARN_ONLY : CheckOutcome.PASSED)
    : spec.severity === 'warn' ? CheckOutcome.WARNED : CheckOutcome.FAILED;
  return {
    assetKey: target.assetKey,
    checkName: spec.name,
    severity: spec.severity,
    passed,
    outcome,
    blocking: !passed && spec.severity === 'error',
    observed: result.observed,
    expected: 'expected' in result ? result.expected : expected,
    failingRows: result.failingRows,
    samples: result.samples,
    message: result.message,
    ...(result.sql !== undefined ? { sql: result.sql } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}

function failedToRun(spec: CheckSpec, target: CheckTarget, reason: string): Omit<CheckResult, 'expected'> {
  return { passed: false, observed: null, failingRows: null, samples: [], message: `${spec.name} on ${target.assetKey} could not run: ${reason}` };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What to do about an error, one sentence: the columns that do exist when a name is wrong, a cast when types do
 * not compare. Nothing when the cause is elsewhere or the hint itself cannot be computed.
 */
async function hintFor(error: unknown, builtin: BuiltinCheck<CheckSpec>, spec: CheckSpec, target: ResolvedCheckTarget): Promise<string> {
  const text = errorText(error);
  if (/Cannot compare|explicit cast|Could not convert|No function matches/i.test(text)) {
    return 'Cast one side explicitly (e.g. price::DOUBLE) so the types compare';
  }
  if (!/Binder Error|not found|does not have a column/i.test(text)) return '';
  let relations: Array<{ label: string; relation: string }>;
  try {
    relations = builtin.relations?.(spec, target) ?? [{ label: target.assetKey, relation: target.relation }];
  } catch {
    relations = [{ label: target.assetKey, relation: target.relation }];
  }
  const parts: string[] = [];
  for (const { label, relation } of relations) {
    try {
      const rows = await target.runner.query<{ column_name: string }>(`select column_name from (describe ${relation})`);
      parts.push(`columns of ${label}: ${rows.map((row) => row.column_name).join(', ')}`);
    } catch {
      // A relation that cannot be described (not staged, not published) has nothing to suggest.
    }
  }
  return parts.length ? `Available ${parts.join('; ')}` : '';
}
