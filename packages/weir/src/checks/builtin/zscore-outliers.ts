/** zscore_outliers: rows whose |z-score| of a column exceeds a threshold, counted against `equals` or [min, max]. */
import type { ZScoreCheck } from '../../definitions/check.js';
import type { BuiltinCheck } from '../check-target.js';
import { boundsOf, describeBounds, expectedValue, hasBounds, withinBounds } from './bounds.js';
import { formatNumber } from './format.js';
import { plural } from '../../shared/plural.js';
import { freeName, queryCounts, querySamples, quoteIdentifier } from './sql.js';

/** A name no staged table uses, read back and renamed to `zscore` in samples. */
const Z_COLUMN = '__weir_zscore';
const ZSCORE_DECIMALS = 4;

/** With no bounds, a check for outliers expects none. */
function boundsFor(spec: ZScoreCheck) {
  const bounds = boundsOf(spec);
  return hasBounds(bounds) ? bounds : { equals: 0 };
}

/**
 * z = (x - mean) / stddev over the column's non-null values (nulls are ignored, never outliers). The stddev is the
 * sample one (n - 1) by default, what `(x - x.mean()) / x.std()` gives in pandas and STDEV in Excel; pass
 * `stddev: 'population'` for numpy's `std()` (ddof=0). With fewer than two values or no spread there is no
 * outlier.
 *
 * @example
 * // zScoreOutliers({ column: 'price', threshold: 2 }) on prices 10, 10, 10, 10, 10, 10, 10, 10, 10, 100:
 * // sample stddev 28.46, z(100) = 2.846
 * // { passed: false, observed: 1, expected: 0, failingRows: 1, samples: [{ price: 100, zscore: 2.8460 }],
 * //   message: 'zscore_outliers_price: 1 row has |z-score| of price above 2 (sample stddev), expected 0' }
 */
export const zScoreOutliersCheck: BuiltinCheck<ZScoreCheck> = {
  expected: (spec) => expectedValue(boundsFor(spec)),

  async evaluate(spec, target) {
    const column = quoteIdentifier(spec.column);
    const stddev = spec.stddev === 'population' ? 'stddev_pop' : 'stddev_samp';
    const threshold = Number(spec.threshold);
    if (!Number.isFinite(threshold) || threshold < 0) throw new Error(`threshold must be a number ≥ 0, got ${spec.threshold}`);
    // `sd > 0`: DuckDB divides a double by zero to Infinity, which would make every value of a constant column an outlier.
    const scored = `with stats as (select avg(${column}) as mean, ${stddev}(${column}) as sd from ${target.relation})
select t.*, (t.${column} - stats.mean) / stats.sd as ${Z_COLUMN} from ${target.relation} as t, stats
where t.${column} is not null and stats.sd > 0`;
    const outliers = `from (${scored}) where abs(${Z_COLUMN}) > ${threshold}`;
    const sql = `select count(*) as outliers ${outliers}`;
    const { outliers: observed = 0 } = await queryCounts(target.runner, sql);
    const rows = await querySamples(target.runner, `select * ${outliers} order by abs(${Z_COLUMN}) desc`, observed, target.sampleLimit);
    const samples = rows.map(({ [Z_COLUMN]: z, ...row }) => ({ ...row, [freeName('zscore', Object.keys(row))]: Number(Number(z).toFixed(ZSCORE_DECIMALS)) }));

    const bounds = boundsFor(spec);
    const message = `${spec.name}: ${plural(observed, 'row')} ${observed === 1 ? 'has' : 'have'} |z-score| of ${spec.column} above ${formatNumber(threshold)} (${spec.stddev ?? 'sample'} stddev), expected ${describeBounds(bounds)}`;
    return { passed: withinBounds(observed, bounds), observed, failingRows: observed, samples, message, sql };
  },
};
