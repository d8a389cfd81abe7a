/** The schedules of the Automation page: state with a pause/resume switch, cron in words, zone, next and last ticks, run now. */
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi, useLiveReload } from '../../api/use-api.ts';
import type { ApiSchedule, ApiScheduleTick } from '../../api/types.ts';
import { runHref } from '../../app/router.tsx';
import { shortId } from '../../components/format.ts';
import { Empty, ErrorPanel, Section, Skeleton } from '../../components/Panels.tsx';
import { StatusBadge, StatusDot } from '../../components/StatusBadge.tsx';
import { formatInZone, formatUntil } from './zoned-time.ts';

// A tick's status in the one palette (status.ts): its tones, with the tick's own word as the label.
const TICK_TONE: Record<ApiScheduleTick['status'], string> = { SUBMITTED: 'succeeded', FAILED: 'failed', SKIPPED: 'skipped', LAUNCHING: 'running' };
const RELOAD_MS = 30_000;
const TICK_LABEL: Record<ApiScheduleTick['status'], string> = { SUBMITTED: 'Started', FAILED: 'Failed', SKIPPED: 'Skipped', LAUNCHING: 'Starting' };

export function SchedulesSection() {
  const schedules = useApi(() => api.schedules(), []);
  // A tick starts a run: the run's start is what changes the last ticks.
  useLiveReload('/api/events/stream?types=RUN_START,RUN_SUCCESS,RUN_FAILURE', schedules.reload, { throttleMs: 800 });
  // Skipped ticks start no run (no event): a slow poll keeps the last ticks, "in 5 min" and a CLI pause current.
  useEffect(() => {
    const timer = setInterval(schedules.reload, RELOAD_MS);
    return () => clearInterval(timer);
  }, [schedules.reload]);
  const list = schedules.data?.schedules;
  return (
    <Section title={<>Schedules{list ? <span className="muted"> · {list.length}</span> : null}</>} className="flush">
      {schedules.error && !list ? <ErrorPanel error={schedules.error} title="Could not load the schedules" />
        : !list ? <div style={{ padding: 14 }}><Skeleton rows={4} /></div>
          : list.length ? <SchedulesTable schedules={list} onChange={schedules.reload} />
            : <Empty>No schedules. Declare one with <code>schedule(&#123; name, select, cron, timezone &#125;)</code>, <code>schedules:</code> in weir.yaml, or an asset&apos;s <code>automation: &#123; cron &#125;</code>.</Empty>}
    </Section>
  );
}

function SchedulesTable({ schedules, onChange }: { schedules: ApiSchedule[]; onChange: () => void }) {
  return (
    <table className="data" data-testid="schedules-table">
      <thead><tr><th>Schedule</th><th>State</th><th>When</th><th>Next ticks</th><th>Last ticks</th><th /></tr></thead>
      <tbody>{schedules.map((s) => <ScheduleRow key={s.name} schedule={s} onChange={onChange} />)}</tbody>
    </table>
  );
}

function ScheduleRow({ schedule: s, onChange }: { schedule: ApiSchedule; onChange: () => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; runId?: string; isError?: boolean }>();
  const paused = s.state === 'PAUSED';
  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await what();
    } catch (error) {
      setMessage({ text: (error as Error).message, isError: true });
    } finally {
      setBusy(false);
      onChange();
    }
  };
  return (
    <tr data-schedule={s.name}>
      <td>
        <strong>{s.name}</strong>
        <div className="muted" style={{ fontSize: 12 }}>selects <code>{s.select}</code>{s.origin === 'asset' ? ' · asset automation' : s.origin === 'yaml' ? ' · weir.yaml' : ''}</div>
      </td>
      <td className="nowrap">
        <label className="switch" title={paused ? 'Paused: its ticks start no run' : 'Running: each tick starts a run'}>
          <input type="checkbox" role="switch" checked={!paused} disabled={busy} aria-label={`${s.name} ${paused ? 'paused' : 'running'}`}
            onChange={() => act(() => api.setSchedulePaused(s.name, !paused))} />
          <span className="track" aria-hidden="true" />
          <span>{paused ? 'Paused' : 'Running'}</span>
        </label>
      </td>
      <td>
        <div>{s.description.replace(new RegExp(`, ${s.timezone.replace(/[/+]/g, '\\$&')}$`), '')}</div>
        <div className="muted mono" style={{ fontSize: 12 }}>
          {s.cron} · {s.timezoneIsDefault ? <span className="tag" title="No time zone set: UTC is used, not the server's zone" data-testid="utc-default">UTC (default)</span> : s.timezone}
        </div>
      </td>
      <td className="nowrap" data-testid="next-ticks">
        {s.nextTicks.length ? (
          <>
            <div title={s.nextTicks.map((t) => formatInZone(t, s.timezone)).join('\n')}>{formatInZone(s.nextTicks[0]!, s.timezone)} <span className="muted">{paused ? '(paused)' : formatUntil(s.nextTicks[0]!)}</span></div>
            <div className="muted" style={{ fontSize: 12 }}>then {s.nextTicks.slice(1, 5).map((t) => formatInZone(t, s.timezone).slice(5, 16)).join(' · ')}</div>
          </>
        ) : <span className="muted">none</span>}
      </td>
      <td data-testid="last-ticks">
        {s.lastTicks.length ? (
          <div style={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
            {s.lastTicks.slice(0, 3).map((t) => (
              <div key={`${t.source}:${t.tickAt}`} className="nowrap" title={t.reason ?? undefined}>
                <StatusDot status={TICK_TONE[t.status]} /> {formatInZone(t.tickAt, s.timezone).slice(0, 16)}{t.source === 'RUN_NOW' ? <span className="muted"> (run now)</span> : null}{' '}
                {t.runId ? <a className="mono" href={runHref(t.runId)}>{shortId(t.runId)}</a> : <span className="muted truncate" style={{ maxWidth: 260, display: 'inline-block', verticalAlign: 'bottom' }}>{TICK_LABEL[t.status]}{t.reason ? `: ${t.reason}` : ''}</span>}
              </div>
            ))}
          </div>
        ) : <span className="muted">no tick yet</span>}
      </td>
      <td className="nowrap">
        <button type="button" className="btn small" disabled={busy} onClick={() => act(async () => {
          const { runId } = await api.runSchedule(s.name);
          setMessage({ text: 'Started', runId });
        })}>Run now</button>
        {message ? (
          <div style={{ fontSize: 12, marginTop: 4 }} role={message.isError ? 'alert' : 'status'}>
            {message.isError ? <StatusBadge status="failed" label={message.text} /> : <>Started <a className="mono" href={runHref(message.runId!)}>{shortId(message.runId!)}</a></>}
          </div>
        ) : null}
      </td>
    </tr>
  );
}
