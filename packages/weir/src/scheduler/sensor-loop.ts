/**
 * The sensor evaluator loop: at each pass, evaluates the sensors that are due (sensor-decider.ts), launches the runs
 * they request at once, and records each evaluation with its cursor, duration, result, error and run ids.
 */
import type { Logger } from '../definitions/asset-context.js';
import type { SensorDefinition } from '../definitions/sensor.js';
import type { SensorStateRecord } from '../events/index.js';
import { projectRedactor } from '../engine/launch-run.js';
import type { BackgroundLoop } from '../shared/background-loop.js';
import { errorMessage } from '../shared/errors.js';
import type { AutomationDeps } from './automation-deps.js';
import { evaluateSensor, type SensorEvaluationOutput } from './builtin-sensors.js';
import { decideEvaluation, dueSensors, slowAfterMs, type EvaluationDecision } from './sensor-decider.js';

/** How often the loop looks for due sensors; each sensor has its own interval on top. */
export const SENSOR_LOOP_INTERVAL_MS = 1000;
/** Evaluations running at once: a slow sensor must not hold up the others. */
export const SENSOR_EVALUATION_CONCURRENCY = 8;
/**
 * How long a pass waits for its evaluations. One still running then goes on in the background (it is reported slow,
 * never cut off) and its sensor is not due again until it has ended; the other sensors get their next pass.
 */
export const SENSOR_PASS_WAIT_MS = 5000;

/** What the sensor loop needs of AutomationDeps. */
export type SensorLoopDeps = Pick<AutomationDeps, 'project' | 'storage' | 'launcher' | 'warehouse' | 'log'>;

export interface SensorLoop extends BackgroundLoop {
  /** Resolves when no evaluation is running (those a pass left in the background included): for shutdown and tests. */
  settled(): Promise<void>;
}

/**
 * `passWaitMs`: how long a pass waits for its evaluations (default SENSOR_PASS_WAIT_MS).
 *
 * @example
 * const loop = createSensorLoop(deps);
 * await loop.runOnce(Date.now(), signal) // evaluates the due sensors, launches what they request, records each evaluation
 */
export function createSensorLoop(deps: SensorLoopDeps, options: { passWaitMs?: number } = {}): SensorLoop {
  const passWaitMs = options.passWaitMs ?? SENSOR_PASS_WAIT_MS;
  const inFlight = new Map<string, Promise<void>>();
  // When each running evaluation started (performance.now()) and whether its slowness was already reported.
  const running = new Map<string, { startedAt: number; intervalMs: number; reported: boolean }>();

  /** An evaluation still running past its slow limit is reported at once (and again when it ends, on its record). */
  function reportStillRunning(): void {
    for (const [name, entry] of running) {
      const elapsed = performance.now() - entry.startedAt;
      if (entry.reported || elapsed <= slowAfterMs(entry.intervalMs)) continue;
      entry.reported = true;
      deps.log({ level: 'warn', loop: 'sensors', message: `sensor ${name} is still evaluating after ${Math.round(elapsed / 1000)} s (interval ${Math.round(entry.intervalMs / 1000)} s); its next evaluation waits for it`, fields: { sensor: name, elapsedMs: Math.round(elapsed) } });
    }
  }

  async function evaluateOne(sensor: SensorDefinition, state: SensorStateRecord | undefined, nowMs: number, signal: AbortSignal): Promise<void> {
    const { definitions } = deps.project();
    const project = definitions.project.name;
    const redact = projectRedactor(definitions);
    const started = performance.now();
    running.set(sensor.name, { startedAt: started, intervalMs: sensor.intervalMs, reported: false });
    let output: SensorEvaluationOutput | undefined;
    let thrown: string | undefined;
    try {
      output = await evaluateSensor(sensor, {
        project, projectRoot: definitions.project.root, settings: definitions.project.settings,
        cursor: state?.cursor ?? undefined, lastEvaluatedAt: state?.lastEvaluationStartedAt ?? undefined, nowMs,
        storage: deps.storage, warehouse: deps.warehouse, log: sensorLogger(deps, sensor.name, redact), signal,
      });
    } catch (error) {
      thrown = redact(errorMessage(error));
    }
    const durationMs = Math.round(performance.now() - started);
    running.delete(sensor.name);
    const decision = decideEvaluation(sensor, { result: output?.result, error: thrown, durationMs });
    const { runIds, launchError } = await launchAll(deps, decision);
    const failed = decision.error ?? launchError;
    // A failed launch leaves cursor and processed items where they were: the next evaluation asks again.
    await deps.storage.sensors.recordEvaluation({
      project, sensorName: sensor.name, startedAt: nowMs, durationMs, status: failed !== undefined ? 'ERROR' : decision.status, runIds,
      slow: decision.slow, ...(decision.reason ? { reason: redact(decision.reason) } : {}), ...(failed !== undefined ? { error: failed } : {}),
      ...(failed === undefined && decision.cursor !== undefined ? { cursor: decision.cursor } : {}),
      ...(failed === undefined && output?.processed?.length ? { processed: output.processed } : {}),
    });
    if (decision.slow) deps.log({ level: 'warn', loop: 'sensors', message: `sensor ${sensor.name}: ${decision.reason}`, fields: { sensor: sensor.name, durationMs } });
    if (runIds.length) deps.log({ level: 'info', loop: 'sensors', message: `sensor ${sensor.name} launched ${runIds.length} run${runIds.length === 1 ? '' : 's'}`, fields: { sensor: sensor.name, runIds } });
    await alertOnChange(deps, project, sensor.name, state, failed, nowMs);
  }

  return {
    name: 'sensors',
    intervalMs: SENSOR_LOOP_INTERVAL_MS,
    async runOnce(nowMs, signal) {
      reportStillRunning();
      const { definitions } = deps.project();
      const sensors = definitions.sensors ?? [];
      if (!sensors.length) return;
      const states = await deps.storage.sensors.sensorStates(definitions.project.name);
      const due = dueSensors(sensors, states, nowMs, new Set(inFlight.keys()));
      let next = 0;
      // A small pool: each worker takes the next due sensor once its previous one has ended.
      const worker = async (): Promise<void> => {
        while (next < due.length && !signal.aborted) {
          const sensor = due[next++]!;
          const evaluation = evaluateOne(sensor, states.get(sensor.name), nowMs, signal).catch((error: unknown) => {
            deps.log({ level: 'error', loop: 'sensors', message: `sensor ${sensor.name}: recording its evaluation failed: ${errorMessage(error)}` });
          }).finally(() => inFlight.delete(sensor.name));
          inFlight.set(sensor.name, evaluation);
          await evaluation;
        }
      };
      const pool = Promise.all(Array.from({ length: Math.min(SENSOR_EVALUATION_CONCURRENCY, due.length) }, worker));
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => { timer = setTimeout(resolve, passWaitMs); });
      await Promise.race([pool, waited]);
      clearTimeout(timer);
    },
    async settled() {
      while (inFlight.size) await Promise.allSettled([...inFlight.values()]);
    },
  };
}

