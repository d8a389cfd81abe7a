/** Cancellation as an error; its own module so code that never opens DuckDB (the Excel parser) can use it. */

/**
 * The error a query rejects with when its signal aborts. `name` is `AbortError`, as for `fetch`, so
 * callers can tell a cancel from a failure; `cause` is the signal's reason.
 */
export class QueryAbortedError extends Error {
  constructor(reason: unknown) {
    super(reason instanceof Error && reason.message ? `Query aborted: ${reason.message}` : 'Query aborted', { cause: reason });
    this.name = 'AbortError';
  }
}
