/** What every route file receives: the app to add routes to, the deps, and the helpers all routes share. */
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Definitions } from '../definitions/definitions.js';
import type { Run } from '../events/index.js';
import { projectRedactor } from '../engine/launch-run.js';
import { redactDeep } from '../shared/redact.js';
import { toJsonSafe } from '../shared/json.js';
import { ApiError } from './api-error.js';
import type { RouteBook } from './api-route.js';
import type { ProjectSnapshot, ServerDeps } from './server-deps.js';

export interface ApiContext {
  app: Hono;
  book: RouteBook;
  deps: ServerDeps;
  /** The definitions being served now (they change when `weir dev` reloads). */
  snapshot(): ProjectSnapshot;
  /** Answers JSON with every secret setting value masked, whatever the data holds. */
  json(c: Context, body: unknown, status?: ContentfulStatusCode): Response;
  /** Masks secret setting values in any text or JSON-like value. */
  redact<T>(value: T): T;
  /** When the app was created: the load time of a snapshot that does not say. */
  startedAt: number;
  /** The run of this project a full id or unique prefix names; ApiError 404 when none. */
  findRun(idOrPrefix: string): Promise<Run>;
}

// One redactor per definitions object: building the pattern on every response would be wasted work.
const redactors = new WeakMap<Definitions, (text: string) => string>();

export function createApiContext(app: Hono, deps: ServerDeps): ApiContext {
  const redactor = () => {
    const { definitions } = deps.project();
    let redact = redactors.get(definitions);
    if (!redact) redactors.set(definitions, (redact = projectRedactor(definitions)));
    return redact;
  };
  const context: ApiContext = {
    app,
    book: [],
    deps,
    snapshot: () => deps.project(),
    startedAt: Date.now(),
    redact: (value) => redactDeep(toJsonSafe(value), redactor()) as typeof value,
    json: (c, body, status = 200) => c.json(context.redact(body) as object, status),
    async findRun(idOrPrefix) {
      const runId = await deps.storage.runs.resolveRunId(idOrPrefix);
      const run = runId ? await deps.storage.runs.getRun(runId) : undefined;
      if (!run || run.project !== deps.project().definitions.project.name) {
        throw new ApiError(404, 'UNKNOWN_RUN', `No run of this project matches '${idOrPrefix}'.`);
      }
      return run;
    },
  };
  return context;
}
