/** AlertStore over any Kysely<WeirDb>: signals from automation, open alert problems, the router's cursor, deliveries. */
import type { Generated, Kysely } from 'kysely';
import type { AlertMessage, AlertSignal, DeliveryStatus } from '../../events/index.js';
import type {
  AlertDeliveryAttempt, AlertRouterCursor, AlertRoutingPass, AlertStore, OpenAlertProblem, StoredAlertDelivery, StoredAlertSignal,
} from '../storage.js';
import type { WeirDb } from './weir-db.js';

/** The tables of this store (added by its migration), as Kysely sees them. */
export interface AlertTables {
  alert_signals: {
    id: Generated<number>;
    project: string;
    kind: string;
    problem_key: string;
    /** 0 or 1. */
    resolved: number;
    timestamp: number;
    /** JSON: the whole AlertSignal. */
    data: string;
  };
  alert_router_cursors: { project: string; event_id: number; signal_id: number };
  alert_problems: {
    project: string;
    rule: string;
    problem_key: string;
    opened_at: number;
    last_sent_at: number;
    /** JSON AlertMessage. */
    message: string;
  };
  alert_deliveries: {
    delivery_id: string;
    project: string;
    channel: string;
    rule: string;
    problem_key: string | null;
    /** Copied from the message, for the UI's list. */
    kind: string;
    subject: string;
    /** JSON AlertMessage. */
    message: string;
    status: DeliveryStatus;
    attempts: number;
    next_attempt_at: number | null;
    last_error: string | null;
    created_at: number;
    updated_at: number;
  };
}

type DeliveryRow = AlertTables['alert_deliveries'];

const DEFAULT_LIMIT = 100;

/**
 * @example
 * const alerts = new SqlAlertStore(db);
 * await alerts.recordSignal({ kind: 'SENSOR_ERRORED', project: 'shop', subject: 'new_exports', problemKey: 'sensor:new_exports', message: '…', timestamp: nowMs });
 * (await alerts.signalsAfter(0))[0].id // 1
 */
export class SqlAlertStore implements AlertStore {
  constructor(private readonly db: Kysely<WeirDb>) {}

  async recordSignal(signal: AlertSignal): Promise<void> {
    await this.db.insertInto('alert_signals').values({
      project: signal.project, kind: signal.kind, problem_key: signal.problemKey, resolved: signal.resolved ? 1 : 0,
      timestamp: signal.timestamp, data: JSON.stringify(signal),
    }).execute();
  }

  async signalsAfter(afterId: number, query: { project?: string; limit?: number } = {}): Promise<StoredAlertSignal[]> {
    let q = this.db.selectFrom('alert_signals').select(['id', 'data']).where('id', '>', afterId);
    if (query.project !== undefined) q = q.where('project', '=', query.project);
    const rows = await q.orderBy('id').limit(query.limit ?? 1000).execute();
    return rows.map((r) => ({ ...(JSON.parse(r.data) as AlertSignal), id: Number(r.id) }));
  }

  async routerCursor(project: string): Promise<AlertRouterCursor | undefined> {
    const row = await this.db.selectFrom('alert_router_cursors').selectAll().where('project', '=', project).executeTakeFirst();
    return row && { eventId: Number(row.event_id), signalId: Number(row.signal_id) };
  }

  async openProblems(project: string): Promise<OpenAlertProblem[]> {
    const rows = await this.db.selectFrom('alert_problems').selectAll().where('project', '=', project).orderBy('opened_at').execute();
    return rows.map((r) => ({
      project: r.project, rule: r.rule, problemKey: r.problem_key, openedAt: Number(r.opened_at), lastSentAt: Number(r.last_sent_at),
      message: JSON.parse(r.message) as AlertMessage,
    }));
  }

