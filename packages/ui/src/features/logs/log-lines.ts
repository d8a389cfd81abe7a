/** A run's events as log lines, and the filter the log viewer applies (pure, so 100,000 lines filter in a few ms). */
import type { ApiEventRecord } from '../../api/types.ts';
import { checkOutcomeOf } from '../../../../weir/src/events/check-outcome.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'event';
export const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error', 'event'];

export interface LogLine {
  id: number;
  timestamp: number;
  /** `event` for engine events (step start, materialization…); errors and failures are `error`. */
  level: LogLevel;
  stepKey: string | null;
  type: ApiEventRecord['type'];
  message: string;
}

/**
 * @example
 * toLogLine({ id: 7, type: 'LOG', data: { level: 'warn' }, message: 'slow', stepKey: 'orders', timestamp: 1, … })
 * // { id: 7, level: 'warn', stepKey: 'orders', type: 'LOG', message: 'slow', timestamp: 1 }
 */
export function toLogLine(event: ApiEventRecord): LogLine {
  let level: LogLevel = 'event';
  if (event.type === 'LOG') level = event.data.level;
  else if (event.type === 'STEP_FAILURE' || event.type === 'RUN_FAILURE') level = 'error';
  else if (event.type === 'ASSET_CHECK_EVALUATION') {
    const outcome = checkOutcomeOf(event.data);
    if (outcome === 'warned' || outcome === 'warn_only') level = 'warn';
    else if (outcome !== 'passed') level = 'error';
  }
  else if (event.type === 'STEP_UP_FOR_RETRY') level = 'warn';
  return { id: event.id, timestamp: event.timestamp, level, stepKey: event.stepKey, type: event.type, message: event.message };
}

export interface LogFilter {
  levels: ReadonlySet<LogLevel>;
  /** Case-insensitive, in the message or step key. */
  text: string;
  stepKey: string | null;
}

/**
 * Indexes of the lines that pass the filter (indexes, not copies: cheap for 100,000 lines).
 *
 * @example
 * filterLines(lines, { levels: new Set(['error']), text: '', stepKey: null }) // [4, 17]
 */
export function filterLines(lines: readonly LogLine[], filter: LogFilter): number[] {
  const text = filter.text.trim().toLowerCase();
  const all = filter.levels.size === LOG_LEVELS.length;
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!all && !filter.levels.has(line.level)) continue;
    if (filter.stepKey !== null && line.stepKey !== filter.stepKey) continue;
    if (text && !line.message.toLowerCase().includes(text) && !(line.stepKey ?? '').toLowerCase().includes(text)) continue;
    out.push(i);
  }
  return out;
}
