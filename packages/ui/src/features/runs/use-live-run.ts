/**
 * A run for its page, kept up to date from its events: the run is read once (GET /api/runs/:id), its stored events
 * come in pages of 5,000 (the first page paints at once), then live ones over the page's ONE stream from the last
 * id seen. Every event becomes a log line, and each step event is applied to the run by `applyRunEvents`; the run
 * is read again only when the stream reconnects or an event shows that one was missed (see apply-run-events.ts).
 *
 * Log lines are kept in a ref and a version number re-renders, so 100,000 lines are never copied per event.
 */
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import { openEventStream } from '../../api/event-stream.ts';
import type { ApiEventRecord, RunDetail } from '../../api/types.ts';
import { toLogLine, type LogLine } from '../logs/log-lines.ts';
import { applyRunEvents } from './apply-run-events.ts';

/** The first page is small so the page paints at once; the rest comes in large pages. */
const FIRST_PAGE = 1000;
const PAGE = 5000;
/** At most this often a burst of live events re-renders the page. */
const FLUSH_MS = 100;

export interface LiveRun {
  detail?: RunDetail;
  /** The latest read failed (the page keeps showing the run it has, if any). */
  error?: Error;
  lines: LogLine[];
  version: number;
  isLoadingHistory: boolean;
  isLive: boolean;
}

/**
 * @example
 * const run = useLiveRun('5b0e1c2a-…');
 * run.detail?.steps // the steps, updated live from STEP_* events without reading the run again
 */
export function useLiveRun(runId: string): LiveRun {
  const lines = useRef<LogLine[]>([]);
  const [detail, setDetail] = useState<RunDetail | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [version, setVersion] = useState(0);
  const [isLoadingHistory, setIsLoadingHistory] = useState(true);
  const [isLive, setIsLive] = useState(false);

  useEffect(() => {
    lines.current = [];
    setDetail(undefined);
    setError(undefined);
    setVersion((v) => v + 1);
    setIsLoadingHistory(true);
    setIsLive(false);
    let cancelled = false;
    let close: (() => void) | undefined;
    let current: RunDetail | undefined;
    // Every step event seen, applied to each run read: a read may be older or newer than the stream's position,
    // and applying is idempotent, so the page shows whichever is newer without double counting.
    const seen: ApiEventRecord[] = [];
    const show = (next: RunDetail) => {
      if (next === current) return;
      current = next;
      setDetail(next);
    };

    let isReading = false;
    let isReadWanted = false;
    const read = () => {
      if (isReading) {
        isReadWanted = true; // one more read once this one is back
        return;
      }
      isReading = true;
      api.run(runId).then(
        (snapshot) => {
          if (cancelled) return;
          // A gap here is not followed up: this read began after the events seen, so it holds their predecessors.
          show(applyRunEvents(snapshot, seen).detail);
          setError(undefined);
        },
        (e: Error) => { if (!cancelled) setError(e); },
      ).finally(() => {
        isReading = false;
        if (isReadWanted && !cancelled) {
          isReadWanted = false;
          read();
        }
      });
    };
    const apply = (events: readonly ApiEventRecord[]) => {
      const steps = events.filter((e) => e.type !== 'LOG');
      if (!steps.length) return;
      seen.push(...steps);
      if (!current) return; // the read, when it is back, gets them all
      const applied = applyRunEvents(current, steps);
      show(applied.detail);
      if (applied.hasGap) read();
    };

    let pending: ApiEventRecord[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;
    const flushNow = () => {
      if (flush) clearTimeout(flush);
      flush = undefined;
      const batch = pending;
      pending = [];
      apply(batch);
      setVersion((v) => v + 1);
    };

    read();
    void (async () => {
      let afterId = 0;
      for (;;) {
        const page = await api.runEvents(runId, { afterId, limit: afterId === 0 ? FIRST_PAGE : PAGE });
        if (cancelled) return;
        for (const event of page.events) lines.current.push(toLogLine(event));
        apply(page.events);
        afterId = page.nextAfterId;
        setVersion((v) => v + 1);
        if (!page.hasMore) break;
      }
      setIsLoadingHistory(false);
      let opens = 0;
      close = openEventStream(`/api/runs/${encodeURIComponent(runId)}/events/stream?afterId=${afterId}`, {
        onOpen() {
          setIsLive(true);
          // EventSource reconnected (it resumes after Last-Event-ID): read the run once, in case the server lost track.
          if (++opens > 1) read();
        },
        onEvent(event) {
          const last = lines.current[lines.current.length - 1];
          if (last && event.id <= last.id) return; // a reconnect may repeat the tail
          lines.current.push(toLogLine(event));
          pending.push(event);
          flush ??= setTimeout(flushNow, FLUSH_MS);
        },
        onEnd() {
          flushNow();
          setIsLive(false);
        },
      });
    })().catch((e: Error) => {
      if (cancelled) return;
      setIsLoadingHistory(false);
      setError(e);
    });
    return () => {
      cancelled = true;
      close?.();
      if (flush) clearTimeout(flush);
    };
  }, [runId]);

  return { detail, error, lines: lines.current, version, isLoadingHistory, isLive };
}
