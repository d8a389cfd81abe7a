/** not_null: rows where any of the listed columns is null. */
import type { NotNullCheck } from '../../definitions/check.js';
import type { BuiltinCheck } from '../check-target.js';
import { plural } from '../../shared/plural.js';
import { queryCounts, querySamples, quoteIdentifier } from './sql.js';

/**
 * @example
 * // notNull('sku') on a table with 3 null skus:
 * // { passed: false, observed: 3, expected: 0, failingRows: 3, samples: [{ sku: null, … }, …],
 * //   message: 'not_null_sku: 3 rows have null sku, expected 0' }
 */
export const notNullCheck: BuiltinCheck<NotNullCheck> = {
  expected: () => 0,

  async evaluate(spec, target) {
    if (!spec.columns.length) throw new Error('lists no columns; give at least one, e.g. notNull(\'sku\')');
    const where = spec.columns.map((column) => `${quoteIdentifier(column)} is null`).join(' or ');
    const sql = `select count(*) as failing_rows from ${target.relation} where ${where}`;
    const { failing_rows: failing = 0 } = await queryCounts(target.runner, sql);
    const samples = await querySamples(target.runner, `select * from ${target.relation} where ${where}`, failing, target.sampleLimit);
    const have = failing === 1 ? 'has' : 'have';
    const message = `${spec.name}: ${plural(failing, 'row')} ${have} null ${spec.columns.join(' or ')}, expected 0`;
    return { passed: failing === 0, observed: failing, failingRows: failing, samples, message, sql };
  },
};
