/** A RunLauncher that runs in this process with engine.launchRun: what `weir dev` and the server's tests use. */
import type { EventRecord, Run } from '../events/index.js';
import { launchRun, type LaunchRunOptions, type LaunchedRun } from './launch-run.js';
import { RunSlots } from './run-slots.js';
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
  /** How many runs execute at once (`max_concurrent_runs`), read at each decision; default: the project's, else no limit. */
  maxConcurrentRuns?: () => number | undefined;
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
  /** Runs recorded and waiting for a slot (`max_concurrent_runs`), first to start first. */
  queued(): string[];
  /**
   * Executes a run recorded QUEUED by a serving process that stopped before starting it: it joins the queue like a new
   * run. Resolves once it is queued here.
   */
  adopt(run: Run): Promise<void>;
  /**
   * The process is stopping: queued runs stay QUEUED for the next serving process, and nothing new starts; the runs
   * started go on (cancel them to stop them).
   */
  closeQueue(): void;
  /** Resolves when every run it started has finished (and every queued run has been left): for shutdown and tests. */
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
  const slots = new RunSlots(options.maxConcurrentRuns ?? (() => options.project().definitions.project.maxConcurrentRuns));

  async function start(request: LaunchRequest, recorded?: Run): Promise<Run> {
    const { definitions: served, graph } = options.project();
    const { settings, concurrency, ...launch } = request;
    // Settings for this run only: the served definitions stay as they are for every other run.
    const definitions = settings ? { ...served, project: { ...served.project, settings: { ...served.project.settings, ...settings } } } : served;
    const warehouse = await options.warehouse();
    const controller = new AbortController();
    return new Promise<Run>((resolve, reject) => {
      let runId: string | undefined;
      // `done` is set just below; onRunCreated may be called before launchRun returns (an adopted run is recorded already).
      const entry: { controller: AbortController; done: Promise<unknown> } = { controller, done: Promise.resolve() };
      const done: Promise<LaunchedRun> = launchRun({
        definitions, graph, storage: options.storage, warehouse, ...launch, ...(recorded ? { recorded } : {}),
        concurrency: concurrency ?? options.concurrency ?? definitions.project.concurrency, resources: options.resources, signal: controller.signal,
        // Called once the run is recorded, before it starts: the HTTP answer goes out here, the run goes on.
        onRunCreated: (run) => {
          runId = run.runId;
          active.set(run.runId, entry);
          resolve(run);
        },
        // Recorded QUEUED; starts when a slot of max_concurrent_runs is free (a cancel meanwhile ends it unstarted).
        admit: (run, signal) => slots.admit(run.runId, signal),
        onEvent: (event) => { for (const listener of listeners) listener(event); },
      });
      entry.done = done;
      done.then((result) => {
        active.delete(result.runId);
        slots.release(result.runId);
        options.onRunFinished?.(result);
      }, (error: unknown) => {
        if (runId === undefined) return reject(error); // nothing recorded: the caller gets the error
        active.delete(runId);
        slots.release(runId);
        options.onRunError?.(runId, error);
      });
    });
  }

  return {
    launch: (request) => start(request),
    async adopt(run) {
      await start({ trigger: run.trigger }, run);
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
    running: () => slots.running().filter((id) => active.has(id)),
    queued: () => slots.queued(),
    closeQueue: () => slots.close(),
    async idle() {
      while (active.size) await Promise.allSettled([...active.values()].map((a) => a.done));
    },
  };
}
