/**
 * Every request and response of the JSON API as zod schemas, in one place: the server validates with them, the
 * OpenAPI document (/api/openapi.json) is generated from them, and the UI's client types are inferred from them.
 *
 * Response schemas are registered in `apiSchemas` under an id, which becomes `#/components/schemas/<id>`.
 *
 * The package exports this file as `weir/api` (package.json "exports"), so the UI imports its types from there.
 *
 * @example
 * import { runPageSchema, type RunPage } from 'weir/api'; // the UI's api/ folder
 * const page: RunPage = runPageSchema.parse(await (await fetch('/api/runs?status=FAILURE')).json());
 */
import { z } from 'zod';
import {
  ATTEMPT_OUTCOMES, CHECK_OUTCOMES, FAIL_REASONS, SKIP_REASONS, STEP_KINDS, STEP_STATUSES, type EventRecord, type Run, type StepSummary,
} from '../events/index.js';
import type { ScheduleTickStatus, StoredCheckEvaluation, StoredMaterialization, StoredObservation } from '../storage/storage.js';
import { SENSOR_EVALUATION_STATUSES, SENSOR_STATES } from '../events/sensor-evaluation.js';
import { isSameOriginPath } from './safe-redirect.js';

/** Response schemas by id: the OpenAPI document's components. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  apiSchemas.add(schema, { id, ...(description ? { description } : {}) });
  return schema;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared values
// ---------------------------------------------------------------------------------------------------------------

export const errorBodySchema = named('ErrorBody', z.object({
  error: z.object({
    /** Stable and machine-readable, e.g. `UNKNOWN_RUN`, `INVALID_QUERY`. */
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
}), 'Every 4xx and 5xx answer: what went wrong, and for invalid input, which fields.');
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const RUN_STATUSES = ['QUEUED', 'STARTED', 'SUCCESS', 'FAILURE', 'CANCELING', 'CANCELED'] as const;
export const runStatusSchema = named('RunStatus', z.enum(RUN_STATUSES));

export const RUN_TRIGGERS = ['manual', 'cli', 'ui', 'api', 'schedule', 'sensor', 'reexecution', 'backfill', 'webhook', 'retry', 'automation'] as const;
export const runTriggerSchema = named('RunTrigger', z.enum(RUN_TRIGGERS));

export const EVENT_TYPES = [
  'RUN_ENQUEUED', 'RUN_START', 'RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELING', 'RUN_CANCELED',
  'STEP_START', 'STEP_SUCCESS', 'STEP_FAILURE', 'STEP_SKIPPED', 'STEP_UP_FOR_RETRY', 'LOG',
  'ASSET_MATERIALIZATION', 'ASSET_OBSERVATION', 'ASSET_CHECK_EVALUATION',
] as const;
export const eventTypeSchema = named('EventType', z.enum(EVENT_TYPES));

export const tableColumnSchema = named('TableColumn', z.object({ name: z.string(), type: z.string() }));
export type TableColumn = z.infer<typeof tableColumnSchema>;

export const errorInfoSchema = named('ErrorInfo', z.object({
  message: z.string(),
  stack: z.string().optional(),
  code: z.string().optional(),
  location: z.string().optional(),
}));

// ---------------------------------------------------------------------------------------------------------------
// Runs, steps, events (mirrors events/; the `Same<>` checks at the bottom fail the type check if they drift)
// ---------------------------------------------------------------------------------------------------------------

export const runSchema = named('Run', z.object({
  runId: z.string(),
  project: z.string(),
  status: runStatusSchema,
  trigger: runTriggerSchema,
  selection: z.string().nullable(),
  stepKeys: z.array(z.string()),
  parentRunId: z.string().nullable(),
  rootRunId: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
}));
export type ApiRun = z.infer<typeof runSchema>;

export const stepSummarySchema = named('StepSummary', z.object({
  key: z.string(),
  kind: z.enum(STEP_KINDS),
  /** `canceled`: stopped, or never started, because the run was cancelled. */
  status: z.enum(STEP_STATUSES),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  durationMs: z.number().optional(),
  attempts: z.array(z.object({
    attempt: z.number(),
    startedAt: z.number(),
    endedAt: z.number().optional(),
    outcome: z.enum(ATTEMPT_OUTCOMES).optional(),
    error: z.string().optional(),
  })),
  rowCount: z.number().nullable().optional(),
  /** Check evaluations by outcome; a dbt warning-only pass counts as warned. */
  checks: z.object({ passed: z.number(), failed: z.number(), warned: z.number(), couldNotRun: z.number() }),
  reason: z.string().optional(),
  failReason: z.enum(FAIL_REASONS).optional(),
  skipReason: z.enum(SKIP_REASONS).optional(),
  blockedBy: z.array(z.string()).optional(),
}));

const materializationDataSchema = z.object({
  assetKey: z.string(),
  storage: z.object({ kind: z.enum(['table', 'file']), location: z.string(), format: z.string().optional() }),
  rowCount: z.number().nullable(),
  columns: z.array(tableColumnSchema),
  durationMs: z.number(),
  bytes: z.number().nullable(),
  codeVersion: z.string(),
  dataVersion: z.string(),
  upstream: z.array(z.object({ assetKey: z.string(), eventId: z.number().optional(), dataVersion: z.string() })),
  metadata: z.record(z.string(), z.unknown()),
  sql: z.string().optional(),
});
const observationDataSchema = z.object({
  assetKey: z.string(), path: z.string(), hash: z.string(), bytes: z.number(), modifiedAt: z.number(),
  /** Observed relations (dbt sources): row count and columns. */
  rowCount: z.number().optional(), columns: z.array(tableColumnSchema).optional(),
});
const checkEvaluationDataSchema = z.object({
  assetKey: z.string(),
  checkName: z.string(),
  severity: z.enum(['error', 'warn']),
  passed: z.boolean(),
  /** Absent on evaluations recorded before it existed (derive it from passed and severity). */
  outcome: z.enum(CHECK_OUTCOMES).optional(),
  blocking: z.boolean(),
  observed: z.unknown(),
  expected: z.unknown(),
  failingRows: z.number().nullable(),
  samples: z.array(z.record(z.string(), z.unknown())),
  message: z.string(),
  sql: z.string().optional(),
  durationMs: z.number(),
});
const storedFields = { eventId: z.number(), runId: z.string(), project: z.string(), timestamp: z.number() };

