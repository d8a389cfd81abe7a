/** The overview's "Next scheduled runs": the soonest ticks of the running schedules, in each schedule's own zone. */
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import { Empty, Section, Skeleton } from '../../components/Panels.tsx';
import { formatInZone, formatUntil } from '../automation/zoned-time.ts';

const SHOWN = 6;

export function NextScheduledRuns() {
  const schedules = useApi(() => api.schedules(), []);
  const list = schedules.data?.schedules;
  const next = (list ?? []).filter((s) => s.state === 'RUNNING')
    .flatMap((s) => s.nextTicks.map((tickAt) => ({ schedule: s, tickAt })))
    .sort((a, b) => Date.parse(a.tickAt) - Date.parse(b.tickAt))
    .slice(0, SHOWN);
  const paused = (list ?? []).filter((s) => s.state === 'PAUSED').length;
  return (
    <Section title="Next scheduled runs" actions={<a href="#/automation">Automation →</a>} className="flush">
      {!list ? <div style={{ padding: 14 }}>{schedules.error ? <span className="muted">{schedules.error.message}</span> : <Skeleton rows={3} />}</div> : next.length ? (
        <table className="data" data-testid="next-scheduled-runs">
          <thead><tr><th>When</th><th>Schedule</th><th>Runs</th></tr></thead>
          <tbody>
            {next.map(({ schedule: s, tickAt }) => (
              <tr key={`${s.name}:${tickAt}`}>
                <td className="nowrap">{formatInZone(tickAt, s.timezone)} <span className="muted">{formatUntil(tickAt)}</span></td>
                <td>{s.name}</td>
                <td><code>{s.select}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <Empty>{list.length ? `Every schedule is paused (${paused}).` : 'No schedules yet.'}</Empty>}
    </Section>
  );
}
