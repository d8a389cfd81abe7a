/**
 * `weir dev`'s live definitions: watches the files a project was loaded from and, when they change, tries the
 * project in a child process first (check-project.entry.ts). Only when the child loads it cleanly is it loaded
 * here and swapped in; otherwise the last good definitions stay and the error is kept for the API to show.
 */
import { fork } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { buildAssetGraph } from '../graph/index.js';
import { loadProject, type LoadedProject } from '../loaders/index.js';
import type { ProjectChange, ProjectLoadError, ProjectSnapshot } from '../server/index.js';
import { projectRedactor } from '../engine/launch-run.js';
import { entryPointPath } from '../shared/package-paths.js';
import { watchedPaths, type WatchedPaths } from './project-files.js';
import { describeLoadError } from './project-load-error.js';

/** What the child reports over IPC. */
export type CheckProjectResult = { ok: true; watch: WatchedPaths } | { ok: false; error: ProjectLoadError };

/** Editors save in bursts (write, rename, chmod): reload once, this long after the last change. */
export const RELOAD_DEBOUNCE_MS = 150;
/** A load that takes longer (an endless loop at the top of a definition file) is stopped and reported. */
export const CHECK_TIMEOUT_MS = 60_000;
/** What a file under a watched folder must end with to trigger a reload: definitions, SQL models, YAML, seeds. */
const RELEVANT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.sql', '.yml', '.yaml', '.csv', '.md']);
/** Folders whose changes never mean new definitions: caches, build output, dependencies, dbt's artefacts. */
const IGNORED_FOLDERS = new Set(['.weir', 'node_modules', '.git', 'target', 'dbt_packages', 'logs']);
/** The end of a crashed child's stderr quoted in the error. */
const STDERR_TAIL_CHARS = 2000;

export interface ProjectWatcherOptions {
  /** The project as loaded at start-up: what is served until the first successful reload. */
  initial: LoadedProject;
  /** Why the start-up load failed, when `initial` is the empty stand-in served until the files are fixed. */
  initialError?: ProjectLoadError;
  debounceMs?: number;
  checkTimeoutMs?: number;
  /** Called after each reload attempt, for the terminal. */
  onChange?: (change: ProjectChange) => void;
  /** The clock (ms since the epoch); default Date.now. */
  now?: () => number;
}

export interface ProjectWatcher {
  /** The definitions to serve now, with their version and the latest load error. */
  snapshot(): ProjectSnapshot;
  /** For ServerDeps.subscribeProject. */
  subscribe(listener: (change: ProjectChange) => void): () => void;
  /** Checks and reloads now (also what a file change does after the debounce); resolves with the outcome. */
  reload(): Promise<ProjectChange>;
  /** Stops watching; a reload under way finishes first. */
  close(): Promise<void>;
}

/**
 * @example
 * const watcher = watchProject({ initial: await loadProject('/p') });
 * createApp({ project: watcher.snapshot, subscribeProject: watcher.subscribe, … });
 * // edit /p/definitions/orders.ts with a syntax error:
 * watcher.snapshot().loadError // { message: '/p/definitions/orders.ts:3:7: Expected ";" …', file: 'definitions/orders.ts', line: 3, … }
 * // fix it: loadError is gone, version 2, the new assets are served
 */