export const materializationSchema = named('Materialization', materializationDataSchema.extend(storedFields));
export const observationSchema = named('Observation', observationDataSchema.extend(storedFields));
export const checkEvaluationSchema = named('CheckEvaluation', checkEvaluationDataSchema.extend(storedFields));
export type ApiMaterialization = z.infer<typeof materializationSchema>;
export type ApiCheckEvaluation = z.infer<typeof checkEvaluationSchema>;

const runEndDataSchema = z.object({
  durationMs: z.number(),
  succeeded: z.array(z.string()),
  failed: z.array(z.string()),
  skipped: z.array(z.string()),
  canceled: z.array(z.string()).optional(),
  error: errorInfoSchema.optional(),
});
const empty = z.object({});

/** One event shape per type, so the UI narrows `event.data` by `event.type`. */
function eventOf<T extends (typeof EVENT_TYPES)[number], D extends z.ZodType>(type: T, data: D) {
  return z.object({
    id: z.number(), runId: z.string(), project: z.string(), type: z.literal(type),
    stepKey: z.string().nullable(), timestamp: z.number(), message: z.string(), data,
  });
}

export const eventRecordSchema = named('EventRecord', z.discriminatedUnion('type', [
  eventOf('RUN_ENQUEUED', z.object({ triggerPayload: z.unknown().optional() })),
  eventOf('RUN_START', z.object({ stepKeys: z.array(z.string()), concurrency: z.number() })),
  eventOf('RUN_SUCCESS', runEndDataSchema),
  eventOf('RUN_FAILURE', runEndDataSchema),
  eventOf('RUN_CANCELING', empty),
  eventOf('RUN_CANCELED', runEndDataSchema),
  eventOf('STEP_START', z.object({ attempt: z.number(), kind: z.enum(STEP_KINDS) })),
  eventOf('STEP_SUCCESS', z.object({ attempt: z.number(), durationMs: z.number() })),
  eventOf('STEP_FAILURE', z.object({
    attempt: z.number(), durationMs: z.number(), error: errorInfoSchema, reason: z.enum(FAIL_REASONS),
  })),
  eventOf('STEP_SKIPPED', z.object({
    reason: z.enum(SKIP_REASONS),
    blockedBy: z.array(z.string()).optional(),
    reusedEventId: z.number().optional(),
    reusedRunId: z.string().optional(),
  })),
  eventOf('STEP_UP_FOR_RETRY', z.object({ attempt: z.number(), nextAttempt: z.number(), delayMs: z.number(), error: errorInfoSchema })),
  eventOf('LOG', z.object({ level: z.enum(['debug', 'info', 'warn', 'error']), fields: z.record(z.string(), z.unknown()).optional() })),
  eventOf('ASSET_MATERIALIZATION', materializationDataSchema),
  eventOf('ASSET_OBSERVATION', observationDataSchema),
  eventOf('ASSET_CHECK_EVALUATION', checkEvaluationDataSchema),
]));
export type ApiEventRecord = z.infer<typeof eventRecordSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Project, assets, lineage, checks
// ---------------------------------------------------------------------------------------------------------------

export const projectLoadErrorSchema = named('ProjectLoadError', z.object({
  /** The whole paragraph: where, what, what to do. */
  message: z.string(),
  /** Relative to the project root: `definitions/orders.ts`. */
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  hint: z.string().optional(),
  /** e.g. `DEFINITIONS_SYNTAX`, `DEFINITIONS_LOAD`, `CONFIG_INVALID`. */
  code: z.string().optional(),
  failedAt: z.number(),
}), 'Why the latest reload of the project failed; the server goes on serving the last good definitions.');
export type ApiProjectLoadError = z.infer<typeof projectLoadErrorSchema>;

/** Sent on /api/events/stream as `event: project_reloaded` or `event: project_load_failed` (no `id:`). */
export const projectChangeSchema = named('ProjectChange', z.discriminatedUnion('type', [
  z.object({ type: z.literal('project_reloaded'), version: z.number(), loadedAt: z.number() }),
  z.object({ type: z.literal('project_load_failed'), version: z.number(), error: projectLoadErrorSchema }),
]), 'A reload of the project: refetch /api/project (and what shows definitions) on project_reloaded; show `error` on project_load_failed.');
export type ApiProjectChange = z.infer<typeof projectChangeSchema>;

export const projectSchema = named('Project', z.object({
  name: z.string(),
  description: z.string().nullable(),
  concurrency: z.number(),
  /** Secret settings have `value: '***'`: their values never leave the server. */
  settings: z.array(z.object({
    name: z.string(),
    value: z.union([z.string(), z.number(), z.boolean()]).nullable(),
    secret: z.boolean(),
    source: z.enum(['default', 'env', 'unset']),
  })),
  counts: z.object({ assets: z.number(), externals: z.number(), checks: z.number() }),
  graphHash: z.string(),
  /** Counts successful loads of the definitions from 1 (`weir dev` reloads them when project files change). */
  version: z.number(),
  /** When the definitions served now were loaded (ms since the epoch). */
  loadedAt: z.number(),
  /** Set when the latest reload of the definitions failed; the server keeps serving the last good ones. */
  loadError: projectLoadErrorSchema.nullable(),
  /** Problems that do not stop loading, one message each (a secret setting too short to mask), as `weir dev` prints them. */
  warnings: z.array(z.string()),
}));
export type ApiProject = z.infer<typeof projectSchema>;

