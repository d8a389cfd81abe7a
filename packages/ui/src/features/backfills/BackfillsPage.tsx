/** Backfills: launch one (selection, range or missing/failed only, concurrency), follow each, cancel, re-run failed. */
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import type { ApiBackfill, BackfillDetail } from '../../api/types.ts';
import { href, navigate, runHref, type Route } from '../../app/router.tsx';
import { formatAgo, formatCount, formatDuration, plural, shortId } from '../../components/format.ts';
import { Empty, ErrorPanel, Skeleton } from '../../components/Panels.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { toneOf } from '../../components/status.ts';
import { progressSegments, rangeText, stateLabel, STATE_ORDER, stripSegments } from './backfill-strip.ts';
import './backfills.css';

/** How often the page reads progress while a backfill is unfinished; less often for big ones (their detail costs more). */
const POLL_MS = 1_000;
const BIG_BACKFILL_POLL_MS = 5_000;
const BIG_BACKFILL_PARTITIONS = 10_000;
type Mode = 'range' | 'missing' | 'failed' | 'all';

export function BackfillsPage({ route }: { route: Route }) {
  const list = useApi(() => api.backfills(), []);
  const selectedId = route.query.get('id');
  const detail = useApi(() => (selectedId ? api.backfill(selectedId) : Promise.resolve(undefined)), [selectedId]);
  const unfinished = (list.data?.backfills ?? []).filter((b) => b.endedAt === null);
  const pollMs = unfinished.length === 0 ? 0 : unfinished.some((b) => b.partitionCount > BIG_BACKFILL_PARTITIONS) ? BIG_BACKFILL_POLL_MS : POLL_MS;
  useEffect(() => {
    if (!pollMs) return;
    const timer = setInterval(() => { list.reload(); detail.reload(); }, pollMs);
    return () => clearInterval(timer);
  }, [pollMs, list.reload, detail.reload]);
  const select = (id: string | null) => navigate(href('/backfills', id ? { id } : {}), { replace: true });
  const refresh = () => { list.reload(); detail.reload(); };

  return (
    <main className="page">
      <div className="page-head"><h1>Backfills</h1><span className="sub">{list.data ? plural(list.data.backfills.length, 'backfill') : '\u00a0'}</span></div>
      <LaunchForm onLaunched={(id) => { select(id); refresh(); }} />
      <div className="card flush">
        <div className="card-head"><h2>Recent backfills</h2></div>
        <div className="card-body">
          {list.error ? <ErrorPanel error={list.error} /> : !list.data ? <div style={{ padding: 14 }}><Skeleton rows={4} /></div>
            : list.data.backfills.length ? <BackfillsTable rows={list.data.backfills} selectedId={detail.data?.backfill.backfillId} onSelect={select} onChanged={refresh} />
              : <Empty>No backfills yet. Launch one above: a range of partitions, or only the missing or failed ones.</Empty>}
        </div>
      </div>
      {selectedId && (detail.error ? <ErrorPanel error={detail.error} /> : detail.data ? <BackfillDetailCard detail={detail.data} onChanged={refresh} onSelect={select} /> : null)}
    </main>
  );
}

