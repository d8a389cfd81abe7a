/** row_count: how many rows the staged table has, against `equals` or [min, max]. */
import type { RowCountCheck } from '../../definitions/check.js';
import type { BuiltinCheck } from '../check-target.js';
import { boundsOf, describeBounds, expectedValue, hasBounds, withinBounds } from './bounds.js';
import { plural } from '../../shared/plural.js';
import { queryCounts } from './sql.js';

/**
 * @example
 * // rowCount({ equals: 825 }) on a table of 826 rows:
 * // { passed: false, observed: 826, expected: 825, failingRows: null, message: 'row_count: 826 rows, expected 825' }
 */
export const rowCountCheck: BuiltinCheck<RowCountCheck> = {
  expected: (spec) => expectedValue(boundsOf(spec)),

  async evaluate(spec, target) {
    const sql = `select count(*) as row_count from ${target.relation}`;
    const { row_count: observed = 0 } = await queryCounts(target.runner, sql);
    const bounds = boundsOf(spec);
    // No bounds: the check records the count (for history and charts) and passes.
    const message = hasBounds(bounds)
      ? `${spec.name}: ${plural(observed, 'row')}, expected ${describeBounds(bounds)}`
      : `${spec.name}: ${plural(observed, 'row')}`;
    // Not row-based: no single row is "the failing one" when the count is off.
    return { passed: withinBounds(observed, bounds), observed, failingRows: null, samples: [], message, sql };
  },
};
