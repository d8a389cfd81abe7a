/** The runs waiting for a slot (weir.yaml `max_concurrent_runs`), first to start first, each with a cancel button. */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi, useLiveReload } from '../../api/use-api.ts';
import type { ApiRun } from '../../api/types.ts';
import { runHref } from '../../app/router.tsx';
import { formatAgo, formatDateTime, shortId } from '../../components/format.ts';

/** How many queued runs the panel lists; the runs table below (filtered on Queued) has them all. */
const MAX_LISTED = 50;
const RUN_EVENTS = 'RUN_ENQUEUED,RUN_START,RUN_CANCELED,RUN_FAILURE,RUN_SUCCESS';

/** Oldest first: the order the serving process starts them in. */
export function queueOrder(runs: readonly ApiRun[]): ApiRun[] {
  return [...runs].sort((a, b) => a.createdAt - b.createdAt || a.runId.localeCompare(b.runId));
}

export function QueuedRuns({ now = Date.now() }: { now?: number }) {
  const queued = useApi(() => api.runs({ status: ['QUEUED'], limit: MAX_LISTED }), []);
  useLiveReload(`/api/events/stream?types=${RUN_EVENTS}`, queued.reload, { throttleMs: 400 });
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const runs = queueOrder(queued.data?.runs ?? []);
  if (!runs.length) return null;
  const total = queued.data?.total ?? runs.length;
  const cancel = async (runId: string) => {
    setBusy(runId);
    setError(null);
    try {
      await api.cancel(runId);
      queued.reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="card flush" aria-labelledby="queued-title" data-testid="queued-runs">
      <div className="card-head">
        <h2 id="queued-title">Queued</h2>
        <span className="muted">{total} run{total === 1 ? '' : 's'} waiting for a free slot (max_concurrent_runs), started first come, first served</span>
      </div>
      {error ? <div className="error-panel" role="alert"><p>{error}</p></div> : null}
      <div className="card-body">
        <table className="data">
          <thead><tr><th className="num">#</th><th>Run</th><th>Selection</th><th>Trigger</th><th>Waiting</th><th /></tr></thead>
          <tbody>
            {runs.map((run, index) => (
              <tr key={run.runId}>
                <td className="num">{index + 1}</td>
                <td><a className="mono" href={runHref(run.runId)}>{shortId(run.runId)}</a></td>
                <td className="truncate" title={run.selection ?? run.stepKeys.join(', ')}>{run.selection ?? run.stepKeys.join(', ')}</td>
                <td>{run.trigger}</td>
                <td className="nowrap" title={`Queued ${formatDateTime(run.createdAt)}`}>{formatAgo(run.createdAt, now)}</td>
                <td className="num">
                  <button type="button" className="btn small danger" disabled={busy !== null} aria-label={`Cancel queued run ${shortId(run.runId)}`} onClick={() => void cancel(run.runId)}>
                    {busy === run.runId ? 'Cancelling…' : 'Cancel'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