function LaunchForm({ onLaunched }: { onLaunched: (backfillId: string) => void }) {
  const [select, setSelect] = useState('');
  const [mode, setMode] = useState<Mode>('range');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [concurrency, setConcurrency] = useState('4');
  const [error, setError] = useState<Error | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setNote(undefined);
    try {
      const started = await api.launchBackfill({
        ...(select.trim() ? { select: select.trim() } : {}),
        ...(mode === 'range' ? { ...(from.trim() ? { from: from.trim() } : {}), ...(to.trim() ? { to: to.trim() } : {}) } : { [mode]: true }),
        concurrency: Number(concurrency) || undefined,
      });
      if (started.unpartitionedAssetKeys.length) setNote(`Not in the backfill (no partitions): ${started.unpartitionedAssetKeys.join(', ')}.`);
      onLaunched(started.backfillId);
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} data-testid="backfill-form" aria-label="Launch a backfill">
      <div className="card-head"><h2>Launch a backfill</h2></div>
      <div className="card-body backfill-form">
        <label>Assets<input id="backfill-select" type="text" placeholder="revenue+ (empty: every partitioned asset)" value={select} onChange={(e) => setSelect(e.target.value)} /></label>
        <fieldset>
          <legend>Partitions</legend>
          <div className="backfill-modes">
            {(['range', 'missing', 'failed', 'all'] as const).map((m) => (
              <label key={m} className="inline"><input type="radio" name="backfill-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
                {m === 'range' ? 'A range' : m === 'missing' ? 'Missing only' : m === 'failed' ? 'Failed only' : 'All'}</label>
            ))}
          </div>
        </fieldset>
        {mode === 'range' ? (
          <div className="backfill-range">
            <label>From<input id="backfill-from" type="text" placeholder="2025-01 (first)" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
            <label>To<input id="backfill-to" type="text" placeholder="2025-12 (last)" value={to} onChange={(e) => setTo(e.target.value)} /></label>
          </div>
        ) : null}
        <label>At once<input id="backfill-concurrency" type="number" min={1} max={64} value={concurrency} onChange={(e) => setConcurrency(e.target.value)} style={{ width: 80 }} /></label>
        <div><button type="submit" className="btn primary" disabled={busy} data-testid="launch-backfill">Launch backfill</button></div>
        {error ? <p className="form-error" role="alert">{error instanceof ApiError ? error.message : String(error)}</p> : null}
        {note ? <p className="muted">{note}</p> : null}
      </div>
    </form>
  );
}

function askedText(b: ApiBackfill, options: { namesParent?: boolean } = {}): string {
  const { from, to, only } = b.request;
  const range = from !== undefined || to !== undefined ? `${from ?? 'first'} … ${to ?? 'last'}` : '';
  const what = only === 'missing' ? 'missing only' : only === 'failed' ? (b.parentBackfillId && options.namesParent !== false ? `failed of ${shortId(b.parentBackfillId)}` : 'failed only') : range ? '' : 'all';
  return [range, what].filter(Boolean).join(', ');
}

function ProgressBar({ counts, label, hasEnded }: { counts: ApiBackfill['counts']; label: string; hasEnded: boolean }) {
  const segments = progressSegments(counts);
  return (
    <div className="backfill-bar" role="img" aria-label={label}>
      {segments.map((s) => <span key={s.state} className={`tone-${toneOf(s.state)}`} style={{ width: `${s.percent}%` }} title={`${stateLabel(s.state, hasEnded)}: ${formatCount(s.count)}`} />)}
    </div>
  );
}

function countsText(counts: ApiBackfill['counts'], hasEnded: boolean): string {
  return STATE_ORDER.filter((s) => counts[s] > 0 || s !== 'CANCELED').map((s) => `${formatCount(counts[s])} ${stateLabel(s, hasEnded).toLowerCase()}`).join(' · ');
}

function Actions({ b, onChanged, onSelect }: { b: ApiBackfill; onChanged: () => void; onSelect: (id: string) => void }) {
  const [error, setError] = useState<string | undefined>();
  const act = (fn: () => Promise<unknown>) => (e: { stopPropagation(): void }) => {
    e.stopPropagation();
    setError(undefined);
    fn().then(onChanged, (caught: Error) => setError(caught.message));
  };
  const failed = b.counts.FAILURE + b.counts.CANCELED;
  return (
    <span className="card-actions">
      {b.endedAt === null ? (
        <button type="button" className="btn danger small" disabled={b.status === 'CANCELING'} data-testid="cancel-backfill"
          onClick={act(() => api.cancelBackfill(b.backfillId))}>{b.status === 'CANCELING' ? 'Cancelling…' : 'Cancel'}</button>
      ) : failed > 0 ? (
        <button type="button" className="btn small" data-testid="retry-backfill"
          onClick={act(async () => onSelect((await api.retryBackfill(b.backfillId)).backfillId))}>Re-run {plural(failed, 'failed partition')}</button>
      ) : null}
      {error ? <span className="form-error" role="alert">{error}</span> : null}
    </span>
  );
}

