/**
 * Live events over Server-Sent Events. A page opens ONE stream (browsers allow six connections per origin);
 * EventSource reconnects by itself and resumes after the last id it saw (Last-Event-ID).
 */
import type { ApiEventRecord, ApiProjectChange } from './types.ts';

export interface StreamHandlers {
  onEvent(event: ApiEventRecord): void;
  /** A run stream's `event: end`, once the run has finished. */
  onEnd?(info: { runId: string; status: string }): void;
  onOpen?(): void;
  /** `weir dev` reloaded the project's definitions, or failed to (only on /api/events/stream). */
  onProjectChange?(change: ApiProjectChange): void;
}

const projectListeners = new Set<(change: ApiProjectChange) => void>();
/**
 * Project reloads seen by whichever stream the current page has open: the app shell listens here (to show a load
 * error at once) without opening a stream of its own. Returns the unsubscribe function.
 */
export function onProjectChange(listener: (change: ApiProjectChange) => void): () => void {
  projectListeners.add(listener);
  return () => projectListeners.delete(listener);
}

/**
 * @example
 * const close = openEventStream('/api/events/stream?types=RUN_SUCCESS,RUN_FAILURE', { onEvent: (e) => reload() });
 * close(); // on unmount
 */
export function openEventStream(path: string, handlers: StreamHandlers): () => void {
  const source = new EventSource(path, { withCredentials: true });
  source.onmessage = (message) => {
    try {
      handlers.onEvent(JSON.parse(message.data) as ApiEventRecord);
    } catch {
      // a malformed message is skipped; the next one carries on
    }
  };
  source.addEventListener('end', (message) => {
    handlers.onEnd?.(JSON.parse((message as MessageEvent<string>).data));
    source.close();
  });
  for (const type of ['project_reloaded', 'project_load_failed']) {
    source.addEventListener(type, (message) => {
      const change = JSON.parse((message as MessageEvent<string>).data) as ApiProjectChange;
      handlers.onProjectChange?.(change);
      for (const listener of projectListeners) listener(change);
    });
  }
  source.onopen = () => handlers.onOpen?.();
  return () => source.close();
}
