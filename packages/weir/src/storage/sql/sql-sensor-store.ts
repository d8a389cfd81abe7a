/** SensorStore over any Kysely<WeirDb>: sensor cursors, processed items and evaluations. */
import type { Generated, Kysely } from 'kysely';
import type { SensorEvaluation, SensorEvaluationStatus, SensorState, SensorStateRecord } from '../../events/index.js';
import type { NewSensorEvaluation, SensorStore } from '../storage.js';
import type { WeirDb } from './weir-db.js';

/** One row per sensor that was evaluated or paused. */
export interface SensorStatesTable {
  project: string;
  sensor_name: string;
  state: SensorState;
  cursor: string | null;
  last_evaluation_started_at: number | null;
  last_evaluation_ended_at: number | null;
  last_status: SensorEvaluationStatus | null;
  updated_at: number;
}

/** Every evaluation of a sensor and every call of a webhook (sensor_name is the webhook's name). */
export interface SensorEvaluationsTable {
  id: Generated<number>;
  project: string;
  sensor_name: string;
  started_at: number;
  duration_ms: number;
  status: SensorEvaluationStatus;
  /** JSON array of run ids. */
  run_ids: string;
  error: string | null;
  reason: string | null;
  /** 0/1 */
  slow: number;
  cursor: string | null;
}

/** What a sensor has processed: a file sensor's files, keyed by path, with size and modification time. */
export interface SensorProcessedItemsTable {
  project: string;
  sensor_name: string;
  item_key: string;
  fingerprint: string;
  processed_at: number;
}

/** The tables of this store (added by its migration), as Kysely sees them. */
export interface SensorTables {
  sensor_states: SensorStatesTable;
  sensor_evaluations: SensorEvaluationsTable;
  sensor_processed_items: SensorProcessedItemsTable;
}

/** Rows per INSERT of processed items: well under SQLite's 32,766 bound parameters at 5 columns a row. */
const PROCESSED_CHUNK = 500;

export class SqlSensorStore implements SensorStore {
  constructor(private readonly db: Kysely<WeirDb>) {}

  async sensorStates(project: string): Promise<Map<string, SensorStateRecord>> {
    const rows = await this.db.selectFrom('sensor_states').selectAll().where('project', '=', project).execute();
    return new Map(rows.map((row) => [row.sensor_name, {
      sensorName: row.sensor_name, state: row.state, cursor: row.cursor,
      lastEvaluationStartedAt: nullableNumber(row.last_evaluation_started_at), lastEvaluationEndedAt: nullableNumber(row.last_evaluation_ended_at),
      lastStatus: row.last_status,
    }]));
  }

  async setSensorState(project: string, sensorName: string, state: SensorState, nowMs: number): Promise<void> {
    await this.db.insertInto('sensor_states')
      .values({ project, sensor_name: sensorName, state, cursor: null, last_evaluation_started_at: null, last_evaluation_ended_at: null, last_status: null, updated_at: nowMs })
      .onConflict((oc) => oc.columns(['project', 'sensor_name']).doUpdateSet({ state, updated_at: nowMs }))
      .execute();
  }

  async recordEvaluation(evaluation: NewSensorEvaluation): Promise<SensorEvaluation> {
    return this.db.transaction().execute(async (trx) => {
      const { project, sensorName: sensor_name } = evaluation;
      const endedAt = evaluation.startedAt + evaluation.durationMs;
      if (evaluation.updatesState !== false) {
        const set = {
          last_evaluation_started_at: evaluation.startedAt, last_evaluation_ended_at: endedAt, last_status: evaluation.status, updated_at: endedAt,
          ...(evaluation.cursor !== undefined ? { cursor: evaluation.cursor } : {}),
        };
        await trx.insertInto('sensor_states')
          .values({ project, sensor_name, state: 'RUNNING', cursor: evaluation.cursor ?? null, ...set })
          .onConflict((oc) => oc.columns(['project', 'sensor_name']).doUpdateSet(set))
          .execute();
      }
      const processed = evaluation.processed ?? [];
      for (let i = 0; i < processed.length; i += PROCESSED_CHUNK) {
        const rows = processed.slice(i, i + PROCESSED_CHUNK).map((item) => ({ project, sensor_name, item_key: item.key, fingerprint: item.fingerprint, processed_at: endedAt }));
        await trx.insertInto('sensor_processed_items').values(rows)
          .onConflict((oc) => oc.columns(['project', 'sensor_name', 'item_key']).doUpdateSet((eb) => ({ fingerprint: eb.ref('excluded.fingerprint'), processed_at: eb.ref('excluded.processed_at') })))
          .execute();
      }
      const cursor = evaluation.cursor !== undefined ? evaluation.cursor
        : (await trx.selectFrom('sensor_states').select('cursor').where('project', '=', project).where('sensor_name', '=', sensor_name).executeTakeFirst())?.cursor ?? null;
      const row = {
        project, sensor_name, started_at: evaluation.startedAt, duration_ms: evaluation.durationMs, status: evaluation.status,
        run_ids: JSON.stringify(evaluation.runIds ?? []), error: evaluation.error ?? null, reason: evaluation.reason ?? null,
        slow: evaluation.slow ? 1 : 0, cursor,
      };
      const { id } = await trx.insertInto('sensor_evaluations').values(row).returning('id').executeTakeFirstOrThrow();
      return toEvaluation({ ...row, id });
    });
  }

  async listEvaluations(project: string, sensorName: string, query: { limit?: number; beforeId?: number } = {}): Promise<SensorEvaluation[]> {
    let select = this.db.selectFrom('sensor_evaluations').selectAll().where('project', '=', project).where('sensor_name', '=', sensorName);
    if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
    const rows = await select.orderBy('id', 'desc').limit(query.limit ?? 20).execute();
    return rows.map(toEvaluation);
  }

  async processedItems(project: string, sensorName: string): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('sensor_processed_items').select(['item_key', 'fingerprint'])
      .where('project', '=', project).where('sensor_name', '=', sensorName).execute();
    return new Map(rows.map((row) => [row.item_key, row.fingerprint]));
  }
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function toEvaluation(row: Omit<SensorEvaluationsTable, 'id'> & { id: number | bigint | string }): SensorEvaluation {
  return {
    id: Number(row.id), project: row.project, sensorName: row.sensor_name, startedAt: Number(row.started_at), durationMs: Number(row.duration_ms),
    status: row.status, runIds: JSON.parse(row.run_ids) as string[], slow: Number(row.slow) === 1, cursor: row.cursor,
    ...(row.error !== null ? { error: row.error } : {}), ...(row.reason !== null ? { reason: row.reason } : {}),
  };
}
