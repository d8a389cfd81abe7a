/** One run: Gantt chart, steps, live logs, what it materialized and checked, and the actions on it. */
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import type { ReexecuteRequestBody, RunDetail } from '../../api/types.ts';
import { assetHref, href, navigate, runHref, type Route } from '../../app/router.tsx';
import { formatCount, formatDateTime, formatDuration, formatValue, shortId } from '../../components/format.ts';
import { Empty, ErrorPanel, Section, Skeleton } from '../../components/Panels.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { labelOf } from '../../components/status.ts';
import { LogViewer } from '../logs/LogViewer.tsx';
import { GanttChart } from '../run-gantt/GanttChart.tsx';
import { useLiveRun } from './use-live-run.ts';
import { checkOutcomeOf } from '../../../../weir/src/events/check-outcome.ts';

const ACTIVE = new Set(['QUEUED', 'STARTED', 'CANCELING']);
/** Steps listed before "Show all": a 1,000-step run paints as fast as a small one. */
const STEPS_SHOWN = 100;

export function RunPage({ runId, route }: { runId: string; route: Route }) {
  // Read once; then the run's events keep it up to date (steps, materializations, checks, status).
  const live = useLiveRun(runId);

  const stepKey = route.query.get('step');
  const setStepKey = (key: string | null) => navigate(runHref(runId, key ? { step: key } : {}), { replace: true });

  if (live.error && !live.detail) return <main className="page"><ErrorPanel error={live.error} title={`Run ${runId}`} /></main>;
  const data = live.detail;
  return (
    <main className="page">
      {data ? <RunHeader data={data} /> : <div className="page-head"><h1>Run {shortId(runId)}</h1><Skeleton rows={1} /></div>}
      <Section title="Timeline" className="flush" actions={<span className="muted">{data ? `${data.steps.length} step${data.steps.length === 1 ? '' : 's'}` : ''}</span>}>
        {data ? (
          <GanttChart steps={data.steps} checks={data.checks} runStartedAt={data.run.startedAt} runEndedAt={data.run.endedAt} activeStep={stepKey} onSelectStep={setStepKey} />
        ) : <div style={{ padding: 14 }}><Skeleton rows={4} /></div>}
      </Section>
      <Section title="Logs" className="flush">
        <LogViewer lines={live.lines} version={live.version} stepKeys={data?.run.stepKeys ?? []} stepKey={stepKey} onStepKey={setStepKey}
          isLive={live.isLive} isLoading={live.isLoadingHistory} />
      </Section>
      {data ? <StepsAndResults data={data} onStepKey={setStepKey} /> : null}
    </main>
  );
}

function RunHeader({ data }: { data: RunDetail }) {
  const { run } = data;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const act = async (label: string, fn: () => Promise<{ runId: string }>, follow: boolean) => {
    setBusy(label);
    setError(null);
    try {
      const result = await fn();
      if (follow) navigate(runHref(result.runId));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const reexecute = (body: ReexecuteRequestBody) => act(body.mode, () => api.reexecute(run.runId, body), true);
  const isActive = ACTIVE.has(run.status);
  const hasFailures = data.steps.some((s) => s.status === 'failed' || s.status === 'skipped' || s.status === 'canceled') || run.status === 'FAILURE' || run.status === 'CANCELED';
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!isActive) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [isActive]);
  return (
    <>
      <div className="page-head run-head">
        <h1>Run <span className="mono" style={{ fontSize: 18 }}>{shortId(run.runId)}</span></h1>
        <StatusBadge status={run.status} />
        <span className="spacer" />
        <div className="actions">
          {isActive ? (
            <button type="button" className="btn danger" disabled={busy !== null || run.status === 'CANCELING'} onClick={() => act('cancel', () => api.cancel(run.runId), false)}>
              {run.status === 'CANCELING' ? `${labelOf('CANCELING')}…` : 'Cancel run'}
            </button>
          ) : (
            <>
              <button type="button" className="btn" disabled={busy !== null} onClick={() => reexecute({ mode: 'all' })}>Re-execute all</button>
              <button type="button" className="btn primary" disabled={busy !== null || !hasFailures} onClick={() => reexecute({ mode: 'from_failure' })}>Re-execute from failure</button>
            </>
          )}
        </div>
      </div>
      {error ? <div className="error-panel" role="alert"><p>{error}</p></div> : null}
      <div className="run-meta">
        <span>Trigger <b>{run.trigger}</b></span>
        <span>Selection <b className="mono">{run.selection ?? 'all'}</b></span>
        <span>Created <b>{formatDateTime(run.createdAt)}</b></span>
        <span>Duration <b>{formatDuration(run.startedAt ? (run.endedAt ?? now) - run.startedAt : null)}</b></span>
        {run.status === 'QUEUED' ? <span data-testid="queued-note">Waiting for a free slot (<span className="mono">max_concurrent_runs</span>): starts when an earlier run ends</span> : null}
        {run.parentRunId ? <span>Re-execution of <a className="mono" href={runHref(run.parentRunId)}>{shortId(run.parentRunId)}</a></span> : null}
        <span className="muted mono" title="Run id">{run.runId}</span>
      </div>
    </>
  );
}

