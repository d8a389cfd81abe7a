/** The log of a run: level, step and text filters, follow mode, virtualised (only the visible rows exist in the DOM). */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { formatTime, plural } from '../../components/format.ts';
import { toneOf } from '../../components/status.ts';
import { filterLines, LOG_LEVELS, type LogLevel, type LogLine } from './log-lines.ts';

const ROW = 20;

export function LogViewer({ lines, version, stepKeys, stepKey, onStepKey, isLive, isLoading }: {
  lines: readonly LogLine[]; version: number; stepKeys: readonly string[]; stepKey: string | null; onStepKey(key: string | null): void;
  isLive: boolean; isLoading: boolean;
}) {
  const [levels, setLevels] = useState<Set<LogLevel>>(() => new Set(LOG_LEVELS));
  const [text, setText] = useState('');
  const [isFollowing, setIsFollowing] = useState(true);
  const scroller = useRef<HTMLDivElement>(null);
  const visible = useMemo(() => filterLines(lines, { levels, text, stepKey }), [lines, version, levels, text, stepKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const virtualizer = useVirtualizer({ count: visible.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12 });

  useEffect(() => {
    if (isFollowing && visible.length) virtualizer.scrollToIndex(visible.length - 1, { align: 'end' });
  }, [isFollowing, visible, virtualizer]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 2;
    if (!atBottom && isFollowing) setIsFollowing(false);
    if (atBottom && !isFollowing) setIsFollowing(true);
  };
  const toggleLevel = (level: LogLevel) => setLevels((prev) => {
    const next = new Set(prev);
    if (next.has(level)) next.delete(level);
    else next.add(level);
    return next.size ? next : new Set(LOG_LEVELS);
  });

  return (
    <div className="logs" data-testid="logs">
      <div className="logs-toolbar">
        <div className="chips" role="group" aria-label="Levels">
          {LOG_LEVELS.map((level) => (
            <button key={level} type="button" className={`chip tone-${toneOf(level)}`} aria-pressed={levels.has(level)} onClick={() => toggleLevel(level)}>
              <span className="dot" />{level}
            </button>
          ))}
        </div>
        <input type="search" aria-label="Search the log" placeholder="Search…" value={text} onChange={(e) => setText(e.target.value)} />
        <select aria-label="Step" value={stepKey ?? ''} onChange={(e) => onStepKey(e.target.value || null)}>
          <option value="">All steps</option>
          {stepKeys.map((k) => <option key={k} value={k}>{k}</option>)}
        </select>
        <span className="spacer" />
        <button type="button" className={`btn small${isFollowing ? ' active' : ''}`} aria-pressed={isFollowing} onClick={() => setIsFollowing(!isFollowing)}>
          {isFollowing ? '⤓ Following' : '⤓ Follow'}
        </button>
      </div>
      <div className="logs-scroll" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label="Log lines" role="log">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => <LogRow key={item.key} line={lines[visible[item.index]!]!} top={item.start} />)}
        </div>
      </div>
      <div className="logs-status" aria-live="polite">
        <span>{visible.length.toLocaleString()} of {plural(lines.length, 'line')}</span>
        {isLoading ? <span>loading history…</span> : null}
        {isLive ? <span style={{ color: 'var(--tone-running)' }}>● live</span> : null}
        {stepKey ? <span>step {stepKey} · <button type="button" className="btn ghost small" onClick={() => onStepKey(null)}>show all</button></span> : <span>{'\u00a0'}</span>}
      </div>
    </div>
  );
}

/** One line; memoised, so scrolling renders only the rows that come into view. */
const LogRow = memo(function LogRow({ line, top }: { line: LogLine; top: number }) {
  return (
    <div className={`log-line ${line.level}`} style={{ transform: `translateY(${top}px)` }} data-testid="log-line">
      <span className="ts">{formatTime(line.timestamp)}</span>
      <span className={`lvl tone-${toneOf(line.level)}`}>{line.level === 'event' ? '' : line.level}</span>
      <span className="step" title={line.stepKey ?? ''}>{line.stepKey ?? '—'}</span>
      <span className="msg" title={line.message}>{line.message}</span>
    </div>
  );
});
