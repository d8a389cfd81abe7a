/**
 * The partition strip of a partitioned asset: each partition's status drawn from status ranges (never one element per
 * partition), zoomable, and a selection of one partition (materialize it) or a range (backfill it).
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import type { Loaded } from '../../api/use-api.ts';
import type { AssetPartitions } from '../../api/types.ts';
import { href, navigate, runHref } from '../../app/router.tsx';
import { formatCount } from '../../components/format.ts';
import { Section } from '../../components/Panels.tsx';
import {
  indexAt, layoutStrip, panView, selectionOf, statusCounts, zoomView, type PartitionStatus, type SegmentStatus, type StripView,
} from './partition-strip-layout.ts';

const LABELS: Record<SegmentStatus, string> = { MATERIALIZED: 'materialized', FAILED: 'failed', MISSING: 'missing', RUNNING: 'running', PARTIAL: 'partly materialized' };
const ORDER: PartitionStatus[] = ['MATERIALIZED', 'FAILED', 'RUNNING', 'MISSING'];
/** Zoom per button press or wheel notch. */
const ZOOM_STEP = 4;

interface Selection { from: number; to: number }
/** The keys of a selection, with the selection they belong to: while a new one loads, the old ones must not be used. */
interface SelectionKeys { from: number; to: number; fromKey: string; toKey: string; counts: Record<PartitionStatus, number> }

/**
 * The strip, or nothing for an asset without partitions. The page loads `partitions` (api.assetPartitions) at the
 * same time as the asset, not after it, and reloads both on the same events.
 */
export function PartitionStrip({ assetKey, partitions }: { assetKey: string; partitions: Loaded<AssetPartitions> }) {
  if (partitions.error instanceof ApiError && partitions.error.status === 404) return null;
  if (!partitions.data) return null;
  return <Strip assetKey={assetKey} data={partitions.data} />;
}

