/** Offending values with how many rows carry each, shared by accepted_values and relationships. */
import { formatValue } from './format.js';
import { plural } from '../../shared/plural.js';

/**
 * Sample rows `{ [column]: value, [countKey]: n }` as message text.
 *
 * @example
 * describeGroupedValues([{ status: 'instok', count: 3 }, { status: 'sold', count: 1 }], 'status', 'count', 2)
 * // "'instok' (3 rows), 'sold' (1 row)"
 * describeGroupedValues([{ status: 'instok', count: 3 }], 'status', 'count', 4)
 * // "'instok' (3 rows), … 3 more values"
 */
export function describeGroupedValues(samples: Array<Record<string, unknown>>, column: string, countKey: string, distinct: number): string {
  const shown = samples.map((row) => `${formatValue(row[column])} (${plural(Number(row[countKey]), 'row')})`).join(', ');
  const more = distinct - samples.length;
  return more > 0 ? `${shown}, … ${plural(more, 'more value')}` : shown;
}
