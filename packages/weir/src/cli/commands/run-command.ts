/** `weir run`: materialize a selection with a live step list, then the checks table and where outputs went. */
import type { EventRecord } from '../../events/index.js';
import { launchRun } from '../../engine/launch-run.js';
import { formatDuration } from '../../shared/duration.js';
import { stringifyJson } from '../../shared/json.js';
import { loadProjectConfig } from '../../loaders/index.js';
import { openLocalInstance, openMetadataOnly } from '../local-instance.js';
import { findServingProcess } from '../serving-process.js';
import { RunDisplay } from '../output/run-display.js';
import { printProjectWarnings } from '../output/project-warnings.js';
import { runStatusText, statusText, style } from '../output/style.js';
import { formatNumber, renderTable } from '../output/table.js';
import { plural } from '../../shared/plural.js';

export interface RunCommandOptions {
  project: string;
  select?: string[];
  exclude?: string[];
  concurrency?: number;
  skipUnchanged?: boolean;
  json?: boolean;
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  const config = loadProjectConfig(options.project);
  printProjectWarnings(config);
  const server = await findServingProcess(config.root);
  if (server) {
    // The serving process owns the warehouse: hand the run to it rather than fail on DuckDB's file lock.
    const { remoteRun } = await import('./remote-run.js');
    const result = await remoteRun(server, options);
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
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(`\n${style.yellow('Cancelling the run… (press Ctrl-C again to quit at once)')}\n`);
      controller.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
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
      trigger: 'cli',
      signal: controller.signal,
      onRunCreated: (run) => {
        if (options.json) return;
        process.stdout.write(`${style.bold(`Run ${run.runId}`)} ${style.dim(`· ${instance.loaded.definitions.project.name} · ${plural(run.stepKeys.length, 'step')}`)}\n`);
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
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await instance.close();
  }
}

export async function printSummary(storage: import('../../storage/storage.js').Storage, runId: string, status: string, durationMs: number, reused: number, root: string): Promise<void> {
  const [checks, materializations, events] = await Promise.all([
    storage.events.checkEvaluationsForRun(runId),
    storage.events.materializationsForRun(runId),
    storage.events.eventsForRun(runId, { types: ['STEP_FAILURE'] }),
  ]);
  const out: string[] = [''];
  if (checks.length) {
    out.push(style.bold('Checks'));
    out.push(renderTable(['check', 'asset', 'result', 'observed', 'expected'], checks.map((c) => [
      c.checkName, c.assetKey,
      statusText(c.passed ? 'succeeded' : c.severity === 'warn' ? 'warn' : 'failed', c.passed ? 'passed' : c.severity === 'warn' ? 'warning' : 'FAILED'),
      formatNumber(c.observed), formatNumber(c.expected),
    ])));
    const failed = checks.filter((c) => !c.passed);
    for (const c of failed) out.push(`  ${style.red('✘')} ${c.message}`);
    out.push('');
  }
  const files = materializations.filter((m) => m.storage.kind === 'file');
  if (files.length) {
    out.push(style.bold('Outputs'));
    for (const m of files) out.push(`  ${m.storage.location}${m.rowCount === null ? '' : style.dim(`  (${plural(m.rowCount, 'row', undefined, formatNumber)})`)}`);
    out.push(style.dim(`  in ${root}`));
    out.push('');
  }
  for (const failure of events) {
    if (failure.type !== 'STEP_FAILURE' || failure.data.reason === 'check_failed') continue;
    out.push(`${style.red('✘')} ${failure.stepKey}: ${failure.data.error.message}`);
    if (failure.data.error.stack) out.push(style.dim(failure.data.error.stack.split('\n').slice(1, 4).join('\n')));
  }
  out.push(`${runStatusText(status)} in ${formatDuration(durationMs)}${reused ? `, ${reused} unchanged assets reused` : ''}  ${style.dim(`weir run-info ${runId.slice(0, 8)}  ·  weir logs ${runId.slice(0, 8)}`)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
