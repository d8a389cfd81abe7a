/**
 * `weir dev`: serves the project's API on 127.0.0.1 and runs work in the same process, owning the warehouse; reloads
 * the definitions when project files change (tried in a child process first, so a broken file shows an error).
 */
import { assertBindingAllowed, createApp, DEFAULT_HOST, DEFAULT_PORT, inProcessLauncher, startServer } from '../../server/index.js';
import type { ProjectChange } from '../../server/index.js';
import { openLocalInstance } from '../local-instance.js';
import { watchProject } from '../project-watcher.js';
import { describeLoadError } from '../project-load-error.js';
import { projectRedactor } from '../../engine/launch-run.js';
import { localLiveness, watchForDeadRuns } from '../../engine/end-dead-runs.js';
import { adoptQueuedRuns } from '../../engine/queued-runs.js';
import { style } from '../output/style.js';
import { recordServingProcess } from '../serving-process.js';
import { startAutomation } from '../automation-runtime.js';
import type { AutomationHost } from '../../scheduler/automation-host.js';
import { backfillControl } from '../../scheduler/backfill-control.js';
import { backfillWakeups } from '../backfill-wakeups.js';
import { createProcessLog } from '../process-log.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../shared/package-paths.js';

/** The built web UI: packages/ui/dist, from src/cli/commands or dist/cli/commands of packages/weir. */
// The UI package sits beside this one in the repository (packages/ui), built by `npm install`.
const UI_DIST = join(packageRoot(), '..', 'ui', 'dist');

export async function devCommand(options: { project: string; host?: string; port?: number; trustProxy?: boolean }): Promise<number> {
  const host = options.host ?? DEFAULT_HOST;
  const token = process.env.WEIR_TOKEN || undefined;
  const trustProxy = options.trustProxy ?? /^(1|true|yes)$/i.test(process.env.WEIR_TRUST_PROXY ?? '');
  assertBindingAllowed(host, token);
  const instance = await openLocalInstance(options.project, { tolerateLoadError: true });
  // Masked with the secrets of the definitions served now (`watcher` exists before any error is logged): a run's
  // error may quote a secret setting.
  const log = (error: unknown) => process.stderr.write(projectRedactor(watcher.snapshot().definitions)(`${style.red('error')} ${(error as Error)?.message ?? String(error)}\n`));
  const root = instance.loaded.definitions.project.root;
  const initialError = instance.loadError === undefined ? undefined : describeLoadError(instance.loadError, root, projectRedactor(instance.loaded.definitions));
  if (initialError) process.stderr.write(`${style.red('error')} ${initialError.message} ${style.dim('(serving anyway: the UI shows the error until the files are fixed)')}\n`);
  // Runs read the snapshot when they launch and keep it: a reload never changes a run in flight.
  const watcher = watchProject({ initial: instance.loaded, initialError, onChange: reportChange });
  const project = watcher.snapshot;
  let automation: AutomationHost | undefined;
  const launcher = inProcessLauncher({
    project, storage: instance.storage, warehouse: () => instance.warehouse(), onRunError: (_id, error) => log(error),
    // A failed run may be due a retry: look now rather than at the loop's next pass.
    onRunFinished: (result) => { if (result.status === 'FAILURE') automation?.wake('run-retries'); },
  });
  const backfillWake = backfillWakeups();
  const app = createApp({ project, storage: instance.storage, launcher, backfills: backfillControl({ project, storage: instance.storage, onRequested: backfillWake.wake }), subscribe: launcher.subscribe, subscribeProject: watcher.subscribe, security: { token, trustProxy }, onError: log,
    staticRoot: existsSync(`${UI_DIST}/index.html`) ? UI_DIST : undefined });
  // Open the warehouse now: this process owns it from the start, and a second `weir dev` fails fast on the lock.
  await instance.warehouse();
  const server = await startServer({ app, host, port: options.port ?? DEFAULT_PORT });
  const forget = recordServingProcess(project().definitions.project.root, server.url);
  // Runs left QUEUED by a serving process that stopped before starting them: started here, oldest first.
  const adopted = await adoptQueuedRuns({
    storage: instance.storage, project: project().definitions.project.name, nowMs: Date.now(), ...localLiveness(),
    hasAsset: (key) => project().graph.get(key) !== undefined, adopt: (run) => launcher.adopt(run),
  });
  if (adopted.adopted.length) process.stdout.write(style.dim(`Resumed ${adopted.adopted.length} queued run(s) left by the previous serving process\n`));
  // Schedules, sensors, backfills and alerts run here while this process holds the automation lease.
  const automationLog = createProcessLog({ format: 'text', redact: (text) => projectRedactor(watcher.snapshot().definitions)(text) });
  automation = startAutomation({ instance, project, launcher, log: automationLog.automation, serverUrl: server.url });
  const stopBackfillWakeups = backfillWake.attach(() => automation!.wake('backfills'), launcher.subscribe);
  // Runs are ended here when their process dies while this one serves (they were at open too: openLocalInstance).
  const stopWatchingDeadRuns = watchForDeadRuns(instance.storage, {
    onEnded: (dead) => process.stderr.write(`${style.yellow('warning')} run ${dead.execution.runId.slice(0, 8)} ended: ${dead.reason}\n`),
  });
  process.stdout.write(`${style.bold('Weir')} serving ${style.bold(project().definitions.project.name)} at ${style.cyan(server.url)}\n`);
  if (!existsSync(`${UI_DIST}/index.html`)) process.stdout.write(style.dim(`No web UI at ${UI_DIST}: build it with \`npm run build --workspace packages/ui\`; serving the API only.\n`));
  if (token) process.stdout.write(`Sign a browser in with ${server.url}/api/session?token=… (WEIR_TOKEN)\n`);
  process.stdout.write(style.dim(`API: ${server.url}/api/openapi.json · other weir commands on this project now run through this process · Ctrl-C to stop\n`));
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('Stopping: cancelling running runs…\n');
  // Automation first: nothing new is launched while the runs are being cancelled.
  stopBackfillWakeups();
  // Queued runs stay QUEUED: the next serving process starts them.
  launcher.closeQueue();
  await automation.stop();
  await watcher.close();
  await stopWatchingDeadRuns();
  for (const runId of launcher.running()) await launcher.cancel(runId);
  await launcher.idle();
  forget();
  await server.close();
  await instance.close();
  return 0;
}

/** One line in the terminal per reload: the new version, or the error (the server keeps the last good definitions). */
function reportChange(change: ProjectChange): void {
  if (change.type === 'project_reloaded') process.stdout.write(`${style.dim(new Date(change.loadedAt).toLocaleTimeString())} Reloaded the definitions (version ${change.version})\n`);
  else process.stderr.write(`${style.red('error')} ${change.error.message} ${style.dim('(still serving the last good definitions)')}\n`);
}