/** Launches the decided runs in order; stops at the first launch that fails (its message is the evaluation's error). */
async function launchAll(deps: SensorLoopDeps, decision: EvaluationDecision): Promise<{ runIds: string[]; launchError?: string }> {
  const runIds: string[] = [];
  for (const launch of decision.launches) {
    try {
      const run = await deps.launcher.launch({
        ...(launch.select !== undefined ? { select: launch.select } : {}), trigger: 'sensor', tags: launch.tags,
        ...(launch.payload !== undefined ? { triggerPayload: launch.payload } : {}),
      });
      runIds.push(run.runId);
    } catch (error) {
      const redact = projectRedactor(deps.project().definitions);
      return { runIds, launchError: redact(`launching a run failed: ${errorMessage(error)}`) };
    }
  }
  return { runIds };
}

/** SENSOR_ERRORED when an evaluation fails, and its resolution at the first evaluation that succeeds after it. */
async function alertOnChange(deps: SensorLoopDeps, project: string, name: string, state: SensorStateRecord | undefined, error: string | undefined, nowMs: number): Promise<void> {
  if (error !== undefined) {
    deps.log({ level: 'error', loop: 'sensors', message: `sensor ${name} failed: ${error}`, fields: { sensor: name } });
    await deps.storage.alerts.recordSignal({ kind: 'SENSOR_ERRORED', project, subject: name, problemKey: `sensor:${name}`, message: `sensor ${name} failed: ${error}`, timestamp: nowMs });
  } else if (state?.lastStatus === 'ERROR') {
    await deps.storage.alerts.recordSignal({ kind: 'SENSOR_ERRORED', project, subject: name, problemKey: `sensor:${name}`, message: `sensor ${name} evaluates again`, timestamp: nowMs, resolved: true });
  }
}

/** `ctx.log` of a custom sensor: lines go to the hosting process's log, redacted. */
function sensorLogger(deps: SensorLoopDeps, sensor: string, redact: (text: string) => string): Logger {
  const line = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, data?: Record<string, unknown>) =>
    deps.log({ level, loop: 'sensors', message: redact(`sensor ${sensor}: ${message}`), fields: { sensor, ...(data ? JSON.parse(redact(JSON.stringify(data))) as Record<string, unknown> : {}) } });
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
