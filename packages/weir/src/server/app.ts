/** The web server as a Hono app: security first, then the JSON API under /api, described at /api/openapi.json. */
import { Hono } from 'hono';
import { ApiError, toApiError } from './api-error.js';
import { createApiContext } from './api-context.js';
import { securityMiddleware } from './security.js';
import { requestBodyLimit } from './body-limit.js';
import { responseHeaders } from './response-headers.js';
import { TokenAttempts } from './token-attempts.js';
import { serveStaticUi } from './static-ui.js';
import type { ServerDeps } from './server-deps.js';
import { addAlertRoutes } from './routes/alert-routes.js';
import { addAssetRoutes } from './routes/asset-routes.js';
import { addBackfillRoutes } from './routes/backfill-routes.js';
import { addPartitionRoutes } from './routes/partition-routes.js';
import { addCheckRoutes } from './routes/check-routes.js';
import { addEventStreamRoutes } from './routes/event-stream-routes.js';
import { addLineageRoutes } from './routes/lineage-routes.js';
import { addOpenApiRoutes } from './routes/openapi-routes.js';
import { addOverviewRoutes } from './routes/overview-routes.js';
import { addProjectRoutes } from './routes/project-routes.js';
import { addRunActionRoutes } from './routes/run-action-routes.js';
import { addRunRoutes } from './routes/run-routes.js';
import { addScheduleRoutes } from './routes/schedule-routes.js';
import { addSelectionRoutes } from './routes/selection-routes.js';
import { addSessionRoutes } from './routes/session-routes.js';
import { addSensorRoutes } from './routes/sensor-routes.js';
import { addWebhookRoutes } from './routes/webhook-routes.js';

/** The API's version in the OpenAPI document; bump on a breaking change. */
export const API_VERSION = '0.1.0';

/**
 * Builds the app. It opens nothing and listens on nothing: serve it with startServer, or call it in tests with
 * `app.request(path, init)`.
 *
 * @example
 * const app = createApp({ project: () => ({ definitions, graph }), storage, launcher });
 * const res = await app.request('/api/runs?status=FAILURE&limit=10');
 * res.status // 200
 * (await res.json()).total // 3
 */
export function createApp(deps: ServerDeps): Hono {
  const app = new Hono();
  const api = createApiContext(app, deps);

  app.onError((error, c) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) deps.onError?.(error);
    return c.json(api.redact(apiError.body()), apiError.status);
  });
  app.notFound((c) => {
    const error = new ApiError(404, 'NOT_FOUND', `No route ${c.req.method} ${c.req.path}; the API is described at /api/openapi.json.`);
    return c.json(error.body(), 404);
  });

  // Headers first, so that refusals and errors carry them too; then who may ask; then how much they may send.
  const tokenAttempts = new TokenAttempts(deps.now ?? Date.now);
  app.use('*', responseHeaders());
  app.use('*', securityMiddleware(deps.security, tokenAttempts));
  app.use('*', requestBodyLimit());
  addSessionRoutes(api, tokenAttempts);
  addProjectRoutes(api);
  addOverviewRoutes(api);
  addAssetRoutes(api);
  addPartitionRoutes(api);
  addLineageRoutes(api);
  addSelectionRoutes(api);
  addCheckRoutes(api);
  addAlertRoutes(api);
  // The stream routes go before `/api/runs/:id…` ones only for readability: Hono matches by the whole path.
  addEventStreamRoutes(api);
  addRunRoutes(api);
  addRunActionRoutes(api);
  addScheduleRoutes(api);
  addSensorRoutes(api);
  addWebhookRoutes(api);
  addBackfillRoutes(api);
  addOpenApiRoutes(api, API_VERSION);
  if (deps.staticRoot) serveStaticUi(app, deps.staticRoot);
  return app;
}
