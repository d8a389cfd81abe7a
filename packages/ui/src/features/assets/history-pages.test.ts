import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mergeHistory, olderCursor, withOlderPage, type HistoryPage } from './history-pages.ts';

const item = (eventId: number) => ({ eventId, label: `m${eventId}` });
const ids = (items: ReadonlyArray<{ eventId: number }>) => items.map((i) => i.eventId);

/** A stored history of ids 1..n and the API's paging over it (newest first, `before` exclusive). */
function history(n: number) {
  let all = Array.from({ length: n }, (_, i) => item(i + 1)).reverse();
  return {
    add: (eventId: number) => { all = [item(eventId), ...all]; },
    page(limit: number, before?: number): HistoryPage<ReturnType<typeof item>> {
      const rest = all.filter((m) => before === undefined || m.eventId < before);
      const items = rest.slice(0, limit);
      return { items, nextCursor: rest.length > limit ? items[items.length - 1]!.eventId : null };
    },
  };
}

describe('history pages', () => {
  it('merges the newest page and older pages newest first, each event once', () => {
    assert.deepEqual(ids(mergeHistory([item(9), item(8)], [item(8), item(7), item(3)])), [9, 8, 7, 3]);
    assert.deepEqual(ids(mergeHistory([item(2)])), [2]);
    assert.equal(olderCursor([]), undefined);
  });

  it('loads older pages until the API has no more', () => {
    const h = history(12);
    const latest = h.page(5).items;
    let older = withOlderPage(latest, undefined, h.page(5, olderCursor(latest)));
    assert.deepEqual(ids(mergeHistory(latest, older.items)), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    assert.equal(older.hasMore, true);
    older = withOlderPage(latest, older, h.page(5, olderCursor(latest, older)));
    assert.deepEqual(ids(mergeHistory(latest, older.items)), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    assert.equal(older.hasMore, false);
  });

  it('leaves no hole when new events push items off the newest page between loads', () => {
    const h = history(10);
    let latest = h.page(4).items; // 10..7
    let older = withOlderPage(latest, undefined, h.page(4, olderCursor(latest))); // + 6..3
    h.add(11);
    h.add(12);
    latest = h.page(4).items; // live reload: 12..9 (8 and 7 left the newest page)
    assert.deepEqual(ids(mergeHistory(latest, older.items)), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    older = withOlderPage(latest, older, h.page(4, olderCursor(latest, older)));
    assert.deepEqual(ids(mergeHistory(latest, older.items)), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });
});
