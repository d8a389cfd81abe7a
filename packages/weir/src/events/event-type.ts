/**
 * Stored event type strings. Chosen once, never renamed: old metadata databases hold them.
 * Labels shown to people come from EVENT_LABELS, not from these strings.
 */
export const EventType = {
  RUN_ENQUEUED: 'RUN_ENQUEUED',
  RUN_START: 'RUN_START',
  RUN_SUCCESS: 'RUN_SUCCESS',
  RUN_FAILURE: 'RUN_FAILURE',
  RUN_CANCELING: 'RUN_CANCELING',
  RUN_CANCELED: 'RUN_CANCELED',
  STEP_START: 'STEP_START',
  STEP_SUCCESS: 'STEP_SUCCESS',
  STEP_FAILURE: 'STEP_FAILURE',
  STEP_SKIPPED: 'STEP_SKIPPED',
  STEP_UP_FOR_RETRY: 'STEP_UP_FOR_RETRY',
  LOG: 'LOG',
  ASSET_MATERIALIZATION: 'ASSET_MATERIALIZATION',
  ASSET_OBSERVATION: 'ASSET_OBSERVATION',
  ASSET_CHECK_EVALUATION: 'ASSET_CHECK_EVALUATION',
} as const;

export type EventType = (typeof EventType)[keyof typeof EventType];

export const EVENT_LABELS: Record<EventType, string> = {
  RUN_ENQUEUED: 'Run queued',
  RUN_START: 'Run started',
  RUN_SUCCESS: 'Run succeeded',
  RUN_FAILURE: 'Run failed',
  RUN_CANCELING: 'Run cancelling',
  RUN_CANCELED: 'Run cancelled',
  STEP_START: 'Step started',
  STEP_SUCCESS: 'Step succeeded',
  STEP_FAILURE: 'Step failed',
  STEP_SKIPPED: 'Step skipped',
  STEP_UP_FOR_RETRY: 'Step will retry',
  LOG: 'Log',
  ASSET_MATERIALIZATION: 'Materialization',
  ASSET_OBSERVATION: 'Observation',
  ASSET_CHECK_EVALUATION: 'Check evaluation',
};
