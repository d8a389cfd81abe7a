/** On a run's page: what started it (a sensor or webhook, with a link to the sensors) and the payload it handed the run. */
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import type { ApiRun } from '../../api/types.ts';
import './sensors.css';

/** The tags that name what started a run, by trigger. */
const NAME_TAGS: Record<string, string> = { sensor: 'weir/sensor', webhook: 'weir/webhook' };

export function TriggerPayload({ run }: { run: ApiRun }) {
  // The payload is kept on the run's first event (RUN_ENQUEUED), already masked of secrets by the server.
  const enqueued = useApi(() => api.runEvents(run.runId, { types: ['RUN_ENQUEUED'], limit: 1 }), [run.runId]);
  const event = enqueued.data?.events[0];
  const payload = event?.type === 'RUN_ENQUEUED' ? event.data.triggerPayload : undefined;
  const tag = NAME_TAGS[run.trigger];
  const name = tag ? run.tags[tag] : undefined;
  if (payload === undefined && !name) return null;
  return (
    <span className="trigger-payload" data-testid="trigger-payload">
      {name ? <>{run.trigger === 'webhook' ? 'Webhook' : 'Sensor'} <a href="#/automation"><b>{name}</b></a></> : null}
      {payload !== undefined ? (
        <details>
          <summary>Payload</summary>
          <pre className="mono">{JSON.stringify(payload, null, 2)}</pre>
        </details>
      ) : null}
    </span>
  );
}