function BackfillsTable({ rows, selectedId, onSelect, onChanged }: { rows: ApiBackfill[]; selectedId?: string; onSelect: (id: string) => void; onChanged: () => void }) {
  return (
    <table className="data" data-testid="backfills-table">
      <thead><tr><th>Status</th><th>Backfill</th><th>Assets</th><th>Partitions</th><th>Progress</th><th>Started</th><th>Took</th><th /></tr></thead>
      <tbody>
        {rows.map((b) => (
          <tr key={b.backfillId} className={`clickable${b.backfillId === selectedId ? ' selected' : ''}`} onClick={() => onSelect(b.backfillId)} data-backfill={b.backfillId}>
            <td><StatusBadge status={b.status} /></td>
            <td className="mono">{shortId(b.backfillId)}</td>
            <td className="truncate">{b.assetKeys.join(', ')}</td>
            <td>{formatCount(b.partitionCount)}<div className="muted" style={{ fontSize: 12 }}>{askedText(b)} · {b.concurrency} at once</div></td>
            <td style={{ minWidth: 220 }}><ProgressBar counts={b.counts} label={countsText(b.counts, b.endedAt !== null)} hasEnded={b.endedAt !== null} /><div className="muted" style={{ fontSize: 12 }}>{countsText(b.counts, b.endedAt !== null)}</div></td>
            <td className="nowrap">{formatAgo(b.createdAt)}</td>
            <td className="nowrap">{b.endedAt !== null ? formatDuration(b.endedAt - b.createdAt) : '–'}</td>
            <td><Actions b={b} onChanged={onChanged} onSelect={onSelect} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BackfillDetailCard({ detail, onChanged, onSelect }: { detail: BackfillDetail; onChanged: () => void; onSelect: (id: string) => void }) {
  const { backfill: b, ranges, truncated, retries } = detail;
  const segments = stripSegments(ranges, b.partitionCount);
  const hasEnded = b.endedAt !== null;
  return (
    <section className="card" data-testid="backfill-detail">
      <div className="card-head">
        <h2>Backfill <span className="mono">{shortId(b.backfillId)}</span> · {b.assetKeys.join(', ')}</h2>
        <StatusBadge status={b.status} />
        <Actions b={b} onChanged={onChanged} onSelect={onSelect} />
      </div>
      <div className="card-body">
        <p className="muted">
          {plural(b.partitionCount, 'partition')} ({askedText(b, { namesParent: false })}), {b.concurrency} at once{b.selection ? <> · selection <code>{b.selection}</code></> : null}
          {b.parentBackfillId ? <> · re-runs the failed partitions of <a href={href('/backfills', { id: b.parentBackfillId })}>{shortId(b.parentBackfillId)}</a></> : null}
          {retries.length ? <> · re-run by {retries.map((id, i) => <span key={id}>{i ? ', ' : ''}<a href={href('/backfills', { id })}>{shortId(id)}</a></span>)}</> : null}
        </p>
        {b.error ? <p className="form-error">{b.error}</p> : null}
        <div className="stats backfill-stats">
          {STATE_ORDER.map((s) => (
            <div key={s} className={`stat tone-${toneOf(s)}`} data-state={s}><div className="value">{formatCount(b.counts[s])}</div><div className="label">{stateLabel(s, hasEnded)}</div></div>
          ))}
        </div>
        <h3 style={{ margin: '14px 0 6px' }}>Partitions</h3>
        <div className="backfill-strip" data-testid="partition-strip" role="list" aria-label="Partitions by state">
          {segments.map(({ range, leftPercent, widthPercent }) => (
            <a key={`${range.fromIndex}-${range.state}`} role="listitem" className={`tone-${toneOf(range.state)}`} data-state={range.state}
              style={{ left: `${leftPercent}%`, width: `${widthPercent}%` }} href={range.runId ? runHref(range.runId) : undefined}
              title={`${rangeText(range)}: ${stateLabel(range.state, hasEnded)}${range.count > 1 ? ` (${formatCount(range.count)})` : ''}`} />
          ))}
        </div>
        <table className="data compact" data-testid="partition-ranges">
          <thead><tr><th>Partitions</th><th>How many</th><th>State</th><th>Run</th></tr></thead>
          <tbody>
            {ranges.map((range) => (
              <tr key={`${range.fromIndex}-${range.state}`}>
                <td className="mono">{rangeText(range)}</td>
                <td>{formatCount(range.count)}</td>
                <td><StatusBadge status={range.state} label={stateLabel(range.state, hasEnded)} /></td>
                <td>{range.runId ? <a className="mono" href={runHref(range.runId)}>{shortId(range.runId)}</a> : <span className="muted">–</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {truncated ? <p className="muted">Only the first {formatCount(ranges.length)} ranges are shown.</p> : null}
      </div>
    </section>
  );
}
