/** The overview: counts, open freshness violations, runs per day, recent runs, failing checks, assets that failed or are stale (GET /api/overview). */
import { api } from '../../api/client.ts';
import { useApi, useLiveReload } from '../../api/use-api.ts';
import { assetHref, href, runHref } from '../../app/router.tsx';
import { StackedBars } from '../../components/charts.tsx';
import { formatAgo, formatDuration, formatValue, plural, shortId } from '../../components/format.ts';
import { Empty, ErrorPanel, Section, Skeleton } from '../../components/Panels.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { labelOf, toneColor } from '../../components/status.ts';
import { RunsTable } from '../runs/RunsTable.tsx';
import { NextScheduledRuns } from './NextScheduledRuns.tsx';

const DAYS = 14;
const STACK = ['SUCCESS', 'FAILURE', 'CANCELED', 'STARTED', 'QUEUED', 'CANCELING'] as const;
const LIVE = 'RUN_START,RUN_SUCCESS,RUN_FAILURE,RUN_CANCELED,ASSET_CHECK_EVALUATION';

export function HomePage() {
  const overview = useApi(() => api.overview({ days: DAYS, runs: 10 }), []);
  useLiveReload(`/api/events/stream?types=${LIVE}`, overview.reload, { throttleMs: 600 });
  const data = overview.data;
  if (overview.error && !data) return <main className="page"><ErrorPanel error={overview.error} title="Could not load the overview" /></main>;

  const sum = (status?: string) => data?.runsPerDay.reduce((n, d) => n + (status ? d.byStatus[status as 'SUCCESS'] ?? 0 : d.total), 0);
  const problems = (kind: string) => data?.assets.filter((a) => a.problem === kind).length;
  const since = data?.runsPerDay[0]?.day;
  const stat = (value: number | undefined, label: string, status: string, to: string) => (
    <a className="stat" href={to} style={{ ['--tone' as string]: toneColor(status) }}>
      <div className="value">{value ?? '–'}</div><div className="label">{label}</div>
    </a>
  );
  return (
    <main className="page">
      <div className="page-head"><h1>Overview</h1><span className="sub">last {DAYS} days</span></div>
      <div className="stats">
        {stat(sum(), 'Runs', 'queued', href('/runs', { since }))}
        {stat(data?.activeRuns, 'Running now', 'STARTED', href('/runs', { status: 'QUEUED,STARTED,CANCELING' }))}
        {stat(sum('SUCCESS'), 'Succeeded', 'SUCCESS', href('/runs', { status: 'SUCCESS', since }))}
        {stat(sum('FAILURE'), 'Failed', 'FAILURE', href('/runs', { status: 'FAILURE', since }))}
        {stat(data?.failingChecks.filter((c) => c.status === 'failed').length, 'Failing checks', 'failed', href('/checks', { status: 'failed' }))}
        {stat(problems('failed'), 'Assets failed', 'failed', '#/lineage')}
        {stat(problems('check_failed'), 'Assets with failed checks', 'check_failed', '#/lineage')}
        {stat(problems('stale'), 'Stale assets', 'stale', '#/lineage')}
        {stat(data?.freshnessViolations.length, 'Freshness violations', 'violated', '#/lineage')}
      </div>
      {data?.freshnessViolations.length ? (
        <Section title="Freshness violations" className="flush">
          <table className="data" data-testid="freshness-violations">
            <thead><tr><th>Asset</th><th>What is wrong</th><th>Expected</th><th>Late by</th><th>Last materialized</th></tr></thead>
            <tbody>
              {data.freshnessViolations.map((v) => (
                <tr key={v.assetKey}>
                  <td><a href={assetHref(v.assetKey)}>{v.assetKey}</a></td>
                  <td className="truncate" title={v.message}>{v.message}</td>
                  <td>{v.expected}</td>
                  <td className="nowrap">{v.overdueMs === null ? 'never materialized' : formatDuration(v.overdueMs)}</td>
                  <td className="nowrap">{formatAgo(v.lastMaterializedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      ) : null}
      <div className="grid-2">
        <Section title="Runs per day">
          {data ? (
            <>
              <StackedBars title={`${plural(sum() ?? 0, 'run')} since ${since}`} bars={data.runsPerDay.map((d) => ({
                label: d.day.slice(5), parts: STACK.map((s) => ({ key: s, value: d.byStatus[s] ?? 0, color: toneColor(s) })),
              }))} />
              <div className="legend">{STACK.slice(0, 4).map((s) => <span key={s}><span className="dot" style={{ background: toneColor(s) }} />{labelOf(s)}</span>)}</div>
            </>
          ) : <Skeleton rows={5} height={24} />}
        </Section>
        <Section title="Assets needing attention" actions={<a href="#/lineage">Lineage →</a>} className="flush">
          {!data ? <div style={{ padding: 14 }}><Skeleton rows={5} /></div> : data.assets.length ? (
            <table className="data" data-testid="attention">
              <thead><tr><th>Asset</th><th>Problem</th><th>Why</th><th>Last materialized</th></tr></thead>
              <tbody>
                {data.assets.slice(0, 12).map((a) => (
                  <tr key={a.key}>
                    <td><a href={assetHref(a.key)}>{a.key}</a></td>
                    <td><StatusBadge status={a.problem} /></td>
                    <td className="truncate">{a.problem === 'stale' ? `${a.staleBecause.join(', ')} changed` : a.runId ? <>in run <a className="mono" href={runHref(a.runId)}>{shortId(a.runId)}</a></> : ''}</td>
                    <td className="nowrap">{formatAgo(a.lastMaterializedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <Empty>Every asset is fresh or never materialized.</Empty>}
        </Section>
      </div>
      <NextScheduledRuns />
      <Section title="Recent runs" actions={<a href="#/runs">All runs →</a>} className="flush">
        {data ? <RunsTable runs={data.recentRuns} /> : <div style={{ padding: 14 }}><Skeleton rows={6} /></div>}
      </Section>
      <Section title="Failing checks" actions={<a href="#/checks">All checks →</a>} className="flush">
        {!data ? <div style={{ padding: 14 }}><Skeleton rows={3} /></div> : data.failingChecks.length ? (
          <table className="data" data-testid="failing-checks">
            <thead><tr><th>Status</th><th>Asset</th><th>Check</th><th>Result</th><th>Observed</th><th>Expected</th><th>When</th><th>Run</th></tr></thead>
            <tbody>
              {data.failingChecks.map((c) => (
                <tr key={`${c.assetKey}:${c.name}`}>
                  <td><StatusBadge status={c.status} /></td>
                  <td><a href={assetHref(c.assetKey)}>{c.assetKey}</a></td>
                  <td>{c.name}</td>
                  <td className="truncate" title={c.latest.message}>{c.latest.message}</td>
                  <td className="mono">{formatValue(c.latest.observed)}</td>
                  <td className="mono">{formatValue(c.latest.expected)}</td>
                  <td className="nowrap">{formatAgo(c.latest.timestamp)}</td>
                  <td><a className="mono" href={runHref(c.latest.runId)}>{shortId(c.latest.runId)}</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <Empty>No failing checks.</Empty>}
      </Section>
    </main>
  );
}
