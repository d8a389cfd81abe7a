/** React hooks over the client: load on mount and when inputs change, reload on demand, keep old data while reloading. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { openEventStream, type StreamHandlers } from './event-stream.ts';
import type { ApiEventRecord } from './types.ts';

export interface Loaded<T> {
  data?: T;
  error?: Error;
  isLoading: boolean;
  reload(): void;
}

/**
 * @example
 * const runs = useApi(() => api.runs({ limit: 10 }), []);
 * runs.data?.runs.length // 10 once loaded; the previous data stays shown during a reload (no layout jump)
 */
export function useApi<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; isLoading: boolean }>({ isLoading: true });
  const [nonce, setNonce] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const call = ++latest.current;
    setState((s) => ({ ...s, isLoading: true }));
    load().then(
      (data) => call === latest.current && setState({ data, isLoading: false }),
      (error: Error) => call === latest.current && setState((s) => ({ data: s.data, error, isLoading: false })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}

/**
 * One live stream for the page; `onEvent` calls are throttled into at most one `onChange` per `throttleMs`.
 *
 * @example
 * useLiveReload('/api/events/stream?types=RUN_SUCCESS,RUN_FAILURE', runs.reload);
 */
export function useLiveReload(path: string | null, onChange: () => void, options: { throttleMs?: number; accept?: (e: ApiEventRecord) => boolean } = {}): void {
  const change = useRef(onChange);
  change.current = onChange;
  const accept = useRef(options.accept);
  accept.current = options.accept;
  const throttleMs = options.throttleMs ?? 500;
  useEffect(() => {
    if (!path) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        change.current();
      }, throttleMs);
    };
    const handlers: StreamHandlers = {
      onEvent(event) {
        if (!accept.current || accept.current(event)) schedule();
      },
      // New definitions change what every page shows (assets, checks, the graph).
      onProjectChange: schedule,
    };
    const close = openEventStream(path, handlers);
    return () => {
      close();
      if (timer) clearTimeout(timer);
    };
  }, [path, throttleMs]);
}
