/**
 * The child process `weir dev` forks to try a project's files before serving them: loads the project (loaders/)
 * and builds its graph (graph/), then reports to the parent over IPC and exits. A definition file that throws, loops
 * at load time or kills its process harms only this child; the server keeps its last good definitions.
 *
 * Message to the parent: `{ ok: true, watch: WatchedPaths }` (what the load read) or `{ ok: false, error: ProjectLoadError }`.
 */
import { buildAssetGraph } from '../graph/index.js';
import { loadProject, loadProjectConfig } from '../loaders/index.js';
import { secretRedactor } from '../shared/redact.js';
import { secretValues } from '../definitions/project.js';
import { describeLoadError } from './project-load-error.js';
import { watchedPaths } from './project-files.js';
import type { CheckProjectResult } from './project-watcher.js';

const root = process.argv[2]!;
// Error locations name the user's .ts lines, not the compiled cache's (the loader reads them from the stack).
process.setSourceMapsEnabled(true);

function redactor(): (text: string) => string {
  try {
    return secretRedactor(secretValues(loadProjectConfig(root)));
  } catch {
    return (text) => text; // weir.yaml itself is broken: the parent masks with the secrets it knows.
  }
}

let result: CheckProjectResult;
try {
  const loaded = await loadProject(root);
  buildAssetGraph(loaded.definitions);
  result = { ok: true, watch: watchedPaths(loaded) };
} catch (error) {
  result = { ok: false, error: describeLoadError(error, root, redactor()) };
}
// Exit once the message is out: user code may have left timers or handles that would keep this process alive.
process.send!(result, () => process.exit(0));