function Strip({ assetKey, data }: { assetKey: string; data: AssetPartitions }) {
  const count = data.definition.count;
  const track = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [view, setView] = useState<StripView>({ start: 0, end: count });
  const [selection, setSelection] = useState<Selection | null>(null);
  const [loadedKeys, setKeys] = useState<SelectionKeys | null>(null);
  const keys = loadedKeys && selection && loadedKeys.from === selection.from && loadedKeys.to === selection.to ? loadedKeys : null;
  const [edges, setEdges] = useState<{ first: string; last: string } | null>(null);
  const [message, setMessage] = useState<{ tone: 'error' | 'info'; text: string } | null>(null);
  const drag = useRef<number | null>(null);

  // New partitions appear as time passes: a view showing everything keeps showing everything.
  const shownAll = useRef(true);
  useEffect(() => { if (shownAll.current) setView({ start: 0, end: count }); }, [count]);
  useEffect(() => { shownAll.current = view.start <= 0 && view.end >= count; }, [view, count]);

  useEffect(() => {
    const element = track.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    // A non-passive listener: the wheel zooms the strip instead of scrolling the page.
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const anchor = indexAt(event.clientX - element.getBoundingClientRect().left, viewRef.current, element.clientWidth);
      setView((v) => zoomView(v, event.deltaY < 0 ? 2 : 0.5, anchor, count));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => { observer.disconnect(); element.removeEventListener('wheel', onWheel); };
  }, [count]);
  const viewRef = useRef(view);
  viewRef.current = view;

  const segments = useMemo(() => layoutStrip(data.ranges, view, width), [data.ranges, view, width]);
  const counts = useMemo(() => statusCounts(data.ranges), [data.ranges]);

  // Keys are the server's to compute (time zones, formats): ask for the window's, never list them here.
  const ask = (from: number, to: number) => api.assetPartitions(assetKey, { fromIndex: from, toIndex: to });
  useEffect(() => {
    if (!selection) { setKeys(null); return; }
    let current = true;
    const timer = setTimeout(() => {
      ask(selection.from, selection.to).then((window) => {
        if (!current || !window.ranges.length) return;
        setKeys({ ...selection, fromKey: window.ranges[0]!.fromKey, toKey: window.ranges.at(-1)!.toKey, counts: statusCounts(window.ranges) });
      }, () => undefined);
    }, 60);
    return () => { current = false; clearTimeout(timer); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selection?.from, selection?.to, data]);
  useEffect(() => {
    if (!count) return;
    const from = Math.floor(view.start);
    const to = Math.max(from, Math.ceil(view.end) - 1);
    if (from === 0 && to === count - 1 && data.ranges.length) {
      setEdges({ first: data.ranges[0]!.fromKey, last: data.ranges.at(-1)!.toKey });
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      Promise.all([ask(from, from), ask(to, to)]).then(([a, b]) => {
        if (current && a.ranges[0] && b.ranges[0]) setEdges({ first: a.ranges[0].fromKey, last: b.ranges[0].fromKey });
      }, () => undefined);
    }, 120);
    return () => { current = false; clearTimeout(timer); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view.start, view.end, count, data]);

  const indexOfEvent = (event: MouseEvent) => indexAt(event.clientX - track.current!.getBoundingClientRect().left, view, width);
  const onMouseDown = (event: MouseEvent) => {
    if (event.button !== 0) return;
    const index = indexOfEvent(event);
    if (event.shiftKey && selection) {
      setSelection(selectionOf(selection.from, index));
      return;
    }
    drag.current = index;
    setSelection({ from: index, to: index });
    setMessage(null);
  };
  const onMouseMove = (event: MouseEvent) => {
    if (drag.current === null || !(event.buttons & 1)) return;
    setSelection(selectionOf(drag.current, indexOfEvent(event)));
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const step = Math.max(1, Math.round((view.end - view.start) / 20));
    if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      const delta = event.key === 'ArrowRight' ? 1 : -1;
      const at = Math.min(count - 1, Math.max(0, (selection?.to ?? Math.floor(view.start)) + delta));
      setSelection(event.shiftKey && selection ? selectionOf(selection.from, at) : { from: at, to: at });
      if (at < view.start || at >= view.end) setView((v) => panView(v, delta * step, count));
    } else if (event.key === '+' || event.key === '=') setView((v) => zoomView(v, ZOOM_STEP, centre(v, selection), count));
    else if (event.key === '-') setView((v) => zoomView(v, 1 / ZOOM_STEP, centre(v, selection), count));
    else if (event.key === 'Escape') setSelection(null);
    else return;
    event.preventDefault();
  };

  const materialize = async () => {
    if (!selection || !keys) return;
    setMessage(null);
    try {
      if (selection.from === selection.to) {
        navigate(runHref((await api.launch({ select: assetKey, partition: keys.fromKey })).runId));
      } else {
        const { backfillId } = await api.launchBackfill({ select: assetKey, from: keys.fromKey, to: keys.toKey });
        navigate(href('/backfills', { id: backfillId }));
      }
    } catch (error) {
      setMessage({ tone: 'error', text: (error as Error).message });
    }
  };

  const size = selection ? selection.to - selection.from + 1 : 0;
  const selectionBox = selection && width ? {
    left: Math.max(0, ((selection.from - view.start) / (view.end - view.start)) * width),
    right: Math.min(width, ((selection.to + 1 - view.start) / (view.end - view.start)) * width),
  } : null;
  const zoomed = view.start > 0 || view.end < count;
  return (
    <Section
      title={`Partitions (${formatCount(count)})`}
      className="partition-strip"
      actions={(
        <span className="partition-strip-tools">
          <span className="muted">{data.definition.label}</span>
          <button type="button" className="btn small" aria-label="Zoom in" disabled={view.end - view.start <= 8} onClick={() => setView((v) => zoomView(v, ZOOM_STEP, centre(v, selection), count))}>+</button>
          <button type="button" className="btn small" aria-label="Zoom out" disabled={!zoomed} onClick={() => setView((v) => zoomView(v, 1 / ZOOM_STEP, centre(v, selection), count))}>−</button>
          <button type="button" className="btn small" disabled={!zoomed} onClick={() => setView({ start: 0, end: count })}>Show all</button>
        </span>
      )}
    >
      <div className="partition-legend">
        {ORDER.map((status) => (
          <span key={status} className="partition-legend-item" data-status={status}>
            <span className="partition-swatch" data-status={status} /> {formatCount(counts[status])} {LABELS[status]}
          </span>
        ))}
        {segments.some((s) => s.status === 'PARTIAL') ? (
          <span className="partition-legend-item" data-status="PARTIAL"><span className="partition-swatch" data-status="PARTIAL" /> partly materialized (zoom in)</span>
        ) : null}
      </div>
      <div
        ref={track}
        className="partition-strip-track"
        data-testid="partition-strip"
        data-view-start={Math.round(view.start)}
        data-view-end={Math.round(view.end)}
        role="group"
        aria-label={`${formatCount(count)} partitions: ${ORDER.map((s) => `${formatCount(counts[s])} ${LABELS[s]}`).join(', ')}. Click or drag to select, + and − to zoom.`}
        tabIndex={0}
        onMouseDown={onMouseDown}
        onMouseMove={onMouseMove}
        onMouseUp={() => { drag.current = null; }}
        onKeyDown={onKeyDown}
      >
        {segments.map((s) => (
          <div key={s.x} className="partition-segment" data-status={s.status} style={{ left: s.x, width: s.width }}
            title={`${LABELS[s.status]}${s.fromIndex === s.toIndex || s.status === 'PARTIAL' ? '' : ' (at least one)'}: partitions #${formatCount(s.fromIndex + 1)}${s.toIndex > s.fromIndex ? `–#${formatCount(s.toIndex + 1)}` : ''}`} />
        ))}
        {selectionBox ? <div className="partition-selection" style={{ left: selectionBox.left, width: Math.max(2, selectionBox.right - selectionBox.left) }} /> : null}
      </div>
      <div className="partition-axis muted">
        <span className="mono" data-testid="partition-first">{edges?.first ?? ''}</span>
        <span className="mono" data-testid="partition-last">{edges?.last ?? ''}</span>
      </div>
      {selection ? (
        <div className="partition-selected" data-testid="partition-selected">
          <span>
            {keys ? (size === 1
              ? <>Partition <b className="mono">{keys.fromKey}</b> · {LABELS[ORDER.find((s) => keys.counts[s]) ?? 'MISSING']}</>
              : <><b className="mono">{keys.fromKey}</b> … <b className="mono">{keys.toKey}</b> · {formatCount(size)} partitions ({ORDER.filter((s) => keys.counts[s]).map((s) => `${formatCount(keys.counts[s])} ${LABELS[s]}`).join(', ')})</>)
              : <span className="muted">…</span>}
          </span>
          <span className="spacer" />
          <button type="button" className="btn small" onClick={() => setView(zoomView(view, (view.end - view.start) / Math.max(8, size * 1.5), (selection.from + selection.to + 1) / 2, count))}>Zoom to selection</button>
          <button type="button" className="btn small primary" disabled={!keys} onClick={materialize}>
            {size === 1 ? 'Materialize partition' : `Backfill ${formatCount(size)} partitions`}
          </button>
        </div>
      ) : <p className="muted partition-hint">Click a partition to materialize it, drag (or shift-click) to select a range to backfill; the wheel zooms.</p>}
      {message ? <div className={message.tone === 'error' ? 'error-panel' : 'muted'} role="alert"><p>{message.text}</p></div> : null}
    </Section>
  );
}

function centre(view: StripView, selection: Selection | null): number {
  return selection ? (selection.from + selection.to + 1) / 2 : (view.start + view.end) / 2;
}
