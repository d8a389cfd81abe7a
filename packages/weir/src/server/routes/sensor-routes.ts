/** `GET /api/sensors` and `POST /api/sensors/:name/pause|resume`: sensors and webhooks with their state and last evaluations. */
import { didYouMean } from '../../shared/suggest.js';
import { ApiError } from '../api-error.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import { errorBodySchema, sensorListSchema, sensorNameParamsSchema, sensorStateResponseSchema } from '../api-schemas.js';
import { sensorOverview } from '../sensor-overview.js';

/**
 * @example
 * // GET /api/sensors → { sensors: [{ name: 'new_exports', type: 'files', interval: '30s', state: 'RUNNING', lastEvaluations: [{ status: 'REQUESTED', runIds: ['5b0e…'], … }] }], webhooks: […] }
 * // POST /api/sensors/new_exports/pause → 200 { name: 'new_exports', state: 'PAUSED' }
 */
export function addSensorRoutes(api: ApiContext): void {
  addRoute(api.app, api.book, {
    method: 'get', path: '/api/sensors', tag: 'automation', summary: 'Sensors and webhook triggers: state, interval, next evaluation and the last evaluations (or calls)',
    responses: { 200: { description: 'Every sensor and webhook of the project', schema: sensorListSchema } },
  }, async ({ c }) => api.json(c, await sensorOverview(api.snapshot().definitions, api.deps.storage)));

  for (const action of ['pause', 'resume'] as const) {
    addRoute(api.app, api.book, {
      method: 'post', path: `/api/sensors/:name/${action}`, tag: 'automation',
      summary: action === 'pause' ? 'Pause a sensor: it is not evaluated until resumed (survives restarts)' : 'Resume a paused sensor',
      params: sensorNameParamsSchema,
      responses: { 200: { description: 'The sensor\'s new state', schema: sensorStateResponseSchema }, 404: { description: 'No such sensor', schema: errorBodySchema } },
    }, async ({ c, params }) => {
      const { definitions } = api.snapshot();
      const names = (definitions.sensors ?? []).map((s) => s.name);
      if (!names.includes(params.name)) throw new ApiError(404, 'UNKNOWN_SENSOR', `No sensor '${params.name}'. ${didYouMean(params.name, names)}`);
      const state = action === 'pause' ? 'PAUSED' : 'RUNNING';
      await api.deps.storage.sensors.setSensorState(definitions.project.name, params.name, state, api.deps.now?.() ?? Date.now());
      return api.json(c, { name: params.name, state });
    });
  }
}
