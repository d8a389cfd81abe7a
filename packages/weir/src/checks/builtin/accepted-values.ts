/** accepted_values: rows whose value is not in the accepted list (nulls pass, as in dbt). */
import type { AcceptedValuesCheck } from '../../definitions/check.js';
import type { BuiltinCheck } from '../check-target.js';
import { formatList } from './format.js';
import { plural } from '../../shared/plural.js';
import { describeGroupedValues } from './grouped-values.js';
import { freeName, queryCounts, querySamples, quoteIdentifier, sqlLiteral } from './sql.js';

/**
 * Values are written as typed SQL literals and compared by DuckDB, so 1 matches 1.0 and '1' is a string.
 *
 * @example
 * // acceptedValues('status', ['instock', 'outofstock']) with 3 rows 'instok' and 1 row 'sold':
 * // { passed: false, observed: 4, expected: ['instock', 'outofstock'], failingRows: 4,
 * //   samples: [{ status: 'instok', count: 3 }, { status: 'sold', count: 1 }],
 * //   message: "accepted_values_status: 4 rows have a status outside the accepted values: 'instok' (3 rows), 'sold' (1 row); accepted: 'instock', 'outofstock'" }
 */
export const acceptedValuesCheck: BuiltinCheck<AcceptedValuesCheck> = {
  expected: (spec) => [...spec.values],

  async evaluate(spec, target) {
    const column = quoteIdentifier(spec.column);
    // `not in ()` is a syntax error: with nothing accepted, every non-null value fails.
    const outside = spec.values.length ? `${column} not in (${spec.values.map(sqlLiteral).join(', ')})` : 'true';
    const where = `${column} is not null and ${outside}`;
    const sql = `select count(*) as failing_rows, count(distinct ${column}) as unexpected_values from ${target.relation} where ${where}`;
    const { failing_rows: failing = 0, unexpected_values: distinct = 0 } = await queryCounts(target.runner, sql);
    const countKey = freeName('count', [spec.column]);
    const samples = await querySamples(
      target.runner,
      `select ${column}, count(*) as ${quoteIdentifier(countKey)} from ${target.relation} where ${where} group by ${column} order by 2 desc, 1`,
      failing, target.sampleLimit,
    );
    const offenders = failing ? `: ${describeGroupedValues(samples, spec.column, countKey, distinct)}` : '';
    const message = `${spec.name}: ${plural(failing, 'row')} ${failing === 1 ? 'has' : 'have'} a ${spec.column} outside the accepted values${offenders}; accepted: ${formatList(spec.values)}`;
    return { passed: failing === 0, observed: failing, failingRows: failing, samples, message, sql };
  },
};
