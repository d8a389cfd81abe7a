/** value: a user's query returning one number, compared to `equals` ± `tolerance` or to [min, max]. */
import { toJsonSafe } from '../../shared/json.js';
import type { ValueCheck } from '../../definitions/check.js';
import type { BuiltinCheck, CheckResult } from '../check-target.js';
import { boundsOf, describeBounds, displayDecimals, expectedValue, hasBounds, withinBounds } from './bounds.js';
import { formatNumber, formatValue } from './format.js';
import { plural } from '../../shared/plural.js';
import { asSubquery, renderThis } from './sql.js';

/**
 * Relative slack on every comparison: a SUM over doubles lands a few ulps off (70568.59000000001), and a
 * one-in-a-billion difference is never what a person meant by "equals".
 */
const FLOAT_SLACK = 1e-9;

/**
 * A query that returns 0 rows, several rows, several columns, null or a non-number fails the check with a message
 * saying which; it does not throw.
 *
 * @example
 * // value({ sql: 'select sum(revenue) from {{ this }}', equals: 70568.6, tolerance: 0.01, name: 'total_revenue' })
 * // on a sum of 70568.59:
 * // { passed: true, observed: 70568.59, expected: { equals: 70568.6, tolerance: 0.01 }, failingRows: null,
 * //   message: 'total_revenue: 70568.59, expected 70568.60 ± 0.01' }
 */
export const valueCheck: BuiltinCheck<ValueCheck> = {
  expected: (spec) => expectedValue(boundsOf(spec)),

  async evaluate(spec, target) {
    // limit 2: enough to tell "one row" from "several" without fetching a table the query returns by mistake.
    const sql = `select * from ${asSubquery(renderThis(spec.sql, target.relation))} as value_check limit 2`;
    const rows = await target.runner.query(sql);
    const bounds = boundsOf(spec);
    const wanted = hasBounds(bounds) ? `expected ${describeBounds(bounds)}` : 'expected a number';
    const fail = (observed: unknown, problem: string): CheckResult =>
      ({ passed: false, observed: toJsonSafe(observed), failingRows: null, samples: [], message: `${spec.name}: ${problem}, ${wanted}`, sql });

    const [row, ...more] = rows;
    if (!row) return fail(null, 'query returned no rows; it must return one row with one number');
    if (more.length) return fail(null, 'query returned several rows; it must return one row with one number (aggregate, e.g. select sum(x) from {{ this }})');
    const columns = Object.keys(row);
    if (columns.length !== 1) return fail(row, `query returned ${plural(columns.length, 'column')} (${columns.join(', ')}); it must return one number`);
    const raw = row[columns[0]!];
    if (raw === null || raw === undefined) return fail(null, `query returned null (${columns[0]} of an empty table?)`);
    const observed = typeof raw === 'bigint' ? Number(raw) : raw;
    if (typeof observed !== 'number' || Number.isNaN(observed)) {
      return fail(raw, `query returned ${formatValue(raw)} (${typeof raw}), not a number; cast it, e.g. ::DOUBLE`);
    }

    const message = `${spec.name}: ${formatNumber(observed, displayDecimals(bounds))}, ${wanted}`;
    return { passed: withinBounds(observed, bounds, FLOAT_SLACK), observed, failingRows: null, samples: [], message, sql };
  },
};
