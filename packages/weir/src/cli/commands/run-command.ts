/** `weir run`: materialize a selection with a live step list, then the checks table and where outputs went. */
import { checkOutcomeOf, CheckOutcome, type EventRecord, RunStatus } from '../../events/index.js';
import { launchRun } from '../../engine/launch-run.js';
import { formatDuration } from '../../shared/duration.js';
import { stringifyJson } from '../../shared/json.js';
import { loadProjectConfig } from '../../loaders/index.js';
import { openLocalInstance, openMetadataOnly } from '../local-instance.js';
import { findServingProcess } from '../serving-process.js';
import { RunDisplay } from '../output/run-display.js';
import { printProjectWarnings } from '../output/project-warnings.js';
import { checkOutcomeText, runStatusText, statusText, style } from '../output/style.js';
import { keepRunningWhenStdoutCloses } from '../output/stdout-guard.js';
import { formatNumber, renderTable } from '../output/table.js';
import { plural } from '../../shared/plural.js';

export interface RunCommandOptions {
  project: string;
  select?: string[];
  exclude?: string[];
  concurrency?: number;
  skipUnchanged?: boolean;
  /** The partition of the run's partitioned assets (tag weir/partition). */
  partition?: string;
  json?: boolean;
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  const config = loadProjectConfig(options.project);
  printProjectWarnings(config);
  const server = await findServingProcess(config.root);
  if (server) {
    // The serving process owns the warehouse: hand the run to it rather than fail on DuckDB's file lock.
    const { remoteRun } = await import('./remote-run.js');
    const result = await remoteRun(server, options, config);
    if (!options.json) {
      const { storage } = await openMetadataOnly(options.project);
      try {
        await printSummary(storage, result.runId, result.status, result.durationMs, 0, config.root);
      } finally {
        await storage.close();
      }
    }
    return result.status === 'SUCCESS' ? 0 : 1;
  }
  const instance = await openLocalInstance(options.project);
  // A closed pipe (`weir run | head -1`) must not end the process before the run is recorded.
  const release = keepRunningWhenStdoutCloses();
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(`\n${style.yellow('Cancelling the run… (press Ctrl-C again to quit at once)')}\n`);
      controller.abort();
    } else process.exit(130);
  };
  // A closed terminal (SIGHUP) or a stop request (SIGTERM) cancels like Ctrl-C: the run ends CANCELED, recorded.
  for (const signal of CANCEL_SIGNALS) process.on(signal, onSigint);
  let display: RunDisplay | undefined;
  try {
    const result = await launchRun({
      definitions: instance.loaded.definitions,
      graph: instance.graph,
      storage: instance.storage,
      warehouse: instance.data,
      select: options.select,
      exclude: options.exclude,
      concurrency: options.concurrency,
      skipUnchanged: options.skipUnchanged,
      ...(options.partition !== undefined ? { partition: options.partition } : {}),
      trigger: 'cli',
      signal: controller.signal,
      onRunCreated: (run) => {
        if (options.json) return;
        const partition = run.tags['weir/partition'];
        process.stdout.write(`${style.bold(`Run ${run.runId}`)} ${style.dim(`· ${instance.loaded.definitions.project.name} · ${plural(run.stepKeys.length, 'step')}${partition ? ` · partition ${partition}` : ''}`)}\n`);
        display = new RunDisplay(run.stepKeys);
      },
      onEvent: (event: EventRecord) => {
        if (options.json) process.stdout.write(`${stringifyJson(event)}\n`);
        else display?.onEvent(event);
      },
    });
    display?.stop();
    if (!options.json) await printSummary(instance.storage, result.runId, result.status, result.durationMs, result.reused.length, instance.loaded.definitions.project.root);
    return result.status === 'SUCCESS' ? 0 : 1;
  } finally {
    display?.stop();
    for (const signal of CANCEL_SIGNALS) process.off(signal, onSigint);
    await instance.close();
    release();
  }
}

/** The signals that cancel a run: Ctrl-C, a closed terminal, a polite stop. */
export const CANCEL_SIGNALS = ['SIGINT', 'SIGHUP', 'SIGTERM'] as const;

/**
 * After the live steps: the checks table, outputs written, each step's error, and the run's own error when it
 * failed outside any step (the warehouse locked or corrupt): a failure always says why.
 */
export async function printSummary(storage: import('../../storage/storage.js').Storage, runId: string, status: RunStatus, durationMs: number, reused: number, root: string): Promise<void> {
  const [checks, materializations, events] = await Promise.all([
    storage.events.checkEvaluationsForRun(runId),
    storage.events.materializationsForRun(runId),
    // A successful run has no failure to explain, and this read walks every event of the run (a million log lines
    // took 0.2 s): skipped then.
    status === RunStatus.SUCCESS ? [] : storage.events.eventsForRun(runId, { types: ['STEP_FAILURE', 'RUN_FAILURE', 'RUN_CANCELED'] }),
  ]);
  const out: string[] = [''];
  if (checks.length) {
    out.push(style.bold('Checks'));
    out.push(renderTable(['check', 'asset', 'result', 'observed', 'expected'], checks.map((c) => [
      c.checkName, c.assetKey,
      checkOutcomeText(checkOutcomeOf(c)),
      formatNumber(c.observed), formatNumber(c.expected),
    ])));
    const failed = checks.filter((c) => checkOutcomeOf(c) !== CheckOutcome.PASSED);
    for (const c of failed) out.push(`  ${checkOutcomeText(checkOutcomeOf(c), c.message)}`);
    out.push('');
  }
  const files = materializations.filter((m) => m.storage.kind === 'file');
  if (files.length) {
    out.push(style.bold('Outputs'));
    for (const m of files) out.push(`  ${m.storage.location}${m.rowCount === null ? '' : style.dim(`  (${plural(m.rowCount, 'row', undefined, formatNumber)})`)}`);
    out.push(style.dim(`  in ${root}`));
    out.push('');
  }
  for (const event of events) {
    if (event.type === 'RUN_FAILURE' || event.type === 'RUN_CANCELED') {
      if (event.data.error) out.push(`${style.red('✘')} ${event.data.error.message}`);
      continue;
    }
    if (event.type !== 'STEP_FAILURE' || event.data.reason === 'check_failed' || event.data.reason === 'canceled') continue;
    out.push(`${style.red('✘')} ${event.stepKey}: ${event.data.error.message}`);
    if (event.data.error.stack) out.push(style.dim(event.data.error.stack.split('\n').slice(1, 4).join('\n')));
  }
  out.push(`${runStatusText(status)} in ${formatDuration(durationMs)}${reused ? `, ${reused} unchanged assets reused` : ''}  ${style.dim(`weir run-info ${runId.slice(0, 8)}  ·  weir logs ${runId.slice(0, 8)}`)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
