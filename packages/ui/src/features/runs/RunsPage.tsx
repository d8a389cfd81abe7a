/** Runs, filtered and paged on the server; the URL holds the filters and the page cursor. */
import { api } from '../../api/client.ts';
import { useApi, useLiveReload } from '../../api/use-api.ts';
import type { RunListQuery, RunStatus, RunTrigger } from '../../api/types.ts';
import { href, navigate, type Route } from '../../app/router.tsx';
import { ErrorPanel, Skeleton } from '../../components/Panels.tsx';
import { labelOf, toneOf } from '../../components/status.ts';
import { firstPageQuery, newerPageQuery, olderPageQuery, readPageCursor } from './runs-page-cursor.ts';
import { QueuedRuns } from './QueuedRuns.tsx';
import { RunsTable } from './RunsTable.tsx';

const STATUSES: RunStatus[] = ['QUEUED', 'STARTED', 'SUCCESS', 'FAILURE', 'CANCELING', 'CANCELED'];
const TRIGGERS: RunTrigger[] = ['manual', 'cli', 'ui', 'api', 'schedule', 'sensor', 'reexecution', 'backfill', 'webhook', 'retry', 'automation'];
const PAGE_SIZE = 25;
const RUN_EVENTS = 'RUN_ENQUEUED,RUN_START,RUN_SUCCESS,RUN_FAILURE,RUN_CANCELING,RUN_CANCELED';

export function RunsPage({ route }: { route: Route }) {
  const q = route.query;
  const statuses = (q.get('status') ?? '').split(',').filter(Boolean) as RunStatus[];
  const filters = { status: statuses, asset: q.get('asset') ?? '', trigger: q.get('trigger') ?? '', since: q.get('since') ?? '', until: q.get('until') ?? '' };
  const { cursor, pageIndex } = readPageCursor(q);
  const query: RunListQuery = {
    limit: PAGE_SIZE, cursor,
    ...(statuses.length ? { status: statuses } : {}),
    ...(filters.asset ? { asset: filters.asset } : {}),
    ...(filters.trigger ? { trigger: filters.trigger as RunTrigger } : {}),
    ...(filters.since ? { since: filters.since } : {}),
    // `until` is a day: runs created before the end of it.
    ...(filters.until ? { until: String(Date.parse(`${filters.until}T00:00:00`) + 86_400_000) } : {}),
  };
  const page = useApi(() => api.runs(query), [q.toString()]);
  useLiveReload(`/api/events/stream?types=${RUN_EVENTS}`, page.reload, { throttleMs: 400 });

  // A filter change starts at the first page and replaces the URL (typing is not history); a page turn is a new
  // history entry, so Back returns to the page before.
  const set = (changes: Record<string, string | null>) => {
    const next = firstPageQuery(q);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    navigate(href('/runs', next), { replace: true });
  };
  const toggleStatus = (s: RunStatus) => set({ status: (statuses.includes(s) ? statuses.filter((x) => x !== s) : [...statuses, s]).join(',') || null });
  const offset = pageIndex * PAGE_SIZE;
  const total = page.data?.total ?? 0;
  const hasFilters = statuses.length || filters.asset || filters.trigger || filters.since || filters.until;

  return (
    <main className="page">
      <div className="page-head"><h1>Runs</h1><span className="sub">{page.data ? `${total.toLocaleString()} run${total === 1 ? '' : 's'}${hasFilters ? ' match' : ''}` : '\u00a0'}</span></div>
      <div className="card">
        <div className="card-body toolbar">
          <div className="field">
            <label id="status-label">Status</label>
            <div className="chips" role="group" aria-labelledby="status-label">
              {STATUSES.map((s) => (
                <button key={s} type="button" className={`chip tone-${toneOf(s)}`} aria-pressed={statuses.includes(s)} onClick={() => toggleStatus(s)}>
                  <span className="dot" />{labelOf(s)}
                </button>
              ))}
            </div>
          </div>
          <div className="field">
            <label htmlFor="f-asset">Asset</label>
            <input id="f-asset" defaultValue={filters.asset} placeholder="Asset key" key={`a${filters.asset}`} onKeyDown={(e) => { if (e.key === 'Enter') set({ asset: e.currentTarget.value.trim() || null }); }} onBlur={(e) => { if (e.currentTarget.value.trim() !== filters.asset) set({ asset: e.currentTarget.value.trim() || null }); }} />
          </div>
          <div className="field">
            <label htmlFor="f-trigger">Trigger</label>
            <select id="f-trigger" value={filters.trigger} onChange={(e) => set({ trigger: e.target.value || null })}>
              <option value="">Any</option>
              {TRIGGERS.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-since">From</label>
            <input id="f-since" type="date" value={filters.since} onChange={(e) => set({ since: e.target.value || null })} />
          </div>
          <div className="field">
            <label htmlFor="f-until">To</label>
            <input id="f-until" type="date" value={filters.until} onChange={(e) => set({ until: e.target.value || null })} />
          </div>
          {hasFilters ? <button type="button" className="btn ghost" onClick={() => navigate('#/runs')}>Clear filters</button> : null}
        </div>
      </div>
      <QueuedRuns />
      <div className="card flush">
        <div className="card-body" style={{ minHeight: 200 }}>
          {page.error ? <div style={{ padding: 14 }}><ErrorPanel error={page.error} /></div> : page.data ? <RunsTable runs={page.data.runs} /> : <div style={{ padding: 14 }}><Skeleton rows={8} /></div>}
        </div>
        <nav className="pager" aria-label="Pages of runs">
          <span data-testid="runs-range">{total ? `${offset + 1}–${offset + (page.data?.runs.length ?? 0)} of ${total.toLocaleString()}${page.data?.totalIsExact === false ? '+' : ''}` : ''}</span>
          <button type="button" className="btn small" disabled={!cursor} onClick={() => navigate(href('/runs', newerPageQuery(q)))}>← Newer</button>
          <button type="button" className="btn small" disabled={!page.data?.nextCursor} onClick={() => navigate(href('/runs', olderPageQuery(q, page.data!.nextCursor!)))}>Older →</button>
        </nav>
      </div>
    </main>
  );
}
