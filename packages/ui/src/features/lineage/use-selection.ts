/** The lineage page's selection, resolved by the server (GET /api/selection) as the user types, debounced. */
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';

export interface ResolvedSelection {
  /** The text these keys belong to: while a newer text is in flight, the older keys stay shown. */
  text: string;
  keys: string[];
  /** One message per selector that matches no asset, with the parser's suggestion. */
  unmatched: string[];
  /** Why the text does not parse (unknown method, empty value…), or why the server could not answer. */
  error: string | null;
}

const DEBOUNCE_MS = 120;
const NONE: ResolvedSelection = { text: '', keys: [], unmatched: [], error: null };

/**
 * @example
 * const selected = useSelection('tag:daily+', lineage.hash); // { text: 'tag:daily+', keys: ['orders', 'revenue'], unmatched: [], error: null }
 */
export function useSelection(text: string, graphHash: string): ResolvedSelection {
  const [resolved, setResolved] = useState<ResolvedSelection>(NONE);
  const trimmed = text.trim();
  useEffect(() => {
    if (!trimmed) {
      setResolved(NONE);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api.selection(trimmed, abort.signal).then(
        (answer) => setResolved({ text: trimmed, keys: answer.keys, unmatched: answer.unmatched.map((u) => u.message), error: null }),
        (error: Error) => { if (!abort.signal.aborted) setResolved({ text: trimmed, keys: [], unmatched: [], error: error.message }); },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [trimmed, graphHash]);
  return resolved;
}
