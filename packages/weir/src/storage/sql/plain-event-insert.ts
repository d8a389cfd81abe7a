/** Multi-row INSERTs of events without derived state (log lines, step events): the SQL text and its parameters. */
import { isLevelOnly } from '../../events/is-level-only.js';
import type { EventRecord, LogLevel, NewEvent } from '../../events/index.js';
import { stringifyJson } from '../../shared/json.js';

/**
 * Rows per INSERT: 4 shared parameters and 3 per row stay far below SQLite's 32,766 and PostgreSQL's 65,535 bound
 * parameters, and one fixed size means one SQL text (one cached prepared statement) for every full chunk.
 */
export const ROWS_PER_INSERT = 500;

/** How a dialect writes its n-th parameter (1-based): SQLite `?1`, PostgreSQL `$1`. Both let a number repeat. */
export type PlaceholderStyle = '?' | '$';

/*
 * Why the four columns a burst shares are bound once per INSERT and not once per row: binding costs per value, and
 * a step's log lines share their run, project, step and type. Measured through libsql on a million lines, 7 values
 * a row took 3.4 µs a row, 4 shared + 3 a row 2.1 µs (loading one JSON array through json_each: 2.4 µs, because
 * every `value ->> n` parses its element again).
 */

/**
 * One INSERT's worth of consecutive events that share run, project, step and type, and the parameters for
 * `plainInsertSql(style, events.length)`: the four shared values first, then timestamp, message and data per row.
 */
export interface PlainInsertChunk {
  events: NewEvent[];
  parameters: unknown[];
}

/**
 * Cuts `events` (none of which changes derived state) into chunks in the given order: a new chunk when run, project,
 * step or type changes, or at ROWS_PER_INSERT rows.
 *
 * @example
 * plainInsertChunks([log1, log2, stepSuccess]).map((c) => c.events.length) // [2, 1]
 */
export function plainInsertChunks(events: readonly NewEvent[]): PlainInsertChunk[] {
  const chunks: PlainInsertChunk[] = [];
  let current: PlainInsertChunk | undefined;
  let first: NewEvent | undefined;
  for (const raw of events) {
    const event = withStorableMessage(raw);
    if (!current || !first || current.events.length >= ROWS_PER_INSERT || event.runId !== first.runId || event.project !== first.project
      || event.stepKey !== first.stepKey || event.type !== first.type) {
      first = event;
      current = { events: [], parameters: [event.runId, event.project, event.stepKey, event.type] };
      chunks.push(current);
    }
    current.events.push(event);
    current.parameters.push(event.timestamp, event.message, dataText(event.data));
  }
  return chunks;
}

const sqlTexts = new Map<string, string>();

/**
 * The INSERT for `rowCount` rows of a PlainInsertChunk, in the dialect's placeholder style.
 *
 * @example
 * plainInsertSql('?', 2)
 * // insert into "events" ("run_id", …, "data") values (?1, ?2, ?3, ?4, ?5, ?6, ?7), (?1, ?2, ?3, ?4, ?8, ?9, ?10)
 */
export function plainInsertSql(style: PlaceholderStyle, rowCount: number): string {
  const key = `${style}${rowCount}`;
  let text = sqlTexts.get(key);
  if (text === undefined) {
    const rows: string[] = [];
    for (let r = 0; r < rowCount; r++) {
      const at = 5 + 3 * r;
      rows.push(`(${style}1, ${style}2, ${style}3, ${style}4, ${style}${at}, ${style}${at + 1}, ${style}${at + 2})`);
    }
    text = `insert into "events" ("run_id", "project", "step_key", "type", "timestamp", "message", "data") values ${rows.join(', ')}`;
    // Full chunks all share one text; only the last chunk of a batch has another size.
    if (sqlTexts.size > 64) sqlTexts.clear();
    sqlTexts.set(key, text);
  }
  return text;
}

/** A log line's usual payload is `{ level }` alone: its JSON is one of four strings, not a stringify per line. */
const LEVEL_ONLY: Record<LogLevel, string> = {
  debug: '{"level":"debug"}', info: '{"level":"info"}', warn: '{"level":"warn"}', error: '{"level":"error"}',
};

function dataText(data: unknown): string {
  return isLevelOnly(data) ? LEVEL_ONLY[data.level] : stringifyJson(data);
}

/**
 * An event's record: the event and its id, built field by field (a spread copy per log line cost about as much as
 * inserting it).
 */
export function eventRecord(event: NewEvent, id: number): EventRecord {
  return { id, runId: event.runId, project: event.project, type: event.type, stepKey: event.stepKey, timestamp: event.timestamp, message: event.message, data: event.data } as EventRecord;
}

/**
 * A message is free text (a log line may carry a program's raw output), but PostgreSQL TEXT rejects NUL and SQLite
 * drivers cut the string at it. Replace NUL with U+FFFD so every backend stores, and returns, the same message.
 * `data` needs nothing: JSON escapes NUL as \u0000.
 */
export function withStorableMessage(event: NewEvent): NewEvent {
  return event.message.includes('\u0000') ? { ...event, message: event.message.replaceAll('\u0000', '\uFFFD') } : event;
}
