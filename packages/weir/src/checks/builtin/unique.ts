/** unique: key values (one column or a combination) that occur on more than one row. */
import type { UniqueCheck } from '../../definitions/check.js';
import type { BuiltinCheck } from '../check-target.js';
import { plural } from '../../shared/plural.js';
import { freeName, queryCounts, querySamples, quoteIdentifier } from './sql.js';

/**
 * Counts duplicated key values as dbt does (`group by key having count(*) > 1`). Rows with a null in the key are
 * left out, as a SQL UNIQUE constraint does; pair with not_null to forbid them.
 *
 * @example
 * // unique('sku') where 'A' appears 3 times and 'B' twice:
 * // { passed: false, observed: 2, expected: 0, failingRows: 2,
 * //   samples: [{ sku: 'A', count: 3 }, { sku: 'B', count: 2 }],
 * //   message: 'unique_sku: 2 duplicated sku values covering 5 rows, expected 0' }
 */
export const uniqueCheck: BuiltinCheck<UniqueCheck> = {
  expected: () => 0,

  async evaluate(spec, target) {
    if (!spec.columns.length) throw new Error('lists no columns; give at least one, e.g. unique(\'sku\')');
    const keys = spec.columns.map(quoteIdentifier).join(', ');
    const notNull = spec.columns.map((column) => `${quoteIdentifier(column)} is not null`).join(' and ');
    const count = quoteIdentifier(freeName('count', spec.columns));
    const duplicates = `select ${keys}, count(*) as ${count} from ${target.relation} where ${notNull} group by ${keys} having count(*) > 1`;
    const sql = `select count(*) as duplicated_keys, coalesce(sum(${count}), 0) as duplicated_rows from (${duplicates})`;
    const { duplicated_keys: failing = 0, duplicated_rows: rows = 0 } = await queryCounts(target.runner, sql);
    const samples = await querySamples(target.runner, `${duplicates} order by ${count} desc, ${keys}`, failing, target.sampleLimit);
    const key = spec.columns.length === 1 ? spec.columns[0]! : `(${spec.columns.join(', ')})`;
    const covering = failing ? ` covering ${plural(rows, 'row')}` : '';
    const message = `${spec.name}: ${plural(failing, `duplicated ${key} value`)}${covering}, expected 0`;
    return { passed: failing === 0, observed: failing, failingRows: failing, samples, message, sql };
  },
};
