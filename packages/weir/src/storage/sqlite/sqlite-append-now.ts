/** SQLite's synchronous append of log lines and step events: how a step that logs without yielding is stored as it logs. */
import type Database from 'libsql';
import type { EventRecord, NewEvent } from '../../events/index.js';
import { changesDerivedState } from '../sql/insert-event.js';
import { eventRecord, plainInsertChunks, plainInsertSql } from '../sql/plain-event-insert.js';

/** Appends events at once, or answers undefined when it cannot right now (see EventLog.appendBatchNow). */
export type AppendNow = (events: readonly NewEvent[]) => EventRecord[] | undefined;

/*
 * Why it is safe to write beside Kysely on the same connection: JavaScript runs this function to its end with nothing
 * in between, so its BEGIN … COMMIT is one transaction that no other query can join or split. The one thing that
 * could be in the way is a transaction another caller has opened on the connection and is awaiting inside: writing
 * then would put these rows into that transaction (and its rollback). `inTransaction` says so, and the answer is
 * then "not now" (the caller keeps the events and stores them the usual way).
 */

/**
 * Builds the AppendNow of one libsql database: plain events only (an event with derived state answers undefined),
 * all of them committed in one transaction, ids consecutive in the given order.
 *
 * @example
 * const appendNow = sqliteAppendNow(database);
 * appendNow([log1, log2]) // [{ id: 41, …log1 }, { id: 42, …log2 }], committed
 */
export function sqliteAppendNow(database: Database.Database): AppendNow {
  const statements = new Map<number, Database.Statement>();
  let begin: Database.Statement | undefined;
  let commit: Database.Statement | undefined;
  const statement = (rows: number) => {
    let found = statements.get(rows);
    if (!found) {
      found = database.prepare(plainInsertSql('?', rows));
      // Full chunks share one statement; the last chunk of each batch has its own size.
      if (statements.size > 16) statements.clear();
      statements.set(rows, found);
    }
    return found;
  };
  return (events) => {
    if (!events.length) return [];
    if (database.inTransaction || !database.open) return undefined;
    for (const event of events) if (changesDerivedState(event.type)) return undefined;
    begin ??= database.prepare('begin immediate');
    commit ??= database.prepare('commit');
    const records: EventRecord[] = [];
    try {
      begin.run();
    } catch {
      return undefined; // locked by another process past the busy timeout: the caller stores them later
    }
    try {
      for (const chunk of plainInsertChunks(events)) {
        const result = statement(chunk.events.length).run(chunk.parameters);
        const last = Number(result.lastInsertRowid);
        const count = chunk.events.length;
        if (Number(result.changes) !== count) throw new Error(`appendNow: ${String(result.changes)} rows inserted for ${count}`);
        for (let i = 0; i < count; i++) records.push(eventRecord(chunk.events[i]!, last - count + 1 + i));
      }
      commit.run();
      return records;
    } catch {
      // Nothing is kept (all or none): the caller stores these events the usual way, which reports what is wrong.
      if (database.inTransaction) database.exec('rollback');
      return undefined;
    }
  };
}
