/** DuckDB's SQL parser on its own: checks the syntax of a statement without running it or needing its tables. */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckDbApi } from './node-api.js';

// node-api wraps the parser's message; what a run reports starts at DuckDB's own "Parser Error: …".
const EXTRACT_PREFIX = /^Failed to extract statements:\s*/;

/**
 * Parses SQL with DuckDB's parser on a private in-memory database: nothing is executed and no name is bound, so
 * `select * from orders` parses whether or not `orders` exists, and no warehouse file is opened or locked.
 *
 * @example
 * const parser = await SqlParser.open();
 * await parser.syntaxError('select 1');                 // undefined
 * (await parser.syntaxError('select a\nform t'))?.message
 * // 'Parser Error: syntax error at or near "t"\n\nLINE 2: form t\n             ^'  (what a run of it reports)
 * parser.close();
 */
export class SqlParser {
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#instance = instance;
    this.#connection = connection;
  }

  static async open(): Promise<SqlParser> {
    const instance = await duckDbApi().DuckDBInstance.create(':memory:');
    return new SqlParser(instance, await instance.connect());
  }

  /** DuckDB's syntax error for `sql` (one statement or several), or undefined when it parses. */
  async syntaxError(sql: string): Promise<Error | undefined> {
    try {
      await this.#connection.extractStatements(sql);
      return undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return new Error(message.replace(EXTRACT_PREFIX, ''));
    }
  }

  close(): void {
    this.#connection.closeSync();
    this.#instance.closeSync();
  }
}
