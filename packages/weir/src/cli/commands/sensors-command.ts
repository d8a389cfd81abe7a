/** `weir sensors` and `weir sensor pause|resume NAME`: the project's sensors and webhooks, their state and last evaluations. */
import type { Definitions } from '../../definitions/definitions.js';
import { projectRedactor } from '../../engine/launch-run.js';
import type { SensorEvaluationStatus } from '../../events/index.js';
import { loadProject } from '../../loaders/index.js';
import { sensorOverview, type SensorOverview } from '../../server/sensor-overview.js';
import { WeirError } from '../../shared/errors.js';
import { formatDuration } from '../../shared/duration.js';
import { stringifyJson } from '../../shared/json.js';
import { didYouMean } from '../../shared/suggest.js';
import type { Storage } from '../../storage/storage.js';
import { openProjectMetadata } from '../local-instance.js';
import { statusText, style, type DisplayStatus } from '../output/style.js';
import { formatTime, renderTable } from '../output/table.js';

const STATUS_DISPLAY: Record<SensorEvaluationStatus, DisplayStatus> = { REQUESTED: 'succeeded', SKIPPED: 'skipped', ERROR: 'failed', REJECTED: 'failed' };

async function withProject<T>(projectDir: string, fn: (definitions: Definitions, storage: Storage) => Promise<T>): Promise<T> {
  const { definitions } = await loadProject(projectDir);
  const storage = await openProjectMetadata(definitions.project.metadataPath);
  try {
    return await fn(definitions, storage);
  } finally {
    await storage.close();
  }
}

/**
 * @example
 * // weir sensors
 * // sensor       type   state    interval  select   watches       last evaluation                      runs
 * // new_exports  files  RUNNING  30s       orders+  inbox/*.xlsx  2026-03-01 06:00:02 ✔ REQUESTED 4ms  5b0e1c2a
 */
export async function sensorsCommand(options: { project: string; json?: boolean }): Promise<number> {
  return withProject(options.project, async (definitions, storage) => {
    const overview = await sensorOverview(definitions, storage, 5);
    const write = (text: string) => process.stdout.write(projectRedactor(definitions)(text));
    if (options.json) {
      write(`${stringifyJson(overview)}\n`);
      return 0;
    }
    if (!overview.sensors.length && !overview.webhooks.length) {
      write('No sensors or webhooks. Declare them in weir.yaml (sensors:, webhooks:) or with sensor(), fileSensor(), webhook() in a definitions file.\n');
      return 0;
    }
    if (overview.sensors.length) write(`${sensorTable(overview)}\n`);
    if (overview.webhooks.length) {
      write(`${overview.sensors.length ? '\n' : ''}${renderTable(['webhook', 'select', 'secret setting', 'last call', 'runs'], overview.webhooks.map((w) => [
        w.name, w.select ?? style.dim('all'), w.secretSetting, lastText(w.lastCalls[0]), (w.lastCalls[0]?.runIds ?? []).map((id) => id.slice(0, 8)).join(' '),
      ]))}\n`);
    }
    const errors = overview.sensors.flatMap((s) => (s.lastEvaluations[0]?.error ? [`${style.red('error')} sensor ${s.name}: ${s.lastEvaluations[0].error}`] : []));
    if (errors.length) write(`\n${errors.join('\n')}\n`);
    return 0;
  });
}

function sensorTable(overview: SensorOverview): string {
  return renderTable(['sensor', 'type', 'state', 'interval', 'select', 'watches', 'last evaluation', 'runs'], overview.sensors.map((s) => [
    s.name, s.type, s.state === 'PAUSED' ? style.yellow('PAUSED') : 'RUNNING', s.interval, s.select ?? style.dim('all'), truncate(s.target ?? ''),
    lastText(s.lastEvaluations[0]), (s.lastEvaluations[0]?.runIds ?? []).map((id) => id.slice(0, 8)).join(' '),
  ]));
}

function lastText(evaluation: SensorOverview['sensors'][number]['lastEvaluations'][number] | undefined): string {
  if (!evaluation) return style.dim('never');
  const slow = evaluation.slow ? style.yellow(' slow') : '';
  return `${formatTime(evaluation.startedAt)} ${statusText(STATUS_DISPLAY[evaluation.status], evaluation.status)} ${formatDuration(evaluation.durationMs)}${slow}`;
}

function truncate(text: string, max = 40): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `weir sensor pause NAME` / `weir sensor resume NAME`: the state is stored, so a running `weir dev` or `weir serve` follows it at its next pass. */
export async function sensorStateCommand(options: { project: string; name: string; action: 'pause' | 'resume' }): Promise<number> {
  return withProject(options.project, async (definitions, storage) => {
    const names = (definitions.sensors ?? []).map((s) => s.name);
    if (!names.includes(options.name)) {
      throw new WeirError(`no sensor '${options.name}' in ${definitions.project.name}`, {
        code: 'UNKNOWN_SENSOR', hint: `${didYouMean(options.name, names)} List them with \`weir sensors\`.`.trim(),
      });
    }
    const state = options.action === 'pause' ? 'PAUSED' : 'RUNNING';
    await storage.sensors.setSensorState(definitions.project.name, options.name, state, Date.now());
    process.stdout.write(`${statusText(state === 'PAUSED' ? 'warn' : 'succeeded', state === 'PAUSED' ? 'paused' : 'resumed')}  sensor ${options.name}${state === 'PAUSED' ? ' (it is not evaluated until `weir sensor resume ' + options.name + '`)' : ''}\n`);
    return 0;
  });
}