export const ASSET_STATUSES = ['never', 'fresh', 'stale', 'check_failed', 'observed', 'missing'] as const;
export const assetStatusSchema = named('AssetStatus', z.enum(ASSET_STATUSES));

export const materializationSummarySchema = named('MaterializationSummary', z.object({
  eventId: z.number(),
  runId: z.string(),
  timestamp: z.number(),
  rowCount: z.number().nullable(),
  durationMs: z.number(),
  bytes: z.number().nullable(),
  /** `main.orders` or `output/revenue.csv`. */
  location: z.string(),
  storageKind: z.enum(['table', 'file']),
}));

export const CHECK_STATUSES = ['failed', 'warned', 'never', 'passed'] as const;
export const checkStatusSchema = named('CheckStatus', z.enum(CHECK_STATUSES));

export const checkResultSummarySchema = named('CheckResultSummary', z.object({
  name: z.string(),
  status: checkStatusSchema,
  severity: z.enum(['error', 'warn']),
  message: z.string().nullable(),
  runId: z.string().nullable(),
  timestamp: z.number().nullable(),
}));

export const assetFreshnessSchema = named('AssetFreshness', z.object({
  status: z.enum(['fresh', 'violated']),
  /** The policy in words: `materialized at most 26h ago`. */
  expected: z.string(),
  /** One line: `revenue was last materialized 31h ago, 5h over its max lag of 26h`. */
  message: z.string(),
  policy: z.object({
    kind: z.enum(['max_lag', 'cron']),
    maxLag: z.string().nullable(),
    cron: z.string().nullable(),
    timezone: z.string().nullable(),
    timezoneIsDefault: z.boolean(),
    deadline: z.string().nullable(),
  }),
  lastMaterializedAt: z.number().nullable(),
  /** When the deadline passed; null when fresh or never materialized. */
  violatedSince: z.number().nullable(),
  overdueMs: z.number().nullable(),
  /** When it becomes violated without a new materialization; null when violated. */
  freshUntil: z.number().nullable(),
}), "An asset's freshness policy and its state now.");
export type AssetFreshness = z.infer<typeof assetFreshnessSchema>;

export const assetAutomationSchema = named('AssetAutomation', z.object({
  kind: z.enum(['eager', 'on_cron', 'cron']),
  /** In words: `eager: materialized when an upstream asset has new data`. */
  description: z.string(),
  cron: z.string().nullable(),
  timezone: z.string().nullable(),
  timezoneIsDefault: z.boolean(),
}), 'When Weir materializes the asset by itself.');
export type AssetAutomation = z.infer<typeof assetAutomationSchema>;

export const assetSummarySchema = named('AssetSummary', z.object({
  key: z.string(),
  /** `asset`: computed by Weir; `external`: an input file Weir observes. */
  type: z.enum(['asset', 'external']),
  kinds: z.array(z.string()),
  group: z.string(),
  description: z.string().nullable(),
  owners: z.array(z.string()),
  tags: z.array(z.string()),
  upstream: z.array(z.string()),
  downstream: z.array(z.string()),
  checks: z.array(z.string()),
  origin: z.enum(['typescript', 'sql', 'yaml']).nullable(),
  /** The declaration as written in the user's file (`export const orders = asset(…);`), or the SQL of a model. */
  code: z.string().nullable(),
  /** Where it is declared, relative to the project root: `definitions/orders.ts:12:5`. */
  location: z.string().nullable(),
  /** Where its data lives: `main.orders`, `output/revenue.csv`, or an external file's path. */
  output: z.string(),
  status: assetStatusSchema,
  /** For `stale`: the upstream keys that changed, or `code`. */
  staleBecause: z.array(z.string()),
  lastMaterialization: materializationSummarySchema.nullable(),
  lastObservation: z.object({ runId: z.string(), timestamp: z.number(), hash: z.string(), path: z.string(), bytes: z.number() }).nullable(),
  latestChecks: z.array(checkResultSummarySchema),
  /** Null when the asset declares no freshness policy. */
  freshness: assetFreshnessSchema.nullable(),
  /** Null when nothing materializes it by itself. */
  automation: assetAutomationSchema.nullable(),
}));
export type AssetSummary = z.infer<typeof assetSummarySchema>;

export const assetListSchema = named('AssetList', z.object({ assets: z.array(assetSummarySchema) }));
export type AssetList = z.infer<typeof assetListSchema>;

export const columnChangesSchema = named('ColumnChanges', z.object({
  added: z.array(tableColumnSchema),
  removed: z.array(tableColumnSchema),
  typeChanged: z.array(z.object({ name: z.string(), from: z.string(), to: z.string() })),
}));
export type ColumnChanges = z.infer<typeof columnChangesSchema>;

export const assetDetailSchema = named('AssetDetail', z.object({
  asset: assetSummarySchema,
  /** Columns and types of the latest materialization. */
  columns: z.array(tableColumnSchema),
  /** The compiled SQL of the latest materialization, for SQL models. */
  compiledSql: z.string().nullable(),
  materializations: z.object({
    /** Newest first. `columnChanges` compares each with the one before it (null for the first ever). */
    items: z.array(materializationSchema.extend({ columnChanges: columnChangesSchema.nullable() })),
    /** Pass as `cursor` for the next (older) page; null on the last page. */
    nextCursor: z.number().nullable(),
  }),
  checks: z.array(z.object({
    name: z.string(),
    type: z.string(),
    severity: z.enum(['error', 'warn']),
    description: z.string().nullable(),
    /** Newest first. */
    history: z.array(checkEvaluationSchema),
  })),
}));
export type AssetDetail = z.infer<typeof assetDetailSchema>;

