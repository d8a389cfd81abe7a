/** Month partition spaces for the scheduler's tests: index <-> 'YYYY-MM' by arithmetic, like a time definition. */
import type { PartitionSpace } from './backfill-planner.js';

// merge: once definitions/partitions.ts is on this branch, tests use timePartitions() and this file goes.
/**
 * @example
 * testMonths('2025-01', 24).keyAt(13) // '2026-02'
 */
export function testMonths(start: string, count: number): PartitionSpace {
  const [year, month] = start.split('-').map(Number) as [number, number];
  const base = year * 12 + (month - 1);
  return {
    count,
    keyAt(index: number) {
      const m = base + index;
      return `${String(Math.floor(m / 12)).padStart(4, '0')}-${String((m % 12) + 1).padStart(2, '0')}`;
    },
    indexOf(key: string) {
      const match = /^(\d{4})-(\d{2})$/.exec(key);
      if (!match) return undefined;
      const index = Number(match[1]) * 12 + Number(match[2]) - 1 - base;
      return index >= 0 && index < count ? index : undefined;
    },
  };
}
