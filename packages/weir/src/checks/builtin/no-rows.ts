/** no_rows: a user's query (with `{{ this }}`) that must return no rows; what it returns are the failing rows. */
import type { NoRowsCheck } from '../../definitions/check.js';
import type { BuiltinCheck } from '../check-target.js';
import { plural } from '../../shared/plural.js';
import { asSubquery, queryCounts, querySamples, renderThis } from './sql.js';

/**
 * @example
 * // noRows('select * from {{ this }} where price < 0', { name: 'no_negative_price' }) with 2 negative prices:
 * // { passed: false, observed: 2, expected: 0, failingRows: 2, samples: [{ sku: 'A', price: -1 }, …],
 * //   message: 'no_negative_price: query returned 2 rows, expected 0' }
 */
export const noRowsCheck: BuiltinCheck<NoRowsCheck> = {
  expected: () => 0,

  async evaluate(spec, target) {
    const query = asSubquery(renderThis(spec.sql, target.relation));
    const sql = `select count(*) as failing_rows from ${query} as no_rows_check`;
    const { failing_rows: failing = 0 } = await queryCounts(target.runner, sql);
    const samples = await querySamples(target.runner, `select * from ${query} as no_rows_check`, failing, target.sampleLimit);
    const message = `${spec.name}: query returned ${plural(failing, 'row')}, expected 0`;
    return { passed: failing === 0, observed: failing, failingRows: failing, samples, message, sql };
  },
};