function StepsAndResults({ data, onStepKey }: { data: RunDetail; onStepKey(key: string): void }) {
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [isShowingAll, setIsShowingAll] = useState(false);
  // Failed and running steps first: they are what one looks for in a long run.
  const rank = (status: string) => (status === 'failed' ? 0 : status === 'running' || status === 'retrying' ? 1 : 2);
  const ordered = [...data.steps].sort((a, b) => rank(a.status) - rank(b.status));
  const shown = isShowingAll ? ordered : ordered.slice(0, STEPS_SHOWN);
  const [error, setError] = useState<string | null>(null);
  const isActive = ACTIVE.has(data.run.status);
  const toggle = (key: string) => setPicked((prev) => {
    const next = new Set(prev);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    return next;
  });
  const reexecuteSelected = async () => {
    setError(null);
    try {
      const { runId } = await api.reexecute(data.run.runId, { mode: 'selected', stepKeys: [...picked] });
      navigate(runHref(runId));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="grid-2">
      <Section title="Steps" className="flush" actions={
        <button type="button" className="btn small" disabled={!picked.size || isActive} onClick={reexecuteSelected}>Re-execute selected ({picked.size})</button>
      }>
        {error ? <div className="error-panel" role="alert" style={{ margin: 10 }}><p>{error}</p></div> : null}
        <table className="data">
          <thead><tr><th aria-label="Pick" /><th>Step</th><th>Status</th><th className="num">Attempts</th><th className="num">Duration</th><th className="num">Rows</th><th>Checks</th></tr></thead>
          <tbody>
            {shown.map((step) => (
              <tr key={step.key}>
                <td><input type="checkbox" aria-label={`Pick ${step.key}`} checked={picked.has(step.key)} onChange={() => toggle(step.key)} /></td>
                <td><button type="button" className="btn ghost small" onClick={() => onStepKey(step.key)} title="Show its logs">{step.key}</button></td>
                <td><StatusBadge status={step.status} />{step.reason ? <div className="muted" style={{ fontSize: 12 }}>{step.reason}</div> : null}</td>
                <td className="num">{step.attempts.length || '–'}</td>
                <td className="num">{formatDuration(step.durationMs)}</td>
                <td className="num">{formatCount(step.rowCount)}</td>
                <td>
                  {step.checks.passed ? <span className="badge tone-success">{step.checks.passed} ✓</span> : null}{' '}
                  {step.checks.failed ? <span className="badge tone-failure">{step.checks.failed} ✗</span> : null}{' '}
                  {step.checks.warned ? <span className="badge tone-warn">{step.checks.warned} !</span> : null}{' '}
                  {step.checks.couldNotRun ? <span className="badge tone-failure" title="could not run">{step.checks.couldNotRun} ?</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {ordered.length > shown.length ? (
          <div className="pager"><button type="button" className="btn small" onClick={() => setIsShowingAll(true)}>Show all {ordered.length.toLocaleString()} steps</button></div>
        ) : null}
      </Section>
      <div style={{ display: 'flex', flexDirection: 'column', gap: 16, minWidth: 0 }}>
        <Section title={`Materializations (${data.materializations.length})`} className="flush">
          {data.materializations.length ? (
            <table className="data" data-testid="materializations">
              <thead><tr><th>Asset</th><th>Where</th><th className="num">Rows</th><th className="num">Duration</th></tr></thead>
              <tbody>
                {data.materializations.map((m) => (
                  <tr key={m.eventId}>
                    <td><a href={assetHref(m.assetKey)}>{m.assetKey}</a></td>
                    <td className="mono truncate">{m.storage.location}</td>
                    <td className="num">{formatCount(m.rowCount)}</td>
                    <td className="num">{formatDuration(m.durationMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <Empty>Nothing materialized{isActive ? ' yet' : ''}.</Empty>}
        </Section>
        <Section title={`Checks (${data.checks.length})`} className="flush">
          {data.checks.length ? (
            <table className="data" data-testid="run-checks">
              <thead><tr><th>Result</th><th>Asset · check</th><th>Observed</th><th>Expected</th></tr></thead>
              <tbody>
                {data.checks.map((c) => (
                  <tr key={c.eventId} title={c.message}>
                    <td><StatusBadge status={checkOutcomeOf(c)} /></td>
                    <td><a href={href(`/assets/${c.assetKey}`)}>{c.assetKey}</a> · {c.checkName}<div className="muted" style={{ fontSize: 12 }}>{c.message}</div></td>
                    <td className="mono">{formatValue(c.observed)}</td>
                    <td className="mono">{formatValue(c.expected)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <Empty>No checks evaluated{isActive ? ' yet' : ''}.</Empty>}
        </Section>
      </div>
    </div>
  );
}
