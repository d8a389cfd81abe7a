/**
 * Executes a plan: drives the ActiveRun state machine with a pool of concurrent steps, retries with backoff,
 * per-step timeouts and cancellation, and emits every event as it happens. Its only output is events.
 */
import { existsSync } from 'node:fs';
import type { AssetDefinition } from '../definitions/asset.js';
import type { Definitions } from '../definitions/definitions.js';
import type { ExternalAssetDefinition } from '../definitions/external-asset.js';
import type { Logger, TriggerContext } from '../definitions/asset-context.js';
import { EventType, FAIL_REASON_LABELS, RunStatus, skipReasonText, type ErrorInfo, type EventDataByType, type LogLevel, type NewEvent } from '../events/index.js';
import type { Storage, StoredMaterialization } from '../storage/storage.js';
import type { WarehouseAccess } from './warehouse-access.js';
import { formatDuration } from '../shared/duration.js';
import { stringifyJson } from '../shared/json.js';
import { plural } from '../shared/plural.js';
import { ActiveRun, type FailReason, type SkippedStep } from './active-run.js';
import { runAssetAttempt, StepAborted } from './asset-step.js';
import { assetLockKey, assetLocksFor } from './asset-locks.js';
import { installConsoleCapture } from './console-capture.js';
import { computeDataVersion, type UpstreamVersion } from './data-version.js';
import { toErrorInfo } from './error-info.js';
import type { EventSink } from './event-sink.js';
import type { ExecutionPlan, PlannedStep } from './execution-plan.js';
import { auditExternalRelation, observationMessage, observeExternalFile, observeExternalRelation } from './observe-step.js';
import { filePathOf, inputValueOf, relationOf } from './published-location.js';
import { SessionPool } from './session-pool.js';
import { partitionInputValue } from './partition-inputs.js';
import { upstreamPartitions } from '../definitions/partition-mapping.js';
import type { PartitionContext } from '../definitions/partitions.js';

export interface ExecuteRunOptions {
  runId: string;
  definitions: Definitions;
  plan: ExecutionPlan;
  storage: Storage;
  warehouse: WarehouseAccess;
  sink: EventSink;
  concurrency?: number;
  /** Aborting it cancels the run: running steps are interrupted, pending ones skipped. */
  signal?: AbortSignal;
  /** Reuse an asset whose code and inputs are unchanged since its last materialization. */
  skipUnchanged?: boolean;
  resources?: Record<string, unknown>;
  /** What launched the run, for `ctx.trigger`. */
  trigger?: TriggerContext;
  /** The partition every partitioned asset of the run materializes (resolved by launchRun: see run-partition.ts). */
  partition?: string;
  /** The clock partitions are judged by (which exist, their windows): the run's creation time. */
  nowMs?: number;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  durationMs: number;
  succeeded: string[];
  failed: string[];
  skipped: string[];
  reused: string[];
}

type StepEnd = { outcome: 'succeeded' } | { outcome: 'reused' } | { outcome: 'failed'; reason: FailReason };


class RunExecution {
  private readonly active: ActiveRun;
  private readonly assets = new Map<string, AssetDefinition>();
  private readonly externals = new Map<string, ExternalAssetDefinition>();
  /** Data versions known so far: from this run's steps, else the latest stored. */
  private readonly versions = new Map<string, UpstreamVersion>();
  private readonly latest = new Map<string, StoredMaterialization>();
  private readonly pool: SessionPool;
  private readonly runController = new AbortController();
  private canceled = false;
  /** Set when execute() begins: every step's `ctx.runStartedAt`. */
  private startedAt = Date.now();

  constructor(private readonly options: ExecuteRunOptions) {
    this.active = new ActiveRun(options.plan);
    for (const a of options.definitions.assets) this.assets.set(a.key, a);
    for (const e of options.definitions.externals) this.externals.set(e.key, e);
    this.pool = new SessionPool(() => options.warehouse.connect());
  }

  private get project() {
    return this.options.definitions.project;
  }

  private emit<T extends EventType>(type: T, stepKey: string | null, message: string, data: EventDataByType[T]) {
    return this.options.sink.emit({ runId: this.options.runId, project: this.project.name, type, stepKey, timestamp: Date.now(), message, data } as NewEvent);
  }

