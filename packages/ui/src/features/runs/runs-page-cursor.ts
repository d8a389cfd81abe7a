/**
 * Where the runs list is in its pages, kept in the URL so that a reload, Back and a shared link show the same page:
 * `cursor` is the API's cursor of the page shown (the last run id of the page before), `newer` the cursors of the
 * pages before it, oldest last, which "Newer" walks back through. The API pages one way only (older), so the way
 * back must be remembered somewhere, and the URL is the one place that survives a reload.
 */

export interface RunsPageCursor {
  /** The API's `cursor` for the page shown; undefined on the first page. */
  cursor?: string;
  /** The cursors of the pages between the first and this one, in order (the first page has none). */
  newer: string[];
  /** 0 for the first page. */
  pageIndex: number;
}

const RUN_ID = /^[0-9a-f-]{36}$/;

/**
 * @example
 * readPageCursor(new URLSearchParams('cursor=c…&newer=a…,b…')) // { cursor: 'c…', newer: ['a…', 'b…'], pageIndex: 3 }
 * readPageCursor(new URLSearchParams('status=FAILURE'))       // { newer: [], pageIndex: 0 }
 */
export function readPageCursor(query: URLSearchParams): RunsPageCursor {
  const cursor = query.get('cursor') ?? '';
  // A hand-edited or truncated URL: ignore what is not a run id rather than fail the page.
  if (!RUN_ID.test(cursor)) return { newer: [], pageIndex: 0 };
  const newer = (query.get('newer') ?? '').split(',').filter((id) => RUN_ID.test(id));
  return { cursor, newer, pageIndex: newer.length + 1 };
}

/**
 * The query of the next older page, whose API cursor is the `nextCursor` of the page shown.
 *
 * @example
 * olderPageQuery(new URLSearchParams('status=FAILURE&cursor=a…'), 'b…').toString() // 'status=FAILURE&cursor=b…&newer=a…'
 */
export function olderPageQuery(query: URLSearchParams, nextCursor: string): URLSearchParams {
  const { cursor, newer } = readPageCursor(query);
  return withCursor(query, nextCursor, cursor ? [...newer, cursor] : []);
}

/**
 * The query of the page before the one shown (the first page has no cursor).
 *
 * @example
 * newerPageQuery(new URLSearchParams('cursor=c…&newer=a…,b…')).toString() // 'cursor=b…&newer=a…'
 * newerPageQuery(new URLSearchParams('cursor=a…')).toString()             // ''
 */
export function newerPageQuery(query: URLSearchParams): URLSearchParams {
  const { newer } = readPageCursor(query);
  return withCursor(query, newer[newer.length - 1], newer.slice(0, -1));
}

/**
 * The first page with the same filters: what a change of filter shows.
 *
 * @example
 * firstPageQuery(new URLSearchParams('status=FAILURE&cursor=c…&newer=a…')).toString() // 'status=FAILURE'
 */
export function firstPageQuery(query: URLSearchParams): URLSearchParams {
  return withCursor(query, undefined, []);
}

function withCursor(query: URLSearchParams, cursor: string | undefined, newer: readonly string[]): URLSearchParams {
  const next = new URLSearchParams(query);
  next.delete('cursor');
  next.delete('newer');
  if (cursor) next.set('cursor', cursor);
  if (cursor && newer.length) next.set('newer', newer.join(','));
  return next;
}
