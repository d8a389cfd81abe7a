/** On a run's page: where it sits in a chain of run-level retries (retry N of M, the run it retries, the first run, the retry it got). */
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import type { ApiRun } from '../../api/types.ts';
import { runHref } from '../../app/router.tsx';
import { shortId } from '../../components/format.ts';

// The tags the run-retries loop puts on a retry (packages/weir/src/scheduler/run-retries.ts).
const RETRY_OF = 'weir/retry-of';
const RETRY_ATTEMPT = 'weir/retry-attempt';
const RETRY_MAX = 'weir/retry-max';
/** Retry runs read to find this run's retry: a retry starts within the lookback of the loop, well within these. */
const RETRIES_READ = 200;

/** The retry launched for `runId`, among retry runs (newest first). */
export function retryOf(runId: string, retries: readonly ApiRun[]): ApiRun | undefined {
  return retries.find((r) => r.tags[RETRY_OF] === runId);
}

export function RetryChain({ run }: { run: ApiRun }) {
  const isRetry = run.tags[RETRY_OF] !== undefined;
  // Only a failed run can have been retried.
  const retries = useApi(() => (run.status === 'FAILURE' ? api.runs({ trigger: 'retry', since: String(run.createdAt), limit: RETRIES_READ }) : Promise.resolve(undefined)), [run.runId, run.status]);
  const next = retries.data ? retryOf(run.runId, retries.data.runs) : undefined;
  if (!isRetry && !next) return null;
  return (
    <>
      {isRetry ? (
        <span data-testid="retry-of">
          Retry <b>{run.tags[RETRY_ATTEMPT]}</b>{run.tags[RETRY_MAX] ? <> of <b>{run.tags[RETRY_MAX]}</b></> : null} of{' '}
          <a className="mono" href={runHref(run.tags[RETRY_OF]!)}>{shortId(run.tags[RETRY_OF]!)}</a>
          {run.rootRunId && run.rootRunId !== run.tags[RETRY_OF] ? <> · first run <a className="mono" href={runHref(run.rootRunId)}>{shortId(run.rootRunId)}</a></> : null}
        </span>
      ) : null}
      {next ? (
        <span data-testid="retried-as">
          Retried as <a className="mono" href={runHref(next.runId)}>{shortId(next.runId)}</a> ({next.tags[RETRY_ATTEMPT]} of {next.tags[RETRY_MAX]})
        </span>
      ) : null}
    </>
  );
}
