/** A table of runs, shared by the runs list and the overview. */
import type { ApiRun } from '../../api/types.ts';
import { navigate, runHref } from '../../app/router.tsx';
import { formatAgo, formatDateTime, formatDuration, shortId } from '../../components/format.ts';
import { Empty } from '../../components/Panels.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';

export function RunsTable({ runs, now = Date.now() }: { runs: readonly ApiRun[]; now?: number }) {
  if (!runs.length) return <Empty>No runs yet.</Empty>;
  return (
    <table className="data">
      <thead>
        <tr><th>Run</th><th>Status</th><th>Selection</th><th>Trigger</th><th>Created</th><th className="num">Duration</th></tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.runId} className="clickable" onClick={() => navigate(runHref(run.runId))}>
            <td><a className="mono" href={runHref(run.runId)} onClick={(e) => e.stopPropagation()}>{shortId(run.runId)}</a></td>
            <td><StatusBadge status={run.status} /></td>
            <td className="truncate" title={run.selection ?? run.stepKeys.join(', ')}>
              {run.selection ?? (run.stepKeys.length > 3 ? `${run.stepKeys.slice(0, 3).join(', ')} +${run.stepKeys.length - 3}` : run.stepKeys.join(', '))}
              {run.parentRunId ? <span className="muted"> · {run.trigger === 'retry' && run.tags['weir/retry-attempt'] ? `retry ${run.tags['weir/retry-attempt']} of ${run.tags['weir/retry-max'] ?? '?'} of` : 're-run of'} {shortId(run.parentRunId)}</span> : null}
            </td>
            <td>{run.trigger}</td>
            <td className="nowrap" title={formatDateTime(run.createdAt)}>{formatAgo(run.createdAt, now)}</td>
            <td className="num">{formatDuration(run.startedAt ? (run.endedAt ?? now) - run.startedAt : null)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