export function watchProject(options: ProjectWatcherOptions): ProjectWatcher {
  const now = options.now ?? Date.now;
  const root = options.initial.definitions.project.root;
  const listeners = new Set<(change: ProjectChange) => void>();
  let snapshot: ProjectSnapshot = {
    definitions: options.initial.definitions, graph: buildAssetGraph(options.initial.definitions), version: 1, loadedAt: now(),
    ...(options.initialError ? { loadError: options.initialError } : {}),
  };
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<ProjectChange> | undefined;
  let again = false;
  let closed = false;

  const emit = (change: ProjectChange) => {
    options.onChange?.(change);
    for (const listener of listeners) listener(change);
  };

  const fail = (error: ProjectLoadError): ProjectChange => {
    // The last good definitions stay; runs launched from now on use them.
    snapshot = { ...snapshot, loadError: error };
    return { type: 'project_load_failed', version: snapshot.version ?? 1, error };
  };

  async function reloadOnce(): Promise<ProjectChange> {
    const checked = await checkInChild(root, options.checkTimeoutMs ?? CHECK_TIMEOUT_MS, now);
    if (!checked.ok) return fail({ ...checked.error, message: projectRedactor(snapshot.definitions)(checked.error.message) });
    let loaded: LoadedProject;
    let graph: ProjectSnapshot['graph'];
    try {
      // The child compiled the files into the cache, so this load only imports them (a few ms).
      loaded = await loadProject(root);
      graph = buildAssetGraph(loaded.definitions);
    } catch (error) {
      // A file changed again between the child's load and this one: report it; the watcher has already scheduled a reload.
      return fail(describeLoadError(error, root, projectRedactor(snapshot.definitions), now()));
    }
    snapshot = { definitions: loaded.definitions, graph, version: (snapshot.version ?? 1) + 1, loadedAt: now() };
    watchPaths(watchedPaths(loaded));
    return { type: 'project_reloaded', version: snapshot.version!, loadedAt: snapshot.loadedAt! };
  }

  async function reload(): Promise<ProjectChange> {
    if (running) {
      // A change during a reload: reload once more after it, with whatever the files hold by then.
      again = true;
      return running;
    }
    running = reloadOnce().then((change) => {
      emit(change);
      return change;
    }).finally(() => {
      running = undefined;
      if (again && !closed) {
        again = false;
        schedule();
      }
    });
    return running;
  }

  function schedule(): void {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), options.debounceMs ?? RELOAD_DEBOUNCE_MS);
  }

  function watchPaths(paths: WatchedPaths): void {
    for (const watcher of watchers) watcher.close();
    watchers = [];
    const inTree = (file: string) => paths.trees.some((tree) => file.startsWith(tree + sep));
    for (const tree of paths.trees) {
      tryWatch(tree, true, (file) => RELEVANT_EXTENSIONS.has(extname(file)) && !relative(tree, file).split(sep).some((part) => IGNORED_FOLDERS.has(part)));
    }
    // Files outside the trees: watch their folder (an editor's save may replace the file, which a watch on the file itself would lose).
    const byFolder = new Map<string, Set<string>>();
    for (const file of paths.files) if (!inTree(file)) byFolder.set(dirname(file), (byFolder.get(dirname(file)) ?? new Set()).add(basename(file)));
    for (const [folder, names] of byFolder) tryWatch(folder, false, (file) => names.has(basename(file)));
  }

  function tryWatch(folder: string, recursive: boolean, isRelevant: (file: string) => boolean): void {
    try {
      const watcher = watch(folder, { recursive, persistent: false }, (_event, name) => {
        if (name === null || isRelevant(join(folder, name.toString()))) schedule();
      });
      watcher.on('error', () => watcher.close()); // the folder was removed: the next reload watches what exists then
      watchers.push(watcher);
    } catch {
      // A folder that vanished between the load and now: nothing to watch there.
    }
  }

  watchPaths(watchedPaths(options.initial));
  return {
    snapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload,
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      watchers = [];
      await running?.catch(() => undefined);
    },
  };
}

/** Loads the project in a child process and says whether it loads, without touching this process. */
function checkInChild(root: string, timeoutMs: number, now: () => number): Promise<CheckProjectResult> {
  return new Promise((resolve) => {
    const entry = entryPointPath('cli/check-project.entry');
    // The compiled entry needs no loader; the TypeScript one (tests) needs tsx, resolved from here: the child's cwd
    // is the project folder, where a bare `--import tsx` inherited from this process would not resolve.
    const execArgv = entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
    const child = fork(entry, [root], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], cwd: root, execArgv });
    let stderr = '';
    let settled = false;
    const settle = (result: CheckProjectResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const failure = (message: string, hint: string): CheckProjectResult => ({ ok: false, error: { message, hint, code: 'PROJECT_LOAD_CRASHED', failedAt: now() } });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(failure(`Loading the project took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`,
        'A definition file probably loops or waits at load time: definitions should only declare assets; do the work inside the asset function.'));
    }, timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS); });
    child.on('message', (message) => settle(message as CheckProjectResult));
    child.on('error', (error) => settle(failure(`Could not start the process that loads the project: ${error.message}.`, 'Check that Weir is installed completely.')));
    child.on('exit', (code, signal) => {
      const tail = stderr.trim().split('\n').filter((line) => !/^\s+at\s/.test(line)).slice(-5).join(' ');
      settle(failure(`Loading the project ended its process (${signal ?? `exit code ${code}`}) before it finished${tail ? `: ${tail}` : ''}.`,
        'A definition file probably calls process.exit() or crashes at load time; definitions should only declare assets.'));
    });
  });
}
