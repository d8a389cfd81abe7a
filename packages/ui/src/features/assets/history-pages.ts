/**
 * An asset's history (materializations, check evaluations) as the newest page, which live updates reload, followed
 * by the older pages the user asked for with "Load older". Pure: the page only keeps the state these return.
 */

/** What the API's history endpoints answer: newest first; `nextCursor` is passed as `before` for the next page. */
export interface HistoryPage<T> {
  items: readonly T[];
  nextCursor: number | null;
}

/** The pages loaded beyond the newest one, and whether the API has more. */
export interface OlderHistory<T> {
  items: readonly T[];
  hasMore: boolean;
}

/**
 * The newest page followed by the older items, each event once, newest first.
 *
 * @example
 * mergeHistory([{ eventId: 9 }, { eventId: 8 }], [{ eventId: 8 }, { eventId: 5 }]).map((m) => m.eventId) // [9, 8, 5]
 */
export function mergeHistory<T extends { eventId: number }>(latest: readonly T[], older: readonly T[] = []): T[] {
  const seen = new Set<number>();
  const out: T[] = [];
  for (const item of [...latest, ...older]) {
    if (seen.has(item.eventId)) continue;
    seen.add(item.eventId);
    out.push(item);
  }
  return out.sort((a, b) => b.eventId - a.eventId);
}

/**
 * Where the next older page starts: before the oldest item shown. Undefined when nothing is shown.
 *
 * @example
 * olderCursor([{ eventId: 9 }, { eventId: 8 }], { items: [{ eventId: 5 }], hasMore: true }) // 5
 */
export function olderCursor<T extends { eventId: number }>(latest: readonly T[], older?: OlderHistory<T>): number | undefined {
  const shown = mergeHistory(latest, older?.items);
  return shown[shown.length - 1]?.eventId;
}

/**
 * Adds a page fetched with `before: olderCursor(latest, older)`. Everything shown when it was asked for is kept
 * with it: if new events arrive meanwhile, the newest page (reloaded live) drops its oldest items, and those must
 * not fall into a hole between it and the older pages.
 *
 * @example
 * withOlderPage([{ eventId: 9 }, { eventId: 8 }], undefined, { items: [{ eventId: 5 }], nextCursor: null })
 * // { items: [{ eventId: 9 }, { eventId: 8 }, { eventId: 5 }], hasMore: false }
 */
export function withOlderPage<T extends { eventId: number }>(latest: readonly T[], older: OlderHistory<T> | undefined, page: HistoryPage<T>): OlderHistory<T> {
  return { items: mergeHistory(mergeHistory(latest, older?.items), page.items), hasMore: page.nextCursor !== null };
}