  private logger(stepKey: string | null): { log: Logger; line: (level: LogLevel, message: string) => void } {
    const line = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
      // Not awaited (a step's log call returns nothing): the sink batches lines and bounds its memory itself.
      this.options.sink.enqueue({
        runId: this.options.runId, project: this.project.name, type: EventType.LOG, stepKey, timestamp: Date.now(), message,
        data: fields ? { level, fields: JSON.parse(stringifyJson(fields)) } : { level },
      });
    };
    return {
      line,
      log: { debug: (m, f) => line('debug', m, f), info: (m, f) => line('info', m, f), warn: (m, f) => line('warn', m, f), error: (m, f) => line('error', m, f) },
    };
  }

  async execute(): Promise<RunResult> {
    const started = Date.now();
    this.startedAt = started;
    const { signal } = this.options;
    const onAbort = () => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const restoreConsole = installConsoleCapture();
    const concurrency = Math.max(1, this.options.concurrency ?? this.project.concurrency);
    await this.emit(EventType.RUN_START, null, `Run started: ${plural(this.options.plan.steps.length, 'step')}, up to ${concurrency} at once`, {
      stepKeys: this.options.plan.steps.map((s) => s.key), concurrency,
    });
    let runError: ErrorInfo | undefined;
    try {
      await this.loadLatest();
      if (signal?.aborted) this.cancel();
      const running = new Map<string, Promise<void>>();
      while (!this.active.isComplete()) {
        if (!this.canceled) {
          for (const step of this.active.startable()) {
            if (running.size >= concurrency) break;
            this.active.start(step.key);
            const promise = this.runStep(step).then((end) => this.finishStep(step, end)).finally(() => running.delete(step.key));
            running.set(step.key, promise);
          }
        }
        if (!running.size) break;
        await Promise.race(running.values());
      }
    } catch (error) {
      runError = toErrorInfo(error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      restoreConsole();
      await this.pool.close();
    }
    return this.finishRun(started, runError);
  }

  private cancel(): void {
    if (this.canceled) return;
    this.canceled = true;
    void this.emit(EventType.RUN_CANCELING, null, 'Cancelling: interrupting running steps', {});
    this.runController.abort({ weirReason: 'canceled' });
    for (const skipped of this.active.cancelPending()) void this.emitSkipped(skipped);
  }

  private async loadLatest(): Promise<void> {
    const keys = new Set<string>();
    for (const step of this.options.plan.steps) {
      keys.add(step.key);
      for (const up of this.assets.get(step.key)?.upstream ?? []) keys.add(up);
    }
    const [materializations, observations] = await Promise.all([
      this.options.storage.events.latestMaterializations(this.project.name, [...keys]),
      this.options.storage.events.latestObservations(this.project.name, [...keys]),
    ]);
    for (const [key, m] of materializations) {
      this.latest.set(key, m);
      this.versions.set(key, { assetKey: key, dataVersion: m.dataVersion, eventId: m.eventId });
    }
    for (const [key, o] of observations) this.versions.set(key, { assetKey: key, dataVersion: o.hash, eventId: o.eventId });
  }

  /** The partition a partitioned asset materializes in this run; undefined for an unpartitioned one. */
  private partitionOf(definition: AssetDefinition): PartitionContext | undefined {
    if (!definition.partitions) return undefined;
    const { partition } = this.options;
    if (partition === undefined) throw new Error(`executeRun: asset '${definition.key}' is partitioned and the run has no partition (launchRun resolves one)`);
    return definition.partitions.context(partition, this.options.nowMs ?? Date.now());
  }

  private async runStep(step: PlannedStep): Promise<StepEnd> {
    if (step.kind === 'observe') return this.runObserve(step);
    const definition = this.assets.get(step.key)!;
    const partition = this.partitionOf(definition);
    const upstream = definition.upstream.map((key) => this.versions.get(key) ?? { assetKey: key, dataVersion: 'unknown' });
    const dataVersion = computeDataVersion(definition.codeVersion, upstream);
    // Reuse compares with the asset's latest materialization, which for a partitioned asset may be another partition.
    if (this.options.skipUnchanged && !partition && (await this.isUnchanged(definition, dataVersion))) {
      const reused = this.latest.get(definition.key)!;
      this.active.reuse(step.key);
      this.versions.set(step.key, { assetKey: step.key, dataVersion, eventId: reused.eventId });
      const data = { reason: 'unchanged', reusedEventId: reused.eventId, reusedRunId: reused.runId } as const;
      await this.emit(EventType.STEP_SKIPPED, step.key, skipReasonText(data), data);
      return { outcome: 'reused' };
    }
    if (this.options.skipUnchanged && partition) {
      // Said, not silently ignored: reuse is judged per asset today, and another partition's data says nothing here.
      this.logger(step.key).line('warn', `--skip-unchanged does not apply to partitioned assets yet: ${step.key} [${partition.key}] is rebuilt`);
    }
    const missing = this.missingUpstream(definition, step) ?? (partition ? await this.missingUpstreamPartition(definition, step, partition) : undefined);
    if (missing) {
      await this.emit(EventType.STEP_START, step.key, `Started ${step.key}`, { attempt: 1, kind: 'asset' });
      return this.stepFailed(step.key, 1, 0, 'error', { message: missing, code: 'UPSTREAM_NEVER_MATERIALIZED' });
    }
    // Two runs of different partitions of one asset work side by side; each publish takes the asset-wide lock too.
    return this.withAssetLock(step.key, () => this.runAttempts(step, definition, upstream, dataVersion, partition), partition?.key);
  }

  /**
   * Runs `body` holding the asset's lock in this warehouse: another run of this process materializing the same asset
   * is waited for (and said so in the step's log) instead of failing with DuckDB's write-write conflict.
   */
  private async withAssetLock(key: string, body: () => Promise<StepEnd>, partition?: string): Promise<StepEnd> {
    const { log } = this.logger(key);
    let holder: string | undefined;
    let release: () => void;
    try {
      release = await assetLocksFor(this.options.warehouse).acquire(assetLockKey(key, partition), this.options.runId, {
        signal: this.runController.signal,
        onWait: (runId) => { holder = runId; log.info(`waiting for run ${runId.slice(0, 8)} to finish ${key}`, { waitingForRun: runId }); },
      });
    } catch (error) {
      if (!this.runController.signal.aborted) throw error;
      await this.emit(EventType.STEP_START, key, `Started ${key}`, { attempt: 1, kind: 'asset' });
      return this.stepFailed(key, 1, 0, 'canceled', { message: `cancelled while waiting for run ${holder?.slice(0, 8) ?? '?'} to finish it; nothing was published`, code: 'CANCELED' });
    }
    try {
      return await body();
    } finally {
      release();
    }
  }

  /** An upstream asset outside this run that was never published: say so instead of a raw SQL error. */
  private missingUpstream(definition: AssetDefinition, step: PlannedStep): string | undefined {
    for (const key of definition.upstream) {
      if (step.upstream.includes(key) || this.versions.has(key)) continue;
      const upstream = this.assets.get(key);
      if (upstream?.io.kind === 'file' && existsSync(filePathOf(this.project, upstream.io.path, key))) continue;
      return `${step.key} reads '${key}', which has never been materialized. Run it too: weir run -s +${step.key}`;
    }
    return undefined;
  }

  /**
   * A partition an input maps to that was never materialized (and is not made by this run): said at once, instead of
   * publishing a month computed from an empty subquery. Partitions outside the upstream definition (the month
   * before the first) are not missing: the mapping reads none.
   */
  private async missingUpstreamPartition(definition: AssetDefinition, step: PlannedStep, partition: PartitionContext): Promise<string | undefined> {
    const nowMs = this.options.nowMs ?? Date.now();
    for (const dependency of definition.dependencies) {
      const upstream = this.assets.get(dependency.key);
      if (!upstream?.partitions || dependency.partitions.kind === 'all') continue;
      const mapped = upstreamPartitions(dependency.partitions, definition.partitions, partition.key, upstream.partitions, nowMs);
      if (mapped.kind !== 'keys') continue;
      for (const key of mapped.keys) {
        // This run materializes its own partition of an upstream step before this one starts.
        if (key === partition.key && step.upstream.includes(dependency.key)) continue;
        if (await this.options.storage.events.latestPartitionMaterialization(this.project.name, dependency.key, key)) continue;
        const what = dependency.input ? `input '${dependency.input}'` : 'dep';
        return `${step.key} [${partition.key}] reads partition ${key} of '${dependency.key}' (${what}), which has never been materialized. Run it first: weir run -s ${dependency.key} --partition ${key}`;
      }
    }
    return undefined;
  }

  private async isUnchanged(definition: AssetDefinition, dataVersion: string): Promise<boolean> {
    const latest = this.latest.get(definition.key);
    if (!latest || latest.dataVersion !== dataVersion) return false;
    if (definition.io.kind === 'file') return existsSync(filePathOf(this.project, definition.io.path, definition.key));
    return this.options.warehouse.hasTable(definition.io.schema, definition.io.name);
  }

  private async runObserve(step: PlannedStep): Promise<StepEnd> {
    const started = performance.now();
    const definition = this.externals.get(step.key)!;
    await this.emit(EventType.STEP_START, step.key, `Observing input ${step.key}`, { attempt: 1, kind: 'observe' });
    // A relation (a dbt source) is observed in the warehouse and its checks run on it there; a file is hashed.
    const session = definition.relation ? await this.pool.acquire() : undefined;
    try {
      const signal = this.runController.signal;
      const observation = session ? await observeExternalRelation(session, definition, { signal }) : await observeExternalFile(this.project, definition);
      const record = await this.emit(EventType.ASSET_OBSERVATION, step.key, observationMessage(observation), observation);
      this.versions.set(step.key, { assetKey: step.key, dataVersion: observation.hash, eventId: record.id });
      const failed = session ? await auditExternalRelation(definition, {
        session, signal,
        relationOfKey: (key) => {
          const target = this.assets.get(key) ?? this.externals.get(key);
          return target ? relationOf(this.project, target) : key;
        },
        onCheck: async (evaluation) => { await this.emit(EventType.ASSET_CHECK_EVALUATION, step.key, evaluation.message, evaluation); },
      }) : [];
      const durationMs = Math.round(performance.now() - started);
      if (failed.length) {
        const names = failed.map((f) => f.checkName).join(', ');
        return this.stepFailed(step.key, 1, durationMs, 'check_failed', { message: `blocking check${failed.length > 1 ? 's' : ''} failed: ${names}. Weir does not write inputs: what reads ${step.key} is skipped.`, code: 'CHECK_FAILED' });
      }
      await this.emit(EventType.STEP_SUCCESS, step.key, `${step.key} observed in ${formatDuration(durationMs)}`, { attempt: 1, durationMs });
      return { outcome: 'succeeded' };
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      if (this.runController.signal.aborted) return this.stepFailed(step.key, 1, durationMs, 'canceled', { message: 'cancelled while observing', code: 'CANCELED' });
      return this.stepFailed(step.key, 1, durationMs, 'error', toErrorInfo(error, this.project.root));
    } finally {
      if (session) this.pool.release(session);
    }
  }

  /** The asset-wide lock, taken inside a partition's lock for the moment its rows are swapped. */
  private assetWideLock(key: string): <T>(body: () => Promise<T>) => Promise<T> {
    return async (body) => {
      const release = await assetLocksFor(this.options.warehouse).acquire(assetLockKey(key), this.options.runId, { signal: this.runController.signal });
      try {
        return await body();
      } finally {
        release();
      }
    };
  }

  private async runAttempts(step: PlannedStep, definition: AssetDefinition, upstream: UpstreamVersion[], dataVersion: string, partition?: PartitionContext): Promise<StepEnd> {
    const inputValues: Record<string, string> = {};
    try {
      for (const input of definition.inputs) {
        const upstreamDefinition = this.assets.get(input.key) ?? this.externals.get(input.key)!;
        inputValues[input.name] = definition.partitions || ('io' in upstreamDefinition && upstreamDefinition.partitions)
          ? partitionInputValue(this.project, input, definition, partition, upstreamDefinition, this.options.nowMs ?? Date.now())
          : inputValueOf(this.project, upstreamDefinition);
      }
    } catch (error) {
      // An input that cannot be given (a file input mapped to no partition) fails this step, not the whole run.
      await this.emit(EventType.STEP_START, step.key, `Started ${step.key}`, { attempt: 1, kind: 'asset' });
      return this.stepFailed(step.key, 1, 0, 'error', toErrorInfo(error));
    }
    const { log, line } = this.logger(step.key);
    // An emptied input is refused against the last materialization of the same partition (another month says nothing).
    const previous = partition
      ? await this.options.storage.events.latestPartitionMaterialization(this.project.name, step.key, partition.key)
      : this.latest.get(step.key);
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      await this.emit(EventType.STEP_START, step.key, attempt === 1 ? `Started ${step.key}` : `Started ${step.key} (attempt ${attempt})`, { attempt, kind: 'asset' });
      const controller = new AbortController();
      const abortFromRun = () => controller.abort({ weirReason: 'canceled' });
      this.runController.signal.addEventListener('abort', abortFromRun, { once: true });
      const timer = definition.timeoutMs === undefined ? undefined : setTimeout(() => controller.abort({ weirReason: 'timeout' }), definition.timeoutMs);
      const session = await this.pool.acquire();
      try {
        const outcome = await runAssetAttempt({
          project: this.project, runId: this.options.runId, runStartedAt: this.startedAt, definition, attempt, session, inputValues, upstream, dataVersion,
          previous,
          ...(partition ? { partition, withAssetLock: this.assetWideLock(step.key) } : {}),
          resources: this.options.resources ?? this.options.definitions.resources ?? {}, trigger: this.options.trigger, signal: controller.signal, log, logLine: line,
          relationOfKey: (key) => {
            const target = this.assets.get(key) ?? this.externals.get(key);
            return target ? relationOf(this.project, target) : key;
          },
          onCheck: async (evaluation) => {
            const data = partition ? { ...evaluation, partition: partition.key } : evaluation;
            await this.emit(EventType.ASSET_CHECK_EVALUATION, step.key, partition ? `[${partition.key}] ${evaluation.message}` : evaluation.message, data);
          },
        });
        const durationMs = Math.round(performance.now() - started);
        if (outcome.kind === 'check_failed') {
          const names = outcome.failed.map((f) => f.checkName).join(', ');
          const kept = outcome.published
            ? ' It was published before its checks ran (publish-then-test, as dbt does); downstream steps are skipped.'
            : outcome.auditRelation ? ` The failing data is kept in ${outcome.auditRelation}; the published data is unchanged.` : ' The published data is unchanged.';
          return this.stepFailed(step.key, attempt, durationMs, 'check_failed', { message: `blocking check${outcome.failed.length > 1 ? 's' : ''} failed: ${names}.${kept}`, code: 'CHECK_FAILED' });
        }
        const m = outcome.materialization;
        const record = await this.emit(EventType.ASSET_MATERIALIZATION, step.key,
          `Materialized ${m.storage.location}${m.rowCount === null ? '' : `: ${plural(m.rowCount, 'row')}`}`, m);
        this.versions.set(step.key, { assetKey: step.key, dataVersion, eventId: record.id });
        await this.emit(EventType.STEP_SUCCESS, step.key, `${step.key} succeeded in ${formatDuration(durationMs)}`, { attempt, durationMs });
        return { outcome: 'succeeded' };
      } catch (error) {
        const durationMs = Math.round(performance.now() - started);
        if (error instanceof StepAborted) {
          if (error.reason === 'canceled') return this.stepFailed(step.key, attempt, durationMs, 'canceled', { message: 'cancelled while running; nothing was published', code: 'CANCELED' });
        }
        const info = error instanceof StepAborted
          ? { message: `timed out after ${formatDuration(definition.timeoutMs ?? 0)}; nothing was published`, code: 'TIMEOUT' }
          : toErrorInfo(error, this.project.root);
        if (attempt <= definition.retry.max && !this.canceled) {
          const delayMs = definition.retry.backoff === 'exponential' ? definition.retry.delayMs * 2 ** (attempt - 1) : definition.retry.delayMs;
          await this.emit(EventType.STEP_UP_FOR_RETRY, step.key, `${step.key} failed (${info.message.split('\n')[0]}); retrying in ${formatDuration(delayMs)} (attempt ${attempt + 1} of ${definition.retry.max + 1})`, {
            attempt, nextAttempt: attempt + 1, delayMs, error: info,
          });
          if (await this.sleep(delayMs)) continue;
          return this.stepFailed(step.key, attempt, durationMs, 'canceled', { message: 'cancelled while waiting to retry', code: 'CANCELED' });
        }
        return this.stepFailed(step.key, attempt, durationMs, error instanceof StepAborted ? 'timeout' : 'error', info);
      } finally {
        clearTimeout(timer);
        this.runController.signal.removeEventListener('abort', abortFromRun);
        this.pool.release(session);
      }
    }
  }

  /** Resolves true after the delay, false if the run is cancelled first. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.runController.signal.aborted) return resolve(false);
      const timer = setTimeout(() => { this.runController.signal.removeEventListener('abort', onAbort); resolve(true); }, ms);
      const onAbort = () => { clearTimeout(timer); resolve(false); };
      this.runController.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async stepFailed(key: string, attempt: number, durationMs: number, reason: FailReason, error: ErrorInfo): Promise<StepEnd> {
    await this.emit(EventType.STEP_FAILURE, key, `${key} ${FAIL_REASON_LABELS[reason]}: ${error.message}`, { attempt, durationMs, error, reason });
    return { outcome: 'failed', reason };
  }

  private async finishStep(step: PlannedStep, end: StepEnd): Promise<void> {
    if (end.outcome === 'reused') return;
    if (end.outcome === 'succeeded') {
      this.active.succeed(step.key);
      return;
    }
    for (const skipped of this.active.fail(step.key, end.reason)) await this.emitSkipped(skipped);
  }

  private emitSkipped(skipped: SkippedStep) {
    const data = { reason: skipped.reason, blockedBy: skipped.blockedBy };
    return this.emit(EventType.STEP_SKIPPED, skipped.key, `skipped: ${skipReasonText(data)}`, data);
  }

  private async finishRun(started: number, runError?: ErrorInfo): Promise<RunResult> {
    const buckets = this.active.buckets();
    const durationMs = Date.now() - started;
    const data = { durationMs, succeeded: buckets.succeeded, failed: buckets.failed, skipped: buckets.skipped, ...(runError ? { error: runError } : {}) };
    let status: RunStatus;
    if (this.canceled) {
      status = RunStatus.CANCELED;
      await this.emit(EventType.RUN_CANCELED, null, `Run cancelled after ${formatDuration(durationMs)}`, { ...data, canceled: buckets.skipped });
    } else if (this.active.isSuccess() && !runError) {
      status = RunStatus.SUCCESS;
      await this.emit(EventType.RUN_SUCCESS, null, `Run succeeded in ${formatDuration(durationMs)}: ${plural(buckets.succeeded.length, 'step')}${buckets.reused.length ? `, ${buckets.reused.length} reused` : ''}`, data);
    } else {
      status = RunStatus.FAILURE;
      const parts = [`${buckets.failed.length} failed (${buckets.failed.join(', ')})`];
      if (buckets.skipped.length) parts.push(`${buckets.skipped.length} skipped (${buckets.skipped.join(', ')})`);
      if (buckets.pending.length || buckets.running.length) parts.push(`unfinished: ${[...buckets.pending, ...buckets.running].join(', ')}`);
      await this.emit(EventType.RUN_FAILURE, null, `Run failed after ${formatDuration(durationMs)}: ${runError ? runError.message : parts.join('; ')}`, data);
    }
    await this.options.sink.flush();
    return { runId: this.options.runId, status, durationMs, succeeded: buckets.succeeded, failed: buckets.failed, skipped: buckets.skipped, reused: buckets.reused };
  }
}

export function executeRun(options: ExecuteRunOptions): Promise<RunResult> {
  return new RunExecution(options).execute();
}
