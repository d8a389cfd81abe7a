/**
 * Run-level retries: when a run fails on an error marked transient, automation launches it again from its failed
 * steps as a new run linked to the first. The policy is declared on an asset (`runRetry`) or a schedule.
 */
import { z } from 'zod';
import { parseDuration } from '../shared/duration.js';

/** What people write: `runRetry: { max: 3, delay: '2m', backoff: 'exponential', on: ['defaults', 'HTTP 503'] }`. */
export interface RunRetryOptions {
  /** Retries after the first run (at least 1). */
  max: number;
  /** Wait after the failed run ended before the first retry (default '1m'); doubles each time with 'exponential'. */
  delay?: string | number;
  /** 'exponential' (default) or 'fixed'. */
  backoff?: 'fixed' | 'exponential';
  /**
   * Which errors are transient (default: DEFAULT_TRANSIENT_ERRORS). An UPPER_SNAKE string is an error code
   * (`ECONNRESET`, `SQLITE_BUSY`); another string matches the error message, ignoring case; a RegExp is tested on it.
   * `'defaults'` stands for the default list, to extend it: `on: ['defaults', 'HTTP 503']`.
   */
  on?: Array<string | RegExp>;
}

/** One entry of `on`, resolved. */
export type TransientErrorMatcher = { code: string } | { message: string } | { pattern: RegExp };

export interface RunRetryPolicy {
  max: number;
  delayMs: number;
  backoff: 'fixed' | 'exponential';
  on: readonly TransientErrorMatcher[];
}

/**
 * Errors that go away when tried again: timeouts, connections reset or refused by a peer that is restarting, names
 * that did not resolve for a moment, and DuckDB's "Conflicting lock" (another process held the warehouse file).
 */
export const DEFAULT_TRANSIENT_ERRORS: readonly (string | RegExp)[] = [
  'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
  /\btim(ed|e)[ -]?out\b|\btimeout\b/i, /connection (was )?reset/i, /socket hang up/i, /conflicting lock/i,
];

/** The word in `on` that stands for DEFAULT_TRANSIENT_ERRORS. */
export const DEFAULT_TRANSIENT_ERRORS_WORD = 'defaults';
const DEFAULT_DELAY_MS = 60_000;

// Also a schedule option (definitions/schedule.ts): its runs' failed assets with no policy of their own use it.
export const runRetrySchema = z.strictObject({
  max: z.number().int().min(1).max(100),
  delay: z.union([z.string(), z.number().min(0)]).optional(),
  backoff: z.enum(['fixed', 'exponential']).optional(),
  on: z.array(z.union([z.string().min(1), z.instanceof(RegExp)])).min(1).optional(),
});

/** For error messages: what a runRetry option looks like. */
export const RUN_RETRY_SHAPE = "{ max: 3, delay: '1m', backoff: 'exponential' | 'fixed', on: ['defaults', 'ECONNRESET', 'HTTP 503', /pattern/] }";

/**
 * Resolves the options once (defaults, durations, matchers). Throws an Error saying what is wrong.
 *
 * @example
 * resolveRunRetry({ max: 2, delay: '30s', on: ['defaults', 'HTTP 503'] })
 * // { max: 2, delayMs: 30000, backoff: 'exponential', on: [{ code: 'ETIMEDOUT' }, …, { pattern: /conflicting lock/i }, { message: 'http 503' }] }
 */
export function resolveRunRetry(options: RunRetryOptions): RunRetryPolicy {
  const entries = options.on ?? DEFAULT_TRANSIENT_ERRORS;
  const on = entries.flatMap((entry) => (entry === DEFAULT_TRANSIENT_ERRORS_WORD ? DEFAULT_TRANSIENT_ERRORS : [entry])).map(toMatcher);
  return {
    max: options.max,
    delayMs: options.delay === undefined ? DEFAULT_DELAY_MS : parseDuration(options.delay),
    backoff: options.backoff ?? 'exponential',
    on,
  };
}

function toMatcher(entry: string | RegExp): TransientErrorMatcher {
  if (entry instanceof RegExp) return { pattern: entry };
  return /^[A-Z][A-Z0-9_]*$/.test(entry) ? { code: entry } : { message: entry.toLowerCase() };
}

/**
 * Whether an error is transient under the policy: its code is listed, or its message matches an entry.
 *
 * @example
 * isTransientError({ message: 'read ECONNRESET', code: 'ECONNRESET' }, policy) // true
 * isTransientError({ message: "Binder Error: column 'x' not found" }, policy)  // false
 */
export function isTransientError(error: { message: string; code?: string }, policy: Pick<RunRetryPolicy, 'on'>): boolean {
  const message = error.message.toLowerCase();
  return policy.on.some((m) => ('code' in m ? error.code === m.code : 'message' in m ? message.includes(m.message) : m.pattern.test(error.message)));
}

/**
 * The wait before retry number `attempt` (1 for the first retry).
 *
 * @example
 * retryDelayMs({ delayMs: 60_000, backoff: 'exponential' }, 3) // 240000
 */
export function retryDelayMs(policy: Pick<RunRetryPolicy, 'delayMs' | 'backoff'>, attempt: number): number {
  return policy.backoff === 'exponential' ? policy.delayMs * 2 ** (attempt - 1) : policy.delayMs;
}
