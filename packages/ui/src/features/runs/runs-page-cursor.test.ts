import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { firstPageQuery, newerPageQuery, olderPageQuery, readPageCursor } from './runs-page-cursor.ts';

const id = (n: number) => `${String(n).repeat(8)}-0000-4000-8000-000000000000`;

describe('runs page cursor', () => {
  it('walks older pages and back to the first through the URL alone, keeping the filters', () => {
    let query = new URLSearchParams('status=FAILURE&asset=orders');
    assert.deepEqual(readPageCursor(query), { newer: [], pageIndex: 0 });
    const visited: string[] = [query.toString()];
    for (const next of [id(1), id(2), id(3)]) {
      // Each step goes through text, as a reload would.
      query = new URLSearchParams(olderPageQuery(query, next).toString());
      visited.push(query.toString());
    }
    assert.deepEqual(readPageCursor(query), { cursor: id(3), newer: [id(1), id(2)], pageIndex: 3 });
    assert.equal(query.get('status'), 'FAILURE');
    const back: string[] = [query.toString()];
    while (readPageCursor(query).pageIndex > 0) {
      query = new URLSearchParams(newerPageQuery(query).toString());
      back.push(query.toString());
    }
    assert.deepEqual(back, [...visited].reverse(), '"Newer" retraces "Older" exactly');
  });

  it('starts over on a filter change and ignores cursors that are not run ids', () => {
    const deep = new URLSearchParams(`trigger=ui&cursor=${id(3)}&newer=${id(1)},${id(2)}`);
    assert.equal(firstPageQuery(deep).toString(), 'trigger=ui');
    assert.deepEqual(readPageCursor(new URLSearchParams('cursor=nonsense&newer=x')), { newer: [], pageIndex: 0 });
    assert.deepEqual(readPageCursor(new URLSearchParams(`cursor=${id(4)}&newer=bad,${id(2)}`)), { cursor: id(4), newer: [id(2)], pageIndex: 2 });
  });
});
