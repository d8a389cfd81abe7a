/** A RunLauncher that runs in this process with engine.launchRun: what `weir dev` and the server's tests use. */
import type { EventRecord, Run } from '../events/index.js';
import { launchRun, type LaunchRunOptions, type LaunchedRun } from './launch-run.js';
import type { Storage } from '../storage/storage.js';
import type { LaunchRequest, RunLauncher } from './run-launcher.js';
import type { Definitions } from '../definitions/definitions.js';
import type { AssetGraph } from '../graph/asset-graph.js';

export interface InProcessLauncherOptions {
  /** The definitions to run: read at each launch, so reloaded definitions apply to the next run. */
  project: () => { definitions: Definitions; graph: AssetGraph };
  storage: Storage;
  /** Opened on first launch by the caller (the warehouse file admits one writer process). */
  warehouse: () => Promise<LaunchRunOptions['warehouse']>;
  concurrency?: number;
  resources?: Record<string, unknown>;
  /** Called when a run ends, or fails outside any step (e.g. storage errors). */
  onRunFinished?: (result: LaunchedRun) => void;
  onRunError?: (runId: string, error: unknown) => void;
}

export interface InProcessLauncher extends RunLauncher {
  /** For ServerDeps.subscribe: every event of the runs it starts, once committed. */
  subscribe(listener: (event: EventRecord) => void): () => void;
  /** Runs started and not finished. */
  running(): string[];
  /** Resolves when every run it started has finished: for shutdown and tests. */
  idle(): Promise<void>;
}

/**
 * @example
 * const launcher = inProcessLauncher({ project: () => snapshot, storage, warehouse: () => instance.warehouse() });
 * const app = createApp({ project: () => snapshot, storage, launcher, subscribe: launcher.subscribe });
 * const run = await launcher.launch({ select: 'orders+', trigger: 'ui' }); // returns while it runs
 * await launcher.idle();
 */
export function inProcessLauncher(options: InProcessLauncherOptions): InProcessLauncher {
  const active = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  const listeners = new Set<(event: EventRecord) => void>();

  return {
    async launch(request: LaunchRequest): Promise<Run> {
      const { definitions: served, graph } = options.project();
      const { settings, concurrency, ...launch } = request;
      // Settings for this run only: the served definitions stay as they are for every other run.
      const definitions = settings ? { ...served, project: { ...served.project, settings: { ...served.project.settings, ...settings } } } : served;
      const warehouse = await options.warehouse();
      const controller = new AbortController();
      return new Promise<Run>((resolve, reject) => {
        let runId: string | undefined;
        const done: Promise<LaunchedRun> = launchRun({
          definitions, graph, storage: options.storage, warehouse, ...launch,
          concurrency: concurrency ?? options.concurrency ?? definitions.project.concurrency, resources: options.resources, signal: controller.signal,
          // Called once the run is recorded, before it starts: the HTTP answer goes out here, the run goes on.
          onRunCreated: (run) => {
            runId = run.runId;
            active.set(run.runId, { controller, done });
            resolve(run);
          },
          onEvent: (event) => { for (const listener of listeners) listener(event); },
        });
        done.then((result) => {
          active.delete(result.runId);
          options.onRunFinished?.(result);
        }, (error: unknown) => {
          if (runId === undefined) return reject(error); // nothing recorded: the caller gets the error
          active.delete(runId);
          options.onRunError?.(runId, error);
        });
      });
    },
    async cancel(runId) {
      const entry = active.get(runId);
      if (!entry) return false;
      entry.controller.abort();
      return true;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    running: () => [...active.keys()],
    async idle() {
      while (active.size) await Promise.allSettled([...active.values()].map((a) => a.done));
    },
  };
}
