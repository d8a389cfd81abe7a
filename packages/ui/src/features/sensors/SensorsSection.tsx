/**
 * The sensors and webhooks of the project: state, type, interval, what each watches, its last evaluations (duration,
 * result, error, the runs it started) and a switch to pause or resume it. A section, so the Automation page can hold it.
 */
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi, useLiveReload } from '../../api/use-api.ts';
import type { SensorList } from '../../api/types.ts';
import { runHref } from '../../app/router.tsx';
import { formatAgo, formatDateTime, formatDuration, plural, shortId } from '../../components/format.ts';
import { Empty, ErrorPanel, Section, Skeleton } from '../../components/Panels.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import './sensors.css';

type Sensor = SensorList['sensors'][number];
type Evaluation = Sensor['lastEvaluations'][number];

/** Evaluation statuses in the one palette's words: a run status with the sensor's own label. */
const EVALUATION_BADGE: Record<Evaluation['status'], { status: string; label: string }> = {
  REQUESTED: { status: 'SUCCESS', label: 'Requested' },
  SKIPPED: { status: 'skipped', label: 'Skipped' },
  ERROR: { status: 'FAILURE', label: 'Error' },
  REJECTED: { status: 'FAILURE', label: 'Rejected' },
};

const TYPE_LABELS: Record<string, string> = { custom: 'Custom', files: 'Files', sql: 'SQL query', asset: 'Asset materialized', run_status: 'Run ended' };

/** How often the section asks again: evaluations happen in the serving process, not through this page. */
const REFRESH_MS = 5000;

export function SensorsSection() {
  const list = useApi(() => api.sensors(), []);
  useLiveReload('/api/events/stream?types=RUN_ENQUEUED', list.reload, { throttleMs: 1000 });
  useEffect(() => {
    const timer = setInterval(list.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [list.reload]);
  const data = list.data;
  return (
    <>
      <Section title={<>Sensors {data ? <span className="sub muted">{plural(data.sensors.length, 'sensor')}</span> : null}</>} className="flush sensors-section">
        {list.error && !data ? <ErrorPanel error={list.error} /> : !data ? <div style={{ padding: 14 }}><Skeleton rows={4} /></div>
          : data.sensors.length ? <SensorsTable sensors={data.sensors} onChange={list.reload} />
            : <Empty>No sensors. Declare them in weir.yaml (<code>sensors:</code>) or with <code>sensor()</code>, <code>fileSensor()</code>, <code>sqlSensor()</code> in a definitions file.</Empty>}
      </Section>
      {data?.webhooks.length ? (
        <Section title={<>Webhooks <span className="sub muted">{plural(data.webhooks.length, 'webhook')}</span></>} className="flush sensors-section">
          <WebhooksTable webhooks={data.webhooks} />
        </Section>
      ) : null}
    </>
  );
}

function SensorsTable({ sensors, onChange }: { sensors: Sensor[]; onChange: () => void }) {
  return (
    <table className="data" data-testid="sensors-table">
      <thead><tr><th>Sensor</th><th>Type</th><th>Interval</th><th>Selection</th><th>Next</th><th>Last evaluations</th><th>State</th></tr></thead>
      <tbody>
        {sensors.map((sensor) => (
          <tr key={sensor.name} data-sensor={sensor.name} data-state={sensor.state}>
            <td>
              <div className="sensor-name">{sensor.name}</div>
              {sensor.target ? <div className="mono muted truncate sensor-target" title={sensor.target}>{sensor.target}</div> : null}
              {sensor.description ? <div className="muted sensor-description">{sensor.description}</div> : null}
            </td>
            <td className="nowrap">{TYPE_LABELS[sensor.type] ?? sensor.type}</td>
            <td className="mono nowrap">{sensor.interval}</td>
            <td className="mono">{sensor.select ?? <span className="muted">all assets</span>}</td>
            <td className="nowrap">{nextText(sensor)}</td>
            <td><Evaluations evaluations={sensor.lastEvaluations} /></td>
            <td><PauseSwitch sensor={sensor} onChange={onChange} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function nextText(sensor: Sensor): string {
  if (sensor.state === 'PAUSED' || sensor.nextEvaluationAt === null) return 'paused';
  return sensor.nextEvaluationAt <= Date.now() ? 'due now' : `in ${formatDuration(sensor.nextEvaluationAt - Date.now())}`;
}

/** The newest evaluation in full, the older ones as a strip of badges with their details on hover. */
function Evaluations({ evaluations, empty = 'never evaluated' }: { evaluations: Evaluation[]; empty?: string }) {
  const [latest, ...older] = evaluations;
  if (!latest) return <span className="muted">{empty}</span>;
  return (
    <div className="evaluations" data-testid="evaluations">
      <div className="evaluation" data-status={latest.status}>
        <StatusBadge {...EVALUATION_BADGE[latest.status]} />
        <span className="muted nowrap" title={formatDateTime(latest.startedAt)}>{formatAgo(latest.startedAt)}</span>
        <span className="mono nowrap">{formatDuration(latest.durationMs)}</span>
        {latest.slow ? <span className="slow" title={latest.reason}>slow</span> : null}
        {latest.runIds.map((runId) => <a key={runId} className="mono" href={runHref(runId)}>{shortId(runId)}</a>)}
      </div>
      {latest.error ? <div className="evaluation-error" role="note">{latest.error}</div>
        : latest.reason ? <div className="muted evaluation-reason">{latest.reason}</div> : null}
      {older.length ? (
        <div className="older" aria-label="Older evaluations">
          {older.map((e, i) => (
            <span key={`${e.startedAt}-${i}`} title={`${formatDateTime(e.startedAt)} · ${EVALUATION_BADGE[e.status].label} · ${formatDuration(e.durationMs)}${e.error ? ` · ${e.error}` : e.reason ? ` · ${e.reason}` : ''}`}>
              <StatusBadge {...EVALUATION_BADGE[e.status]} compact />
            </span>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function PauseSwitch({ sensor, onChange }: { sensor: Sensor; onChange: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const running = sensor.state === 'RUNNING';
  const toggle = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.setSensorState(sensor.name, running ? 'pause' : 'resume');
      onChange();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {/* The same switch as the schedules section (a real checkbox drawn as a track): one control, one look. */}
      <label className="switch" title={running ? 'Running: evaluated every interval' : 'Paused: not evaluated'}>
        <input type="checkbox" role="switch" checked={running} disabled={busy} aria-label={`${sensor.name} ${running ? 'running' : 'paused'}`}
          onChange={toggle} data-testid={`switch-${sensor.name}`} />
        <span className="track" aria-hidden="true" />
        <span>{running ? 'Running' : 'Paused'}</span>
      </label>
      {error ? <div className="evaluation-error">{error}</div> : null}
    </>
  );
}

function WebhooksTable({ webhooks }: { webhooks: SensorList['webhooks'] }) {
  return (
    <table className="data" data-testid="webhooks-table">
      <thead><tr><th>Webhook</th><th>Selection</th><th>Secret setting</th><th>Last calls</th></tr></thead>
      <tbody>
        {webhooks.map((webhook) => (
          <tr key={webhook.name} data-webhook={webhook.name}>
            <td><div className="sensor-name">{webhook.name}</div><div className="mono muted">POST {webhook.path}</div></td>
            <td className="mono">{webhook.select ?? <span className="muted">all assets</span>}</td>
            <td className="mono">{webhook.secretSetting}</td>
            <td><Evaluations evaluations={webhook.lastCalls} empty="never called" /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
