/** Every check with its latest result, failing first, linked to its asset and the run that evaluated it. */
import { api } from '../../api/client.ts';
import { useApi, useLiveReload } from '../../api/use-api.ts';
import type { CheckOverview, CheckStatus } from '../../api/types.ts';
import { assetHref, href, navigate, runHref, type Route } from '../../app/router.tsx';
import { formatAgo, formatCount, formatValue, plural, shortId } from '../../components/format.ts';
import { Empty, ErrorPanel, Skeleton } from '../../components/Panels.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { labelOf, toneOf } from '../../components/status.ts';

const STATUSES: CheckStatus[] = ['failed', 'warned', 'never', 'passed'];

export function ChecksPage({ route }: { route: Route }) {
  const overview = useApi(() => api.checks(), []);
  useLiveReload('/api/events/stream?types=ASSET_CHECK_EVALUATION', overview.reload);
  const only = route.query.get('status') as CheckStatus | null;
  const text = route.query.get('q') ?? '';
  const set = (key: string, value: string | null) => {
    const q = new URLSearchParams(route.query);
    if (value) q.set(key, value);
    else q.delete(key);
    navigate(href('/checks', q), { replace: true });
  };
  const data = overview.data;
  const rows = (data?.checks ?? []).filter((c) => (!only || c.status === only) && (!text || `${c.assetKey} ${c.name}`.toLowerCase().includes(text.toLowerCase())));
  return (
    <main className="page">
      <div className="page-head"><h1>Checks</h1><span className="sub">{data ? plural(data.checks.length, 'check') : '\u00a0'}</span></div>
      <div className="stats">
        {STATUSES.map((s) => (
          <button key={s} type="button" className={`stat tone-${toneOf(s)}`} style={{ textAlign: 'left', cursor: 'pointer', font: 'inherit', color: 'inherit' }}
            aria-pressed={only === s} onClick={() => set('status', only === s ? null : s)}>
            <div className="value">{data ? data.counts[s] : '–'}</div>
            <div className="label">{s === 'never' ? 'Never evaluated' : labelOf(s)}{only === s ? ' · filtered' : ''}</div>
          </button>
        ))}
      </div>
      <div className="card flush">
        <div className="card-head">
          <h2>{only ? `${labelOf(only)} checks` : 'All checks'}</h2>
          <input type="search" aria-label="Filter checks" placeholder="Asset or check…" defaultValue={text} onChange={(e) => set('q', e.target.value || null)} />
        </div>
        <div className="card-body">
          {overview.error ? <ErrorPanel error={overview.error} /> : !data ? <div style={{ padding: 14 }}><Skeleton rows={6} /></div> : rows.length ? <ChecksTable rows={rows} /> : <Empty>No checks match.</Empty>}
        </div>
      </div>
    </main>
  );
}

export function ChecksTable({ rows }: { rows: CheckOverview['checks'] }) {
  return (
    <table className="data" data-testid="checks-table">
      <thead><tr><th>Status</th><th>Asset</th><th>Check</th><th>Result</th><th>Observed</th><th>Expected</th><th>When</th><th>Run</th></tr></thead>
      <tbody>
        {rows.map((c) => (
          <tr key={`${c.assetKey}:${c.name}`} className="clickable" onClick={() => navigate(assetHref(c.assetKey))}>
            <td><StatusBadge status={c.status} /></td>
            <td><a href={assetHref(c.assetKey)} onClick={(e) => e.stopPropagation()}>{c.assetKey}</a></td>
            <td>{c.name}<div className="muted" style={{ fontSize: 12 }}>{c.type} · {c.severity}</div></td>
            <td className="truncate" title={c.latest?.message}>{c.latest?.message ?? <span className="muted">never evaluated</span>}{c.latest?.failingRows ? <span className="muted"> · {plural(c.latest.failingRows, 'failing row')}</span> : null}</td>
            <td className="mono">{formatValue(c.latest?.observed)}</td>
            <td className="mono">{formatValue(c.latest?.expected)}</td>
            <td className="nowrap">{formatAgo(c.latest?.timestamp)}</td>
            <td>{c.latest ? <a className="mono" href={runHref(c.latest.runId)} onClick={(e) => e.stopPropagation()}>{shortId(c.latest.runId)}</a> : null}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
