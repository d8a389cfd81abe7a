/** Starts automation in a serving process (`weir dev`, `weir serve`): the deps every loop gets, the loops, the host. */
import type { Definitions } from '../definitions/definitions.js';
import type { RunLauncher } from '../engine/run-launcher.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import type { AutomationDeps, AutomationLogLine } from '../scheduler/automation-deps.js';
import { createAutomationHost, type AutomationHost } from '../scheduler/automation-host.js';
import { automationLoops } from './automation-loops.js';
import type { LocalInstance } from './local-instance.js';

export interface StartAutomationOptions {
  instance: LocalInstance;
  project: () => { definitions: Definitions; graph: AssetGraph };
  launcher: RunLauncher;
  log: (line: AutomationLogLine) => void;
  /** The address the server listens on: links in alerts use it when weir.yaml has no `public_url`. */
  serverUrl: string;
}

/**
 * Builds the AutomationDeps and the loops, and starts the host (it waits as a standby if another process holds the
 * `automation` lease).
 *
 * @example
 * const automation = startAutomation({ instance, project: watcher.snapshot, launcher, log, serverUrl: server.url });
 * // … at shutdown, before the runs are stopped:
 * await automation.stop();
 */
export function startAutomation(options: StartAutomationOptions): AutomationHost {
  const { instance, project, launcher, log } = options;
  const deps: AutomationDeps = {
    project,
    storage: instance.storage,
    launcher,
    warehouse: async () => instance.data,
    log,
    publicUrl: project().definitions.project.publicUrl ?? options.serverUrl.replace('127.0.0.1', 'localhost'),
  };
  const host = createAutomationHost({ loops: automationLoops(deps), leases: instance.storage.leases, log });
  host.start();
  return host;
}
