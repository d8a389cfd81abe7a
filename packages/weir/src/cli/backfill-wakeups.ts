/** Wakes the backfill loop of a serving process when it has work: a run ended (a slot is free), a backfill was asked. */
import type { EventRecord } from '../events/index.js';

const RUN_END_EVENTS = new Set(['RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELED']);

/**
 * Without it a freed slot waits for the loop's next pass (up to a second): a backfill of 500 short partitions would
 * spend minutes waiting. Returns `wake` for backfillControl's onRequested, and `attach` once the host has started.
 *
 * @example
 * const wakeups = backfillWakeups();
 * createApp({ …, backfills: backfillControl({ project, storage, onRequested: wakeups.wake }) });
 * const automation = startAutomation({ … });
 * const stop = wakeups.attach(() => automation.wake('backfills'), launcher.subscribe);
 */
export function backfillWakeups(): { wake: () => void; attach: (wake: () => void, subscribe: (listener: (event: EventRecord) => void) => () => void) => () => void } {
  let target: () => void = () => undefined;
  return {
    wake: () => target(),
    attach(wake, subscribe) {
      target = wake;
      const unsubscribe = subscribe((event) => { if (RUN_END_EVENTS.has(event.type)) wake(); });
      return () => { target = () => undefined; unsubscribe(); };
    },
  };
}
