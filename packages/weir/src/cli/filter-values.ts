/** The values `weir runs --status` and `weir logs --level` accept, as people type them, and the error for the rest. */
import { RunStatus, type LogLevel } from '../events/index.js';
import { WeirError } from '../shared/errors.js';

/** What each word a person may type means; the stored status names are accepted too (any case). */
const STATUS_WORDS: Record<string, RunStatus[]> = {
  queued: [RunStatus.QUEUED],
  started: [RunStatus.STARTED],
  running: [RunStatus.STARTED, RunStatus.CANCELING],
  success: [RunStatus.SUCCESS],
  succeeded: [RunStatus.SUCCESS],
  failure: [RunStatus.FAILURE],
  failed: [RunStatus.FAILURE],
  canceling: [RunStatus.CANCELING],
  cancelling: [RunStatus.CANCELING],
  canceled: [RunStatus.CANCELED],
  cancelled: [RunStatus.CANCELED],
};
/** The words shown as allowed (one per meaning; the others are understood too). */
const STATUS_SHOWN = ['queued', 'running', 'succeeded', 'failed', 'cancelling', 'cancelled'];

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const LEVEL_WORDS: Record<string, LogLevel> = { debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error' };

/**
 * `--status` as typed: one word or a comma-separated list, any case, to the stored statuses.
 *
 * @example
 * parseRunStatuses('Failed')            // ['FAILURE']
 * parseRunStatuses('running,cancelled') // ['STARTED', 'CANCELING', 'CANCELED']
 * parseRunStatuses('broken')
 * // WeirError: --status 'broken' is not a run status. Use one of: queued, running, succeeded, failed, cancelling, cancelled (several: --status failed,cancelled)
 */
export function parseRunStatuses(text: string): RunStatus[] {
  const statuses = new Set<RunStatus>();
  for (const word of text.split(',').map((w) => w.trim().toLowerCase())) {
    const meaning = STATUS_WORDS[word];
    if (!meaning) {
      throw new WeirError(`--status '${word || text}' is not a run status`, {
        code: 'INVALID_OPTION_VALUE', hint: `Use one of: ${STATUS_SHOWN.join(', ')} (several: --status failed,cancelled)`,
      });
    }
    for (const status of meaning) statuses.add(status);
  }
  return [...statuses];
}

/**
 * `--level` as typed, any case.
 *
 * @example
 * parseLogLevel('WARN')  // 'warn'
 * parseLogLevel('bogus') // WeirError: --level 'bogus' is not a log level. Use one of: debug, info, warn, error
 */
export function parseLogLevel(text: string): LogLevel {
  const level = LEVEL_WORDS[text.trim().toLowerCase()];
  if (!level) throw new WeirError(`--level '${text}' is not a log level`, { code: 'INVALID_OPTION_VALUE', hint: `Use one of: ${LOG_LEVELS.join(', ')}` });
  return level;
}

/** Words for what `--status` selected, for "No runs …" messages: `['FAILURE']` → 'failed'. */
export function describeStatuses(statuses: readonly RunStatus[]): string {
  const names: Record<RunStatus, string> = {
    QUEUED: 'queued', STARTED: 'running', CANCELING: 'cancelling', SUCCESS: 'succeeded', FAILURE: 'failed', CANCELED: 'cancelled',
  };
  return [...new Set(statuses.map((s) => names[s]))].join(' or ');
}
