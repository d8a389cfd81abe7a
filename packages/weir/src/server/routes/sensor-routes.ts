/** `GET /api/sensors` and `POST /api/sensors/:name/pause|resume`: sensors and webhooks with their state and last evaluations. */
import type { SensorDefinition } from '../../definitions/sensor.js';
import { nextEvaluationAt, webhookHistoryName, type SensorEvaluation } from '../../events/index.js';
import { didYouMean } from '../../shared/suggest.js';
import { ApiError } from '../api-error.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import { errorBodySchema, sensorListSchema, sensorNameParamsSchema, sensorStateResponseSchema } from '../api-schemas.js';

/** Evaluations listed per sensor (and calls per webhook). */
export const LAST_EVALUATIONS = 10;

/**
 * @example
 * // GET /api/sensors → { sensors: [{ name: 'new_exports', type: 'files', interval: '30s', state: 'RUNNING', lastEvaluations: [{ status: 'REQUESTED', runIds: ['5b0e…'], … }] }], webhooks: […] }
 * // POST /api/sensors/new_exports/pause → 200 { name: 'new_exports', state: 'PAUSED' }
 */
export function addSensorRoutes(api: ApiContext): void {
  addRoute(api.app, api.book, {
    method: 'get', path: '/api/sensors', tag: 'automation', summary: 'Sensors and webhook triggers: state, interval, next evaluation and the last evaluations (or calls)',
    responses: { 200: { description: 'Every sensor and webhook of the project', schema: sensorListSchema } },
  }, async ({ c }) => {
    const { definitions } = api.snapshot();
    const project = definitions.project.name;
    const store = api.deps.storage.sensors;
    const states = await store.sensorStates(project);
    const sensors = await Promise.all((definitions.sensors ?? []).map(async (sensor) => {
      const state = states.get(sensor.name);
      return {
        name: sensor.name, type: sensor.type, interval: sensor.interval, intervalMs: sensor.intervalMs, select: sensor.select ?? null,
        state: state?.state ?? 'RUNNING', ...(sensor.description ? { description: sensor.description } : {}), target: targetOf(sensor),
        nextEvaluationAt: finite(nextEvaluationAt(sensor, state)),
        lastEvaluations: (await store.listEvaluations(project, sensor.name, { limit: LAST_EVALUATIONS })).map(evaluationView),
      };
    }));
    const webhooks = await Promise.all((definitions.webhooks ?? []).map(async (webhook) => ({
      name: webhook.name, select: webhook.select ?? null, secretSetting: webhook.secret, path: `/api/webhooks/${webhook.name}`,
      lastCalls: (await store.listEvaluations(project, webhookHistoryName(webhook.name), { limit: LAST_EVALUATIONS })).map(evaluationView),
    })));
    return api.json(c, { sensors, webhooks });
  });

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

/** An evaluation as the API shows it. */
export function evaluationView(evaluation: SensorEvaluation) {
  return {
    startedAt: evaluation.startedAt, durationMs: evaluation.durationMs, status: evaluation.status, runIds: evaluation.runIds, slow: evaluation.slow,
    ...(evaluation.error !== undefined ? { error: evaluation.error } : {}), ...(evaluation.reason !== undefined ? { reason: evaluation.reason } : {}),
  };
}

function targetOf(sensor: SensorDefinition): string | undefined {
  switch (sensor.type) {
    case 'files': return sensor.path;
    case 'sql': return sensor.query;
    case 'asset': return sensor.asset;
    case 'run_status': return sensor.status;
    case 'custom': return undefined;
  }
}

function finite(value: number | null): number | null {
  return value === null ? null : Number.isFinite(value) ? value : 0;
}
