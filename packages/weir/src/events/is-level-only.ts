/** Recognises a log line's plainest payload, `{ level }`, which hot paths store and redact without work. */
import type { LogLevel } from './run-event.js';

const LEVELS = new Set<unknown>(['debug', 'info', 'warn', 'error'] satisfies LogLevel[]);

/**
 * Whether `data` is a log line's `{ level }` (one of the four levels) and nothing else, checked without allocating a key list (it is asked
 * once per log line).
 *
 * @example
 * isLevelOnly({ level: 'info' }) // true
 * isLevelOnly({ level: 'info', fields: { rows: 3 } }) // false
 */
export function isLevelOnly(data: unknown): data is { level: LogLevel } {
  if (typeof data !== 'object' || data === null || !LEVELS.has((data as { level?: unknown }).level)) return false;
  let keys = 0;
  for (const key in data) if (++keys > 1 || key !== 'level') return false;
  return keys === 1;
}
