/** Alerts: the declared channels (type and state, never a URL), the rules that route events to them, recent deliveries. */
import { useEffect } from 'react';
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import type { Alerts } from '../../api/types.ts';
import { runHref } from '../../app/router.tsx';
import { formatAgo, formatDateTime, formatDuration, plural, shortId } from '../../components/format.ts';
import { Empty, ErrorPanel, Section, Skeleton } from '../../components/Panels.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';

/** Deliveries change without a run event (a retry, an answer): the page polls at this pace. */
const REFRESH_MS = 5_000;

/** A delivery status shown with the palette's status of the same meaning. */
const DELIVERY_BADGE: Record<Alerts['deliveries'][number]['status'], { status: string; label: string }> = {
  DELIVERED: { status: 'succeeded', label: 'Delivered' },
  ACCEPTED: { status: 'observed', label: 'Accepted' },
  PENDING: { status: 'pending', label: 'Pending' },
  FAILED: { status: 'failed', label: 'Failed' },
};

const CHANNEL_TYPE_LABELS: Record<Alerts['channels'][number]['type'], string> = {
  teams: 'Microsoft Teams', slack: 'Slack', ntfy: 'ntfy', webhook: 'Webhook', email: 'E-mail',
};

export function AlertsPage() {
  const alerts = useApi(() => api.alerts(), []);
  useEffect(() => {
    const timer = setInterval(alerts.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [alerts.reload]);
  const data = alerts.data;
  if (alerts.error && !data) return <main className="page"><ErrorPanel error={alerts.error} /></main>;
  return (
    <main className="page">
      <div className="page-head">
        <h1>Alerts</h1>
        <span className="sub">{data ? `${plural(data.channels.length, 'channel')}, ${plural(data.rules.length, 'rule')}` : '\u00a0'}</span>
      </div>
      {data && !data.channels.length && !data.rules.length ? (
        <Section title="No alerts declared">
          <p style={{ padding: '0 14px 14px' }}>Declare channels and rules under <code>alerts:</code> in <code>weir.yaml</code>, then check a channel with <code>weir alert test &lt;channel&gt;</code>.</p>
        </Section>
      ) : null}
      <div className="card flush">
        <div className="card-head"><h2>Channels</h2></div>
        <div className="card-body">{!data ? <div style={{ padding: 14 }}><Skeleton rows={2} /></div> : data.channels.length ? <ChannelsTable channels={data.channels} /> : <Empty>No channels.</Empty>}</div>
      </div>
      <div className="card flush">
        <div className="card-head"><h2>Rules</h2></div>
        <div className="card-body">{!data ? <div style={{ padding: 14 }}><Skeleton rows={2} /></div> : data.rules.length ? <RulesTable rules={data.rules} /> : <Empty>No rules.</Empty>}</div>
      </div>
      <div className="card flush">
        <div className="card-head"><h2>Recent deliveries</h2></div>
        <div className="card-body">{!data ? <div style={{ padding: 14 }}><Skeleton rows={4} /></div> : data.deliveries.length ? <DeliveriesTable deliveries={data.deliveries} /> : <Empty>Nothing sent yet.</Empty>}</div>
      </div>
    </main>
  );
}

function ChannelsTable({ channels }: { channels: Alerts['channels'] }) {
  return (
    <table className="data" data-testid="alert-channels">
      <thead><tr><th>Channel</th><th>Type</th><th>State</th></tr></thead>
      <tbody>
        {channels.map((c) => (
          <tr key={c.name}>
            <td className="mono">{c.name}</td>
            <td>{CHANNEL_TYPE_LABELS[c.type]}</td>
            <td>{c.enabled ? <StatusBadge status="succeeded" label="Enabled" /> : <><StatusBadge status="skipped" label="Disabled" /> <span className="muted">{c.disabledReason}</span></>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RulesTable({ rules }: { rules: Alerts['rules'] }) {
  return (
    <table className="data" data-testid="alert-rules">
      <thead><tr><th>Rule</th><th>On</th><th>Channels</th><th>Only</th><th>Repeat</th></tr></thead>
      <tbody>
        {rules.map((r) => {
          const filters = [
            r.select && `select ${r.select}`, r.group && `group ${r.group}`, r.owner && `owner ${r.owner}`, r.severity && `severity ${r.severity}`,
            ...Object.entries(r.tags ?? {}).map(([k, v]) => `tag ${k}=${v}`), r.runLongerThanMs !== undefined && `longer than ${formatDuration(r.runLongerThanMs)}`,
          ].filter(Boolean);
          return (
            <tr key={r.name}>
              <td className="mono">{r.name}</td>
              <td>{r.on.map((kind) => kind.replace(/_/g, ' ')).join(', ')}</td>
              <td className="mono">{r.channels.join(', ')}</td>
              <td>{filters.length ? filters.join(' · ') : <span className="muted">everything</span>}</td>
              <td>{r.repeatMs ? `every ${formatDuration(r.repeatMs)}` : <span className="muted">once, then resolved</span>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function DeliveriesTable({ deliveries }: { deliveries: Alerts['deliveries'] }) {
  return (
    <table className="data" data-testid="alert-deliveries">
      <thead><tr><th>Status</th><th>Alert</th><th>Channel</th><th>Attempts</th><th>When</th><th>Run</th></tr></thead>
      <tbody>
        {deliveries.map((d) => (
          <tr key={d.id} data-delivery={d.id}>
            <td className="nowrap"><StatusBadge status={DELIVERY_BADGE[d.status].status} label={DELIVERY_BADGE[d.status].label} /></td>
            <td>
              <div>{d.state === 'resolved' ? <span className="muted">Resolved · </span> : null}{d.title}</div>
              <div className="muted truncate" style={{ fontSize: 12 }} title={d.line}>{d.line}</div>
              {d.error ? <div style={{ fontSize: 12, color: "var(--tone-failure)" }} data-testid="delivery-error">{d.error}{d.nextAttemptAt ? ` · next attempt ${formatAgo(d.nextAttemptAt).replace(/ ago$/, '')}` : ''}</div> : null}
            </td>
            <td className="mono">{d.channel}<div className="muted" style={{ fontSize: 12 }}>rule {d.rule}</div></td>
            <td>{d.attempts}</td>
            <td className="nowrap" title={formatDateTime(d.at)}>{formatAgo(d.at)}</td>
            <td>{d.runId ? <a className="mono" href={runHref(d.runId)}>{shortId(d.runId)}</a> : null}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