  async commitRouting(pass: AlertRoutingPass): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('alert_router_cursors')
        .values({ project: pass.project, event_id: pass.cursor.eventId, signal_id: pass.cursor.signalId })
        .onConflict((oc) => oc.column('project').doUpdateSet({ event_id: pass.cursor.eventId, signal_id: pass.cursor.signalId }))
        .execute();
      for (const p of pass.opened) {
        await trx.insertInto('alert_problems')
          .values({ project: p.project, rule: p.rule, problem_key: p.problemKey, opened_at: p.openedAt, last_sent_at: p.lastSentAt, message: JSON.stringify(p.message) })
          .onConflict((oc) => oc.columns(['project', 'rule', 'problem_key']).doUpdateSet({ last_sent_at: p.lastSentAt, message: JSON.stringify(p.message) }))
          .execute();
      }
      for (const r of pass.resolved) {
        await trx.deleteFrom('alert_problems').where('project', '=', pass.project).where('rule', '=', r.rule).where('problem_key', '=', r.problemKey).execute();
      }
      for (const d of pass.deliveries) {
        await trx.insertInto('alert_deliveries').values({
          delivery_id: d.deliveryId, project: d.project, channel: d.channel, rule: d.rule, problem_key: d.problemKey,
          kind: d.message.kind, subject: d.message.subject, message: JSON.stringify(d.message), status: 'PENDING', attempts: 0,
          next_attempt_at: d.createdAt, last_error: null, created_at: d.createdAt, updated_at: d.createdAt,
        }).execute();
      }
    });
  }

  async dueDeliveries(nowMs: number, query: { project?: string; limit?: number } = {}): Promise<StoredAlertDelivery[]> {
    let q = this.db.selectFrom('alert_deliveries').selectAll().where('status', '=', 'PENDING').where('next_attempt_at', '<=', nowMs);
    if (query.project !== undefined) q = q.where('project', '=', query.project);
    const rows = await q.orderBy('next_attempt_at').orderBy('delivery_id').limit(query.limit ?? DEFAULT_LIMIT).execute();
    return rows.map(toDelivery);
  }

  async nextDueAt(project?: string): Promise<number | undefined> {
    let q = this.db.selectFrom('alert_deliveries').select((eb) => eb.fn.min('next_attempt_at').as('next')).where('status', '=', 'PENDING');
    if (project !== undefined) q = q.where('project', '=', project);
    const row = await q.executeTakeFirst();
    return row?.next === null || row?.next === undefined ? undefined : Number(row.next);
  }

  async recordAttempt(deliveryId: string, attempt: AlertDeliveryAttempt): Promise<void> {
    await this.db.updateTable('alert_deliveries').set({
      status: attempt.status, attempts: attempt.attempts, next_attempt_at: attempt.nextAttemptAt, last_error: attempt.error, updated_at: attempt.at,
    }).where('delivery_id', '=', deliveryId).execute();
  }

  async listDeliveries(query: { project?: string; channel?: string; limit?: number } = {}): Promise<StoredAlertDelivery[]> {
    let q = this.db.selectFrom('alert_deliveries').selectAll();
    if (query.project !== undefined) q = q.where('project', '=', query.project);
    if (query.channel !== undefined) q = q.where('channel', '=', query.channel);
    const rows = await q.orderBy('created_at', 'desc').orderBy('delivery_id', 'desc').limit(query.limit ?? DEFAULT_LIMIT).execute();
    return rows.map(toDelivery);
  }

  async getDelivery(deliveryId: string): Promise<StoredAlertDelivery | undefined> {
    const row = await this.db.selectFrom('alert_deliveries').selectAll().where('delivery_id', '=', deliveryId).executeTakeFirst();
    return row && toDelivery(row);
  }
}

function toDelivery(r: DeliveryRow): StoredAlertDelivery {
  return {
    deliveryId: r.delivery_id, project: r.project, channel: r.channel, rule: r.rule, problemKey: r.problem_key,
    message: JSON.parse(r.message) as AlertMessage, createdAt: Number(r.created_at), status: r.status, attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at === null ? null : Number(r.next_attempt_at), lastError: r.last_error, updatedAt: Number(r.updated_at),
  };
}
