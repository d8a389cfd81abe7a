/** `${partition.key}` and `{{ partition.key }}` (also start, end, a dimension) in io paths and SQL text. */
import { WeirError } from '../shared/errors.js';
import type { PartitionContext } from './partitions.js';

// Both spellings everywhere: `${…}` as in io paths with settings, `{{ … }}` as in SQL with `{{ this }}`.
const TOKEN = /\$\{\s*partition\.([A-Za-z0-9_.]+)\s*\}|\{\{\s*partition\.([A-Za-z0-9_.]+)\s*\}\}/g;

/** True when the text names the partition. */
export function usesPartition(text: string): boolean {
  TOKEN.lastIndex = 0;
  return new RegExp(TOKEN.source).test(text);
}

/**
 * Replaces the partition tokens with the partition's key, its window's start and end (ISO 8601 instants), or one
 * dimension's key (`partition.dimensions.region`). Text without tokens comes back as it was; tokens without a
 * partition, or naming something the partition lacks, are an error naming `where`.
 *
 * @example
 * interpolatePartition('output/${partition.key}/revenue.xlsx', { key: '2025-03' }, "asset 'revenue'")
 * // 'output/2025-03/revenue.xlsx'
 * interpolatePartition("where month = '{{ partition.key }}'", { key: '2025-03' }, '…') // "where month = '2025-03'"
 */
export function interpolatePartition(text: string, partition: PartitionContext | undefined, where: string): string {
  return text.replace(TOKEN, (token, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    if (!partition) {
      throw new WeirError(`${where}: ${token} names the partition, but this run has none`, {
        code: 'NO_PARTITION', hint: 'Only a partitioned asset has a partition: add partitions: to it, or remove the token.',
      });
    }
    const value = name === 'key' ? partition.key
      : name === 'start' ? partition.start?.toISOString()
        : name === 'end' ? partition.end?.toISOString()
          : name.startsWith('dimensions.') ? partition.dimensions?.[name.slice('dimensions.'.length)]
            : undefined;
    if (value === undefined) {
      throw new WeirError(`${where}: ${token} has no value for partition '${partition.key}'`, {
        code: 'NO_PARTITION', hint: `Use partition.key${partition.start ? ', partition.start, partition.end' : ''}${partition.dimensions ? `, or partition.dimensions.${Object.keys(partition.dimensions)[0]}` : ''}.`,
      });
    }
    return value;
  });
}
