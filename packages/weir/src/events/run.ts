/** A run: one execution of a selection of steps, and its status as derived from its events. */

export const RunStatus = {
  QUEUED: 'QUEUED',
  STARTED: 'STARTED',
  SUCCESS: 'SUCCESS',
  FAILURE: 'FAILURE',
  CANCELING: 'CANCELING',
  CANCELED: 'CANCELED',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export const FINISHED_RUN_STATUSES: readonly RunStatus[] = [RunStatus.SUCCESS, RunStatus.FAILURE, RunStatus.CANCELED];

/** How a run came to be. */
export type RunTrigger = 'manual' | 'cli' | 'ui' | 'api' | 'schedule' | 'sensor' | 'reexecution' | 'backfill' | 'webhook' | 'retry' | 'automation';

export interface Run {
  runId: string;
  project: string;
  status: RunStatus;
  trigger: RunTrigger;
  /** The selection the user asked for, as typed (e.g. `revenue+`), or null for everything. */
  selection: string | null;
  /** Step keys planned for this run, in plan order. */
  stepKeys: string[];
  /** The run this one re-executes, and the first run of that chain. */
  parentRunId: string | null;
  rootRunId: string | null;
  tags: Record<string, string>;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

export interface NewRun {
  runId: string;
  project: string;
  trigger: RunTrigger;
  selection: string | null;
  stepKeys: string[];
  parentRunId?: string | null;
  rootRunId?: string | null;
  tags?: Record<string, string>;
  createdAt: number;
  /** What the trigger handed the run (a webhook's JSON body, a sensor's run request payload), already redacted; kept on RUN_ENQUEUED. */
  triggerPayload?: unknown;
}

export interface RunFilter {
  project?: string;
  statuses?: RunStatus[];
  /** Runs that planned a step for this asset. */
  assetKey?: string;
  trigger?: RunTrigger;
  /** createdAt >= since and < until (ms since epoch). */
  since?: number;
  until?: number;
  /** Keyset pagination: runs created before this run (exclusive). */
  beforeRunId?: string;
  limit?: number;
}