export const materializationHistorySchema = named('MaterializationHistory', z.object({
  /** Newest first: row count, duration, columns (and how they changed from the one before), data version, run. */
  items: z.array(materializationSchema.extend({ columnChanges: columnChangesSchema.nullable() })),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: z.number().nullable(),
}), "A page of an asset's materializations, newest first.");
export type MaterializationHistory = z.infer<typeof materializationHistorySchema>;

export const checkHistorySchema = named('CheckHistory', z.object({
  /** Newest first: passed, observed and expected values, failing-row count and sample rows, run. */
  items: z.array(checkEvaluationSchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: z.number().nullable(),
}), "A page of an asset's check evaluations (one check, or all of them), newest first.");
export type CheckHistory = z.infer<typeof checkHistorySchema>;

export const lineageSchema = named('Lineage', z.object({
  /** Changes only when the structure changes: cache layouts by it. */
  hash: z.string(),
  nodes: z.array(z.object({
    key: z.string(),
    type: z.enum(['asset', 'external']),
    group: z.string(),
    kinds: z.array(z.string()),
    origin: z.enum(['typescript', 'sql', 'yaml']).nullable(),
    status: assetStatusSchema,
    lastMaterializedAt: z.number().nullable(),
    rowCount: z.number().nullable(),
  })),
  /** Data flows from `source` (upstream) to `target`. */
  edges: z.array(z.object({ source: z.string(), target: z.string() })),
  groups: z.array(z.object({ name: z.string(), assetKeys: z.array(z.string()) })),
}));
export type Lineage = z.infer<typeof lineageSchema>;

export const selectionSchema = named('Selection', z.object({
  /** The keys the selection picks, upstream before downstream: what `weir run --select` (and a launch) would run. */
  keys: z.array(z.string()),
  /** Selectors that match no asset (a launch of this selection answers 400), each with a suggestion. */
  unmatched: z.array(z.object({ selector: z.string(), message: z.string() })),
}), "A selection resolved with the CLI's parser (dbt syntax: `+orders`, `tag:daily,group:sales`, `@report`).");
export type Selection = z.infer<typeof selectionSchema>;

export const checkOverviewSchema = named('CheckOverview', z.object({
  /** Failing first, then warnings, never evaluated, passed; by asset and name within each. */
  checks: z.array(z.object({
    assetKey: z.string(),
    name: z.string(),
    type: z.string(),
    severity: z.enum(['error', 'warn']),
    description: z.string().nullable(),
    status: checkStatusSchema,
    latest: checkEvaluationSchema.nullable(),
  })),
  counts: z.object({ failed: z.number(), warned: z.number(), never: z.number(), passed: z.number() }),
}));
export type CheckOverview = z.infer<typeof checkOverviewSchema>;

export const overviewSchema = named('Overview', z.object({
  /** The newest runs, newest first. */
  recentRuns: z.array(runSchema),
  /** Runs queued, started or cancelling now. */
  activeRuns: z.number(),
  /** Failed and warned checks (latest evaluation), failing first. */
  failingChecks: z.array(z.object({ assetKey: z.string(), name: z.string(), status: checkStatusSchema, latest: checkEvaluationSchema })),
  /**
   * Assets to look at: `failed` (their step failed in a run newer than their last materialization), `check_failed`
   * or `stale`, in that order.
   */
  assets: z.array(z.object({
    key: z.string(),
    problem: z.enum(['failed', 'check_failed', 'stale']),
    /** For `stale`: the upstream keys that changed, or `code`. */
    staleBecause: z.array(z.string()),
    /** For `failed`: the run it failed in. */
    runId: z.string().nullable(),
    lastMaterializedAt: z.number().nullable(),
  })),
  /** Assets whose freshness policy is violated now, the longest overdue first. */
  freshnessViolations: z.array(z.object({
    assetKey: z.string(),
    message: z.string(),
    expected: z.string(),
    violatedSince: z.number().nullable(),
    overdueMs: z.number().nullable(),
    lastMaterializedAt: z.number().nullable(),
  })),
  /** One entry per day of the window, oldest first, zeros included. */
  runsPerDay: z.array(z.object({
    /** `YYYY-MM-DD`, at the requested UTC offset. */
    day: z.string(),
    total: z.number(),
    byStatus: z.record(runStatusSchema, z.number()),
  })),
}), 'What the home page shows: recent runs, failing checks, assets failed or stale, and runs per day by status.');
export type Overview = z.infer<typeof overviewSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Run pages and actions
// ---------------------------------------------------------------------------------------------------------------

export const runPageSchema = named('RunPage', z.object({
  /** Newest first. */
  runs: z.array(runSchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
  /** Runs matching the filters, over all pages; counted up to 10,000 (then `totalIsExact` is false: "10,000+"). */
  total: z.number(),
  totalIsExact: z.boolean(),
}));
export type RunPage = z.infer<typeof runPageSchema>;

export const runDetailSchema = named('RunDetail', z.object({
  run: runSchema,
  steps: z.array(stepSummarySchema),
  /** The last event (of any type but LOG) the steps were folded from: a live view applies only events after it. */
  lastEventId: z.number(),
  materializations: z.array(materializationSchema),
  checks: z.array(checkEvaluationSchema),
  observations: z.array(observationSchema),
}));
export type RunDetail = z.infer<typeof runDetailSchema>;

export const eventPageSchema = named('EventPage', z.object({
  events: z.array(eventRecordSchema),
  /** Pass as `afterId` for the next page (the last event's id, or the given afterId when empty). */
  nextAfterId: z.number(),
  hasMore: z.boolean(),
}));
export type EventPage = z.infer<typeof eventPageSchema>;

export const launchResponseSchema = named('LaunchResponse', z.object({ runId: z.string() }));
export const cancelResponseSchema = named('CancelResponse', z.object({ runId: z.string(), status: runStatusSchema }));
export const sessionSchema = named('Session', z.object({
  /** Whether this request carried a valid token (always true when the server has none). */
  authenticated: z.boolean(),
  tokenRequired: z.boolean(),
}));
export type Session = z.infer<typeof sessionSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Requests: path parameters, query strings, bodies (validated as input; not registered as components)
// ---------------------------------------------------------------------------------------------------------------

/** A run id or any unique prefix of one (as shown in tables: 8 hex digits). */
export const runIdParamsSchema = z.object({
  id: z.string().regex(/^[0-9A-Fa-f-]{1,36}$/, 'a run id or a prefix of one: hex digits and -'),
});
export const assetKeyParamsSchema = z.object({
  key: z.string().min(1).max(500),
});

const positiveInt = z.coerce.number().int().min(0);
/** Milliseconds since the epoch, or an ISO 8601 date (`2024-05-01`, `2024-05-01T10:00:00Z`). */
const instant = z.union([
  z.string().regex(/^\d+$/, 'milliseconds since the epoch').transform(Number),
  z.string().regex(/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'an ISO 8601 date').transform((s, ctx) => {
    const ms = Date.parse(s);
    if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: `'${s}' is not a valid date` });
    return ms;
  }),
]);

