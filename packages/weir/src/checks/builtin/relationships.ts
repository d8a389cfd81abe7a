/** relationships: non-null values of a column with no match in a column of another asset (orphans). */
import type { RelationshipsCheck } from '../../definitions/check.js';
import type { BuiltinCheck } from '../check-target.js';
import { plural } from '../../shared/plural.js';
import { describeGroupedValues } from './grouped-values.js';
import { freeName, queryCounts, querySamples, quoteIdentifier } from './sql.js';

/**
 * Matches with SQL `=`, so types must be comparable: when they are not, DuckDB's error says so and the user
 * casts in the model. `not exists` rather than `not in`, which matches nothing once the parent holds a null.
 *
 * @example
 * // relationships({ column: 'product_id', to: 'erp_clean', toColumn: 'product_id' }) with 17 twice and 99 once unmatched:
 * // { passed: false, observed: 3, expected: 0, failingRows: 3,
 * //   samples: [{ product_id: 17, count: 2 }, { product_id: 99, count: 1 }],
 * //   message: 'relationships_product_id: 3 rows have a product_id with no match in erp_clean.product_id: 17 (2 rows), 99 (1 row)' }
 */
export const relationshipsCheck: BuiltinCheck<RelationshipsCheck> = {
  expected: () => 0,

  relations: (spec, target) => [
    { label: target.assetKey, relation: target.relation },
    { label: spec.to, relation: target.resolveRelation(spec.to) },
  ],

  async evaluate(spec, target) {
    const parent = target.resolveRelation(spec.to);
    const column = `child.${quoteIdentifier(spec.column)}`;
    const orphans = `from ${target.relation} as child where ${column} is not null and not exists (select 1 from ${parent} as parent where parent.${quoteIdentifier(spec.toColumn)} = ${column})`;
    const sql = `select count(*) as failing_rows, count(distinct ${column}) as orphan_values ${orphans}`;
    const { failing_rows: failing = 0, orphan_values: distinct = 0 } = await queryCounts(target.runner, sql);
    const countKey = freeName('count', [spec.column]);
    const samples = await querySamples(
      target.runner, `select ${column}, count(*) as ${quoteIdentifier(countKey)} ${orphans} group by ${column} order by 2 desc, 1`,
      failing, target.sampleLimit,
    );
    const orphanList = failing ? `: ${describeGroupedValues(samples, spec.column, countKey, distinct)}` : '';
    const message = `${spec.name}: ${plural(failing, 'row')} ${failing === 1 ? 'has' : 'have'} a ${spec.column} with no match in ${spec.to}.${spec.toColumn}${orphanList}`;
    return { passed: failing === 0, observed: failing, failingRows: failing, samples, message, sql };
  },
};
