/**
 * `weir serve`: the unattended single-machine mode. Serves the API and UI like `weir dev`, runs the automation loops
 * while it holds the automation lease, and takes the work of `weir run` and the UI; no file watching, no banner, one
 * log line per event (text or JSON), and a clean stop on SIGTERM: runs in flight finish within the grace period or
 * are cancelled and recorded CANCELED.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertBindingAllowed, createApp, DEFAULT_HOST, DEFAULT_PORT, inProcessLauncher, startServer } from '../../server/index.js';
import { projectRedactor } from '../../engine/launch-run.js';
import { localLiveness, watchForDeadRuns } from '../../engine/end-dead-runs.js';
import { adoptQueuedRuns } from '../../engine/queued-runs.js';
import { packageRoot } from '../../shared/package-paths.js';
import { shortId } from '../../shared/ids.js';
import { openLocalInstance } from '../local-instance.js';
import { recordServingProcess } from '../serving-process.js';
import { startAutomation } from '../automation-runtime.js';
import type { AutomationHost } from '../../scheduler/automation-host.js';
import { backfillControl } from '../../scheduler/backfill-control.js';
import { backfillWakeups } from '../backfill-wakeups.js';
import { createProcessLog, type LogFormat } from '../process-log.js';
import { closableLauncher, drainRuns, DEFAULT_GRACE_MS } from '../drain-runs.js';

const UI_DIST = join(packageRoot(), '..', 'ui', 'dist');

export interface ServeOptions {
  project: string;
  host?: string;
  port?: number;
  trustProxy?: boolean;
  logFormat?: LogFormat;
  /** How long runs in flight may go on after SIGTERM before they are cancelled. */
  graceMs?: number;
}

/**
 * @example
 * await serveCommand({ project: '/srv/shop', port: 3000, logFormat: 'json', graceMs: 30_000 })
 * // {"time":"…","level":"info","message":"serving shop at http://127.0.0.1:3000","fields":{…}}  … until SIGTERM; resolves 0
 */
export async function serveCommand(options: ServeOptions): Promise<number> {
  const host = options.host ?? DEFAULT_HOST;
  const token = process.env.WEIR_TOKEN || undefined;
  const trustProxy = options.trustProxy ?? /^(1|true|yes)$/i.test(process.env.WEIR_TRUST_PROXY ?? '');
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  assertBindingAllowed(host, token);
  // Unattended: definitions that do not load stop the start (a service manager shows why), rather than serving none.
  const instance = await openLocalInstance(options.project);
  const snapshot = { definitions: instance.loaded.definitions, graph: instance.graph, version: 1, loadedAt: Date.now() };
  const project = () => snapshot;
  const log = createProcessLog({ format: options.logFormat ?? 'text', redact: projectRedactor(snapshot.definitions) });
  const name = snapshot.definitions.project.name;

  let automation: AutomationHost | undefined;
  const launcher = inProcessLauncher({
    project, storage: instance.storage, warehouse: () => instance.warehouse(),
    onRunFinished: (result) => {
      log.info(`run ${shortId(result.runId)} ended ${result.status}`, { runId: result.runId, status: result.status });
      // A failed run may be due a retry: look now rather than at the loop's next pass.
      if (result.status === 'FAILURE') automation?.wake('run-retries');
    },
    onRunError: (runId, error) => log.error(`run ${shortId(runId)} failed outside its steps: ${(error as Error)?.message ?? String(error)}`, { runId }),
  });
  const gate = closableLauncher(launcher, 'weir serve');
  const backfillWake = backfillWakeups();
  const app = createApp({
    project, storage: instance.storage, launcher: gate, backfills: backfillControl({ project, storage: instance.storage, onRequested: backfillWake.wake }), subscribe: launcher.subscribe, security: { token, trustProxy },
    onError: (error) => log.error((error as Error)?.message ?? String(error)),
    staticRoot: existsSync(`${UI_DIST}/index.html`) ? UI_DIST : undefined,
  });
  // This process owns the warehouse from the start: a second serving process fails fast on the lock.
  await instance.warehouse();
  const server = await startServer({ app, host, port: options.port ?? DEFAULT_PORT });
  const forget = recordServingProcess(snapshot.definitions.project.root, server.url, 'serve');
  const stopWatchingDeadRuns = watchForDeadRuns(instance.storage, {
    onEnded: (dead) => log.warn(`run ${shortId(dead.execution.runId)} ended: ${dead.reason}`, { runId: dead.execution.runId }),
  });
  // Runs left QUEUED by a serving process that stopped before starting them: started here, oldest first.
  const adopted = await adoptQueuedRuns({
    storage: instance.storage, project: name, nowMs: Date.now(), ...localLiveness(),
    hasAsset: (key) => snapshot.graph.get(key) !== undefined, adopt: (run) => launcher.adopt(run),
  });
  if (adopted.adopted.length) log.info(`resumed ${adopted.adopted.length} queued run${adopted.adopted.length === 1 ? '' : 's'} left by the previous serving process`, { runIds: adopted.adopted });
  for (const { runId, missing } of adopted.ended) log.warn(`queued run ${shortId(runId)} ended without starting: its assets ${missing.join(', ')} are gone`, { runId, missing });
  automation = startAutomation({ instance, project, launcher: gate, log: log.automation, serverUrl: server.url });
  const stopBackfillWakeups = backfillWake.attach(() => automation!.wake('backfills'), launcher.subscribe);
  log.info(`serving ${name} at ${server.url}`, { project: name, url: server.url, pid: process.pid, ui: existsSync(`${UI_DIST}/index.html`), holder: automation.holder });

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const running = launcher.running();
  const queued = launcher.queued();
  log.info(`${signal}: stopping; ${running.length} run${running.length === 1 ? '' : 's'} in flight may finish within ${graceMs / 1000} s`, { signal, running, queued, graceMs });
  // Nothing new starts from here: queued runs stay QUEUED for the next serving process, automation stops, the API
  // refuses launches.
  launcher.closeQueue();
  stopBackfillWakeups();
  await automation.stop();
  gate.close();
  const drained = await drainRuns(launcher, {
    graceMs, onCancel: (runIds) => log.warn(`grace period over: cancelling ${runIds.length} run${runIds.length === 1 ? '' : 's'}`, { runIds }),
  });
  await stopWatchingDeadRuns();
  forget();
  await server.close();
  await instance.close();
  log.info('stopped', { finished: drained.finished, canceled: drained.canceled, queued });
  return 0;
}