export const runListQuerySchema = z.object({
  /** Repeatable (`status=FAILURE&status=CANCELED`) or comma-separated. */
  status: z.array(runStatusSchema).optional(),
  /** Runs that planned a step for this asset. */
  asset: z.string().min(1).optional(),
  trigger: runTriggerSchema.optional(),
  /** Created at or after. */
  since: instant.optional(),
  /** Created before. */
  until: instant.optional(),
  /** The `nextCursor` of the previous page (the id of its last run). */
  cursor: z.string().regex(/^[0-9a-f-]{36}$/, 'a full run id (the nextCursor of the previous page)').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type RunListQuery = z.input<typeof runListQuerySchema>;

export const eventPageQuerySchema = z.object({
  /** Only events with a larger id: how a view resumes. */
  afterId: positiveInt.default(0),
  /** Repeatable or comma-separated event types. */
  types: z.array(eventTypeSchema).optional(),
  step: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
export type EventPageQuery = z.input<typeof eventPageQuerySchema>;

export const eventStreamQuerySchema = z.object({
  /** Where to resume when there is no `Last-Event-ID` header (EventSource sends it by itself on reconnect). */
  afterId: positiveInt.optional(),
  types: z.array(eventTypeSchema).optional(),
  step: z.string().min(1).optional(),
});

export const assetDetailQuerySchema = z.object({
  /** Materializations per page. */
  limit: z.coerce.number().int().min(1).max(200).default(20),
  /** The `nextCursor` of the previous page: materializations with a smaller event id. */
  cursor: positiveInt.optional(),
  /** Evaluations per check. */
  checkLimit: z.coerce.number().int().min(1).max(200).default(20),
});

export const historyQuerySchema = z.object({
  /** The `nextCursor` of the previous page: items with a smaller event id. */
  before: positiveInt.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

export const checkHistoryQuerySchema = historyQuerySchema.extend({
  /** One check's evaluations; every check of the asset when absent. */
  check: z.string().min(1).optional(),
});

export const overviewQuerySchema = z.object({
  /** Days of the runs-per-day chart, today included. */
  days: z.coerce.number().int().min(1).max(90).default(14),
  /** Where "a day" starts: minutes east of UTC (the browser's `-new Date().getTimezoneOffset()`). */
  utcOffsetMinutes: z.coerce.number().int().min(-840).max(840).default(0),
  /** How many recent runs. */
  runs: z.coerce.number().int().min(1).max(50).default(10),
});

// Sizes a run's fields may have. A run's tags and selection are stored with it and sent back in every runs page, so
// what one request may store is bounded here, not only by the 1 MB body limit.
export const RUN_FIELD_LIMITS = { selectionChars: 2000, selectionParts: 100, stepKeys: 10_000, keyChars: 500, tags: 50, tagNameChars: 100, tagValueChars: 1000 } as const;
const selectionValue = z.union([z.string().max(RUN_FIELD_LIMITS.selectionChars), z.array(z.string().max(RUN_FIELD_LIMITS.selectionChars)).max(RUN_FIELD_LIMITS.selectionParts)]);
const stepKeysValue = z.array(z.string().min(1).max(RUN_FIELD_LIMITS.keyChars)).min(1).max(RUN_FIELD_LIMITS.stepKeys);
const tagsValue = z.record(z.string().min(1).max(RUN_FIELD_LIMITS.tagNameChars), z.string().max(RUN_FIELD_LIMITS.tagValueChars))
  .refine((tags) => Object.keys(tags).length <= RUN_FIELD_LIMITS.tags, { message: `at most ${RUN_FIELD_LIMITS.tags} tags` });
/** `?select=+orders&exclude=tag:slow`: the selection as the CLI's `--select` and `--exclude` take it. */
export const selectionQuerySchema = z.object({
  select: z.string().max(RUN_FIELD_LIMITS.selectionChars).optional(),
  exclude: z.string().max(RUN_FIELD_LIMITS.selectionChars).optional(),
});
export const launchRequestSchema = named('LaunchRequest', z.strictObject({
  /** dbt-style selection (`revenue+`, `tag:monthly`); everything when absent. */
  select: selectionValue.optional(),
  exclude: selectionValue.optional(),
  /** Exact asset keys; overrides select and exclude. */
  stepKeys: stepKeysValue.optional(),
  skipUnchanged: z.boolean().optional(),
  /** At most 50, names up to 100 characters, values up to 1,000. */
  tags: tagsValue.optional(),
  /** Who asks: the web UI sends `ui`. */
  trigger: z.enum(['ui', 'api', 'cli']).default('api'),
  /**
   * Values of the project's settings for this run only, by name (a `weir run` handed to `weir dev` sends the ones
   * its own environment resolved). Secret ones are masked in the run's events like any secret setting.
   */
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Steps run at once, for this run only (default: the server's setting). */
  concurrency: z.number().int().min(1).optional(),
  /** The partition of the selected partitioned assets (default: the latest complete one of time partitions). */
  partition: z.string().min(1).max(200).optional(),
}));
export type LaunchRequestBody = z.input<typeof launchRequestSchema>;

export const reexecuteRequestSchema = named('ReexecuteRequest', z.strictObject({
  /** `all`: the parent's steps; `from_failure`: its failed and skipped steps and what depends on them; `selected`: `stepKeys`. */
  mode: z.enum(['all', 'from_failure', 'selected']),
  stepKeys: stepKeysValue.optional(),
  skipUnchanged: z.boolean().optional(),
}).refine((b) => b.mode !== 'selected' || b.stepKeys, { message: "mode 'selected' needs stepKeys", path: ['stepKeys'] }));
export type ReexecuteRequestBody = z.input<typeof reexecuteRequestSchema>;

export const sessionQuerySchema = z.object({
  token: z.string().min(1).max(1000).optional(),
  /** Where to go after signing in with `?token=`: a path on this server. */
  next: z.string().max(2000).refine(isSameOriginPath, 'a path on this server: one leading /, no // or \\, no control characters (also not percent-encoded)').default('/'),
});
export const loginRequestSchema = named('LoginRequest', z.strictObject({ token: z.string().min(1).max(1000) }));

// ---------------------------------------------------------------------------------------------------------------
// Schedules (GET /api/schedules, POST /api/schedules/:name/pause|resume|run)
// ---------------------------------------------------------------------------------------------------------------

export const SCHEDULE_TICK_STATUS_VALUES = ['LAUNCHING', 'SUBMITTED', 'SKIPPED', 'FAILED'] as const;
export const scheduleTickStatusSchema = named('ScheduleTickStatus', z.enum(SCHEDULE_TICK_STATUS_VALUES));
export const scheduleTickSchema = named('ScheduleTick', z.object({
  /** The tick's instant, ISO 8601 UTC (what the run's `weir/tick` tag carries). */
  tickAt: z.string(),
  status: scheduleTickStatusSchema,
  /** CRON: its cron ticked; RUN_NOW: someone pressed "run now". */
  source: z.enum(['CRON', 'RUN_NOW']),
  runId: z.string().optional(),
  /** Why it was skipped or failed. */
  reason: z.string().optional(),
  decidedAt: z.string(),
}));
export type ApiScheduleTick = z.infer<typeof scheduleTickSchema>;

export const scheduleSchema = named('Schedule', z.object({
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  /** True when the schedule names no time zone and UTC was taken (the UI says so). */
  timezoneIsDefault: z.boolean(),
  /** The cron in words with its zone: 'At 06:00, on day 1 of the month, Europe/Brussels'. */
  description: z.string(),
  select: z.string(),
  catchup: z.union([z.literal('skip'), z.literal('latest'), z.object({ all: z.number() })]),
  tags: z.record(z.string(), z.string()),
  /** Where it is declared: schedule() in TypeScript, weir.yaml, or an asset's automation: { cron }. */
  origin: z.enum(['typescript', 'yaml', 'asset']),
  assetKey: z.string().optional(),
  state: z.enum(['RUNNING', 'PAUSED']),
  /** The next 5 ticks, ISO 8601 UTC, soonest first. */
  nextTicks: z.array(z.string()),
  /** The latest ticks, newest first. */
  lastTicks: z.array(scheduleTickSchema),
}));
export type ApiSchedule = z.infer<typeof scheduleSchema>;
export const scheduleListSchema = named('ScheduleList', z.object({ schedules: z.array(scheduleSchema) }));
export type ScheduleList = z.infer<typeof scheduleListSchema>;
export const scheduleNameParamsSchema = z.object({ name: z.string().min(1).max(400) });
export const scheduleStateResponseSchema = named('ScheduleStateChange', z.object({ name: z.string(), state: z.enum(['RUNNING', 'PAUSED']) }));
export const scheduleRunResponseSchema = named('ScheduleRunNow', z.object({ runId: z.string(), tickAt: z.string() }));
export const scheduleTickPageSchema = named('ScheduleTickPage', z.object({
  ticks: z.array(scheduleTickSchema.extend({ id: z.number() })),
  /** The `beforeId` of the next page; absent on the last. */
  nextBeforeId: z.number().optional(),
}));
export const scheduleTickQuerySchema = z.object({
  beforeId: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
// Backfills
// ---------------------------------------------------------------------------------------------------------------

export const BACKFILL_STATUS_VALUES = ['REQUESTED', 'RUNNING', 'CANCELING', 'CANCELED', 'COMPLETED', 'FAILED'] as const;
export const backfillStatusSchema = named('BackfillStatus', z.enum(BACKFILL_STATUS_VALUES));
/** A partition of a backfill: QUEUED until its run is launched, then as its run ended. */
export const BACKFILL_PARTITION_STATES = ['QUEUED', 'RUNNING', 'SUCCESS', 'FAILURE', 'CANCELED'] as const;
export const backfillPartitionStateSchema = named('BackfillPartitionState', z.enum(BACKFILL_PARTITION_STATES));

export const backfillSchema = named('Backfill', z.object({
  backfillId: z.string(),
  project: z.string(),
  /** As typed (`revenue+`), or null for everything. */
  selection: z.string().nullable(),
  /** The partitioned assets each partition's run materializes. */
  assetKeys: z.array(z.string()),
  /** What was asked: a key range and/or only missing or failed partitions; empty: all. */
  request: z.object({ from: z.string().optional(), to: z.string().optional(), only: z.enum(['missing', 'failed']).optional() }),
  concurrency: z.number().int(),
  status: backfillStatusSchema,
  /** Partitions in the backfill. */
  partitionCount: z.number().int(),
  /** Partitions launched so far. */
  cursor: z.number().int(),
  /** The backfill whose failed partitions this one re-runs. */
  parentBackfillId: z.string().nullable(),
  createdAt: z.number(),
  endedAt: z.number().nullable(),
  cancelRequestedAt: z.number().nullable(),
  error: z.string().nullable(),
  /** Partitions per state: queued are those not launched yet. */
  counts: z.object({ QUEUED: z.number().int(), RUNNING: z.number().int(), SUCCESS: z.number().int(), FAILURE: z.number().int(), CANCELED: z.number().int() }),
}));
export type ApiBackfill = z.infer<typeof backfillSchema>;

export const backfillListSchema = named('BackfillList', z.object({ backfills: z.array(backfillSchema) }));
export type BackfillList = z.infer<typeof backfillListSchema>;

/** Consecutive partitions of the backfill (in its order) in one state: never one row per partition unless they alternate. */
export const backfillPartitionRangeSchema = named('BackfillPartitionRange', z.object({
  fromIndex: z.number().int(),
  toIndex: z.number().int(),
  fromKey: z.string(),
  toKey: z.string(),
  /** Partitions in the range (the backfill may skip indices between fromIndex and toIndex). */
  count: z.number().int(),
  state: backfillPartitionStateSchema,
  /** The run, when the range is one launched partition. */
  runId: z.string().optional(),
}));

export const backfillDetailSchema = named('BackfillDetail', z.object({
  backfill: backfillSchema,
  ranges: z.array(backfillPartitionRangeSchema),
  /** True when there were more ranges than the answer holds (the rest are left out). */
  truncated: z.boolean(),
  /** Backfills that re-ran this one's failed partitions, newest first. */
  retries: z.array(z.string()),
}));
export type BackfillDetail = z.infer<typeof backfillDetailSchema>;

export const backfillStartedSchema = named('BackfillStarted', z.object({
  backfillId: z.string(),
  partitionCount: z.number().int(),
  assetKeys: z.array(z.string()),
  /** Selected assets without partitions: not part of the backfill's runs. */
  unpartitionedAssetKeys: z.array(z.string()),
}));
export const backfillCancelResponseSchema = named('BackfillCancelResponse', z.object({ backfillId: z.string(), status: backfillStatusSchema }));

export const backfillIdParamsSchema = z.object({
  id: z.string().regex(/^[0-9A-Fa-f-]{1,36}$/, 'a backfill id or a prefix of one: hex digits and -'),
});
const partitionKeyValue = z.string().min(1).max(RUN_FIELD_LIMITS.keyChars);
export const backfillRequestSchema = named('BackfillRequest', z.strictObject({
  /** Selection syntax of `weir run -s`; every asset when absent. */
  select: selectionValue.optional(),
  /** First and last partition keys, both included. */
  from: partitionKeyValue.optional(),
  to: partitionKeyValue.optional(),
  /** Only partitions without a successful materialization (missing or failed). */
  missing: z.boolean().optional(),
  /** Only partitions whose last materialization failed. */
  failed: z.boolean().optional(),
  /** Every partition (the default when nothing else is said). */
  all: z.boolean().optional(),
  /** Partitions' runs at once (default 4). */
  concurrency: z.number().int().min(1).max(64).optional(),
}).refine((b) => !(b.missing && b.failed), { message: 'missing and failed exclude each other', path: ['failed'] })
  .refine((b) => !(b.all && (b.missing || b.failed || b.from !== undefined || b.to !== undefined)), { message: 'all excludes from, to, missing and failed', path: ['all'] }));
export type BackfillRequestBody = z.input<typeof backfillRequestSchema>;
export const backfillListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const backfillDetailQuerySchema = z.object({
  /** At most this many ranges of partitions. */
  maxRanges: z.coerce.number().int().min(1).max(10_000).default(2_000),
});

// ---------------------------------------------------------------------------------------------------------------
// Drift guards: the API types and the domain types must stay the same shape.
// ---------------------------------------------------------------------------------------------------------------

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type _DriftGuards = [
  Assert<Same<ApiRun, Run>>,
  Assert<Same<z.infer<typeof stepSummarySchema>, StepSummary>>,
  Assert<Same<ApiMaterialization, StoredMaterialization>>,
  Assert<Same<ApiCheckEvaluation, StoredCheckEvaluation>>,
  Assert<Same<z.infer<typeof observationSchema>, StoredObservation>>,
  // Stored events must fit the API's event type (the other way, `{}` vs `Record<string, never>` differ harmlessly).
  Assert<EventRecord extends ApiEventRecord ? true : false>,
  Assert<Same<z.infer<typeof scheduleTickStatusSchema>, ScheduleTickStatus>>,
];

// ---- Sensors and webhooks (GET /api/sensors, POST /api/sensors/:name/pause|resume, POST /api/webhooks/:name) ----

export const sensorEvaluationSchema = named('SensorEvaluation', z.object({
  startedAt: z.number(),
  durationMs: z.number(),
  /** REQUESTED (runs launched), SKIPPED, ERROR, REJECTED (a webhook call with a wrong or missing signature). */
  status: z.enum(SENSOR_EVALUATION_STATUSES),
  runIds: z.array(z.string()),
  error: z.string().optional(),
  reason: z.string().optional(),
  /** Took longer than its interval (or a minute): reported, never cut off. */
  slow: z.boolean(),
}));

export const sensorSummarySchema = named('SensorSummary', z.object({
  name: z.string(),
  /** custom, files, sql, asset, run_status */
  type: z.string(),
  /** As written, e.g. `30s`. */
  interval: z.string(),
  intervalMs: z.number(),
  /** Null: every asset. */
  select: z.string().nullable(),
  state: z.enum(SENSOR_STATES),
  description: z.string().optional(),
  /** What it watches, in words: `inbox/*.xlsx`, the query, the asset, the status. */
  target: z.string().optional(),
  /** When it is next due (ms since the epoch); null when paused. */
  nextEvaluationAt: z.number().nullable(),
  /** Newest first. */
  lastEvaluations: z.array(sensorEvaluationSchema),
}));

export const webhookSummarySchema = named('WebhookSummary', z.object({
  name: z.string(),
  select: z.string().nullable(),
  /** The name of the secret setting holding the HMAC key (never its value). */
  secretSetting: z.string(),
  /** `POST` here with `X-Weir-Signature: sha256=<hex of HMAC-SHA256(raw body)>`. */
  path: z.string(),
  /** Newest first: accepted and rejected calls. */
  lastCalls: z.array(sensorEvaluationSchema),
}));

export const sensorListSchema = named('SensorList', z.object({ sensors: z.array(sensorSummarySchema), webhooks: z.array(webhookSummarySchema) }));
export const sensorNameParamsSchema = z.object({ name: z.string().min(1) });
export const sensorStateResponseSchema = named('SensorStateResponse', z.object({ name: z.string(), state: z.enum(SENSOR_STATES) }));
export type SensorList = z.infer<typeof sensorListSchema>;
export type SensorStateResponse = z.infer<typeof sensorStateResponseSchema>;
// ---------------------------------------------------------------------------------------------------------------
// Alerts
// ---------------------------------------------------------------------------------------------------------------

export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'ACCEPTED', 'FAILED'] as const;

export const alertsSchema = named('Alerts', z.object({
  /** Declared channels: never their URL, token or password. */
  channels: z.array(z.object({
    name: z.string(),
    type: z.enum(['teams', 'slack', 'ntfy', 'webhook', 'email']),
    enabled: z.boolean(),
    /** Why it is disabled: `setting 'teams_url' has no value (set TEAMS_URL)`. */
    disabledReason: z.string().optional(),
  })),
  rules: z.array(z.object({
    name: z.string(),
    on: z.array(z.string()),
    channels: z.array(z.string()),
    select: z.string().optional(),
    tags: z.record(z.string(), z.string()).optional(),
    group: z.string().optional(),
    owner: z.string().optional(),
    severity: z.enum(['error', 'warn']).optional(),
    runLongerThanMs: z.number().optional(),
    repeatMs: z.number().optional(),
  })),
  /** Recent deliveries, newest first. */
  deliveries: z.array(z.object({
    id: z.string(),
    channel: z.string(),
    rule: z.string(),
    /** What it is about: run_failed, check_failed, …, and whether it says the problem is over. */
    kind: z.string(),
    state: z.enum(['problem', 'resolved', 'info', 'test']),
    subject: z.string(),
    title: z.string(),
    line: z.string(),
    runId: z.string().optional(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number(),
    /** The last attempt's error, secrets masked. */
    error: z.string().optional(),
    /** When it was last attempted (or created, before its first attempt). */
    at: z.number(),
    createdAt: z.number(),
    /** PENDING: when the next attempt is due. */
    nextAttemptAt: z.number().optional(),
  })),
}), 'Alert channels (never their URLs or tokens), rules, and recent deliveries with their status and error.');
export type Alerts = z.infer<typeof alertsSchema>;
export type AlertDeliveryView = Alerts['deliveries'][number];
// ---------------------------------------------------------------------------------------------------------------
// Partitions [partitions]

export const partitionsQuerySchema = z.object({
  /** The first partition key to cover (default: the first partition). */
  from: z.string().min(1).max(200).optional(),
  /** The last partition key to cover, included (default: the last complete one). */
  to: z.string().min(1).max(200).optional(),
  /** The window by index instead (0 = the first partition), e.g. for the keys of a selection in the partition strip. */
  fromIndex: z.coerce.number().int().min(0).optional(),
  toIndex: z.coerce.number().int().min(0).optional(),
});

const partitionStatusValue = z.enum(['MATERIALIZED', 'FAILED', 'MISSING', 'RUNNING']);

export const partitionsResponseSchema = named('AssetPartitions', z.object({
  definition: z.object({
    kind: z.enum(['time', 'static', 'multi']),
    unit: z.enum(['hour', 'day', 'week', 'month']).optional(),
    timezone: z.string().optional(),
    dimensions: z.array(z.object({
      name: z.string(), kind: z.enum(['time', 'static']), unit: z.enum(['hour', 'day', 'week', 'month']).optional(), timezone: z.string().optional(), count: z.number().int(),
    })).optional(),
    /** How many partitions exist now. */
    count: z.number().int(),
    /** In words: "monthly partitions from 2025-01 (Europe/Brussels)". */
    label: z.string(),
  }),
  /** Runs of equal status covering from … to without a gap, never one row per partition. */
  ranges: z.array(z.object({
    fromIndex: z.number().int(), toIndex: z.number().int(), fromKey: z.string(), toKey: z.string(), status: partitionStatusValue,
  })),
}), "An asset's partitions and their status as ranges of equal status");
export type AssetPartitions = z.infer<typeof partitionsResponseSchema>;
