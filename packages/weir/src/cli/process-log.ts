/** The log of a long-lived process (`weir serve`, `weir dev`): text for people or one JSON object per line for machines. */
import type { AutomationLogLine } from '../scheduler/automation-deps.js';
import { style } from './output/style.js';

export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];
export type LogLevel = AutomationLogLine['level'];

export interface ProcessLog {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A line from an automation loop: its name becomes the `loop` field. */
  automation(line: AutomationLogLine): void;
}

export interface ProcessLogOptions {
  format: LogFormat;
  /** Masks secret settings: every line passes through it, whatever the format. */
  redact: (text: string) => string;
  /** Lines below this level are dropped (default info). */
  minLevel?: LogLevel;
  write?: (line: string, level: LogLevel) => void;
  now?: () => number;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * @example
 * const log = createProcessLog({ format: 'json', redact: projectRedactor(definitions) });
 * log.info('serving', { url: 'http://127.0.0.1:3000' })
 * // {"time":"2026-03-01T05:00:00.000Z","level":"info","message":"serving","fields":{"url":"http://127.0.0.1:3000"}}
 * createProcessLog({ format: 'text', redact }).warn('lost the lease', { holder: 'h:1' })
 * // 2026-03-01T05:00:00.000Z WARN  lost the lease holder=h:1
 */
export function createProcessLog(options: ProcessLogOptions): ProcessLog {
  const now = options.now ?? Date.now;
  const minLevel = LEVEL_ORDER[options.minLevel ?? 'info'];
  // Text: warnings and errors go to stderr, as a terminal user expects. JSON: every line to stdout, one stream for the
  // collector to parse (the level is in the object).
  const write = options.write ?? ((line: string, level: LogLevel) =>
    (options.format === 'text' && LEVEL_ORDER[level] >= LEVEL_ORDER.warn ? process.stderr : process.stdout).write(line));
  function emit(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (LEVEL_ORDER[level] < minLevel) return;
    const time = new Date(now()).toISOString();
    const hasFields = fields !== undefined && Object.keys(fields).length > 0;
    const line = options.format === 'json'
      ? JSON.stringify({ time, level, message, ...(hasFields ? { fields } : {}) }, jsonSafe)
      : `${style.dim(time)} ${levelText(level)} ${message}${hasFields ? ` ${style.dim(textFields(fields))}` : ''}`;
    // Masked after formatting: a secret inside a field value is masked however it was quoted.
    write(`${options.redact(line)}\n`, level);
  }
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    automation: (line) => emit(line.level, line.message, { loop: line.loop, ...line.fields }),
  };
}

function levelText(level: LogLevel): string {
  const text = level.toUpperCase().padEnd(5);
  return level === 'error' ? style.red(text) : level === 'warn' ? style.yellow(text) : level === 'debug' ? style.gray(text) : text;
}

/** `key=value` pairs; a value with spaces or quotes is JSON-quoted so the line stays parseable. */
function textFields(fields: Record<string, unknown>): string {
  return Object.entries(fields).map(([key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value, jsonSafe);
    return `${key}=${typeof value === 'string' && /^[^\s"=]+$/.test(value) ? text : JSON.stringify(text)}`;
  }).join(' ');
}

/** bigint (DuckDB counts) and errors in fields must not break a log line. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Error) return value.message;
  return value;
}
