/** "Load older" for one of an asset's histories: the pages loaded so far, merged with the newest page. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { mergeHistory, olderCursor, withOlderPage, type HistoryPage, type OlderHistory } from './history-pages.ts';

export interface OlderHistoryState<T> {
  /** The newest page and every older page loaded, newest first. */
  items: T[];
  hasMore: boolean;
  isLoading: boolean;
  error: Error | null;
  loadOlder(): void;
}

/**
 * @example
 * const history = useOlderHistory(detail.materializations.items, detail.materializations.nextCursor !== null,
 *   (before) => api.assetMaterializations(key, { before, limit: 50 }), key);
 * history.items // 50 newest; after history.loadOlder(): 100
 */
export function useOlderHistory<T extends { eventId: number }>(
  latest: readonly T[], latestHasMore: boolean, load: (before: number) => Promise<HistoryPage<T>>, resetKey: string,
): OlderHistoryState<T> {
  const [older, setOlder] = useState<OlderHistory<T> | undefined>(undefined);
  const [isLoading, setIsLoading] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const generation = useRef(0);
  useEffect(() => {
    generation.current++;
    setOlder(undefined);
    setError(null);
    setIsLoading(false);
  }, [resetKey]);
  const state = useRef({ latest, older, load });
  state.current = { latest, older, load };
  const loadOlder = useCallback(() => {
    const { latest: shownLatest, older: shownOlder, load: fetchPage } = state.current;
    const before = olderCursor(shownLatest, shownOlder);
    if (before === undefined) return;
    const call = generation.current;
    setIsLoading(true);
    setError(null);
    fetchPage(before).then(
      (page) => {
        if (call !== generation.current) return;
        setOlder(withOlderPage(shownLatest, shownOlder, page));
        setIsLoading(false);
      },
      (e: Error) => {
        if (call !== generation.current) return;
        setError(e);
        setIsLoading(false);
      },
    );
  }, []);
  return { items: mergeHistory(latest, older?.items), hasMore: older ? older.hasMore : latestHasMore, isLoading, error, loadOlder };
}
