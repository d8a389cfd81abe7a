/** Sensors and webhooks with their state and last evaluations: what `GET /api/sensors` and `weir sensors` show. */
import type { z } from 'zod';
import type { Definitions } from '../definitions/definitions.js';
import type { SensorDefinition } from '../definitions/sensor.js';
import { nextEvaluationAt, webhookHistoryName, type SensorEvaluation } from '../events/index.js';
import type { Storage } from '../storage/storage.js';
import type { sensorListSchema } from './api-schemas.js';

/** Evaluations listed per sensor (and calls per webhook). */
export const LAST_EVALUATIONS = 10;

export type SensorOverview = z.infer<typeof sensorListSchema>;

/**
 * @example
 * await sensorOverview(definitions, storage)
 * // { sensors: [{ name: 'new_exports', type: 'files', interval: '30s', state: 'RUNNING', target: 'inbox/*.xlsx',
 * //   lastEvaluations: [{ status: 'REQUESTED', runIds: ['5b0e…'], durationMs: 4, … }], … }], webhooks: [...] }
 */
export async function sensorOverview(definitions: Definitions, storage: Pick<Storage, 'sensors'>, limit = LAST_EVALUATIONS): Promise<SensorOverview> {
  const project = definitions.project.name;
  const store = storage.sensors;
  const states = await store.sensorStates(project);
  const sensors = await Promise.all((definitions.sensors ?? []).map(async (sensor) => {
    const state = states.get(sensor.name);
    return {
      name: sensor.name, type: sensor.type, interval: sensor.interval, intervalMs: sensor.intervalMs, select: sensor.select ?? null,
      state: state?.state ?? 'RUNNING', ...(sensor.description ? { description: sensor.description } : {}), ...optionalTarget(sensor),
      nextEvaluationAt: finite(nextEvaluationAt(sensor, state)),
      lastEvaluations: (await store.listEvaluations(project, sensor.name, { limit })).map(evaluationView),
    };
  }));
  const webhooks = await Promise.all((definitions.webhooks ?? []).map(async (webhook) => ({
    name: webhook.name, select: webhook.select ?? null, secretSetting: webhook.secret, path: `/api/webhooks/${webhook.name}`,
    lastCalls: (await store.listEvaluations(project, webhookHistoryName(webhook.name), { limit })).map(evaluationView),
  })));
  return { sensors, webhooks };
}

/** An evaluation as the API shows it. */
export function evaluationView(evaluation: SensorEvaluation): SensorOverview['sensors'][number]['lastEvaluations'][number] {
  return {
    startedAt: evaluation.startedAt, durationMs: evaluation.durationMs, status: evaluation.status, runIds: evaluation.runIds, slow: evaluation.slow,
    ...(evaluation.error !== undefined ? { error: evaluation.error } : {}), ...(evaluation.reason !== undefined ? { reason: evaluation.reason } : {}),
  };
}

/** What a sensor watches, in words: the glob, the query, the asset or the status. */
function optionalTarget(sensor: SensorDefinition): { target?: string } {
  switch (sensor.type) {
    case 'files': return { target: sensor.path };
    case 'sql': return { target: sensor.query };
    case 'asset': return { target: sensor.asset };
    case 'run_status': return { target: sensor.status };
    case 'custom': return {};
  }
}

/** A never-evaluated sensor is due at once: shown as 0 (the epoch), which the UI and CLI show as "now". */
function finite(value: number | null): number | null {
  return value === null ? null : Number.isFinite(value) ? value : 0;
}
