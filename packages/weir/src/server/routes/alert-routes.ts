/** `GET /api/alerts`: the project's alert channels (type and state, never the URL), rules and recent deliveries. */
import { z } from 'zod';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import { alertsSchema, errorBodySchema, type Alerts } from '../api-schemas.js';

const alertsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/**
 * @example
 * // GET /api/alerts?limit=20
 * // {"channels":[{"name":"team_teams","type":"teams","enabled":true}],"rules":[{"name":"failures","on":["check_failed"],"channels":["team_teams"]}],
 * //  "deliveries":[{"id":"…","channel":"team_teams","kind":"check_failed","status":"ACCEPTED","attempts":1,"at":1764810000000,…}]}
 */
export function addAlertRoutes(api: ApiContext): void {
  addRoute(api.app, api.book, {
    method: 'get', path: '/api/alerts', tag: 'alerts',
    summary: 'Alert channels (type and whether enabled, never a URL or token), rules, and the recent deliveries, newest first, with status and error',
    query: alertsQuerySchema,
    responses: { 200: { description: 'Channels, rules and deliveries', schema: alertsSchema }, 400: { description: 'Invalid query', schema: errorBodySchema } },
  }, async ({ c, query }) => {
    const { project } = api.snapshot().definitions;
    const alerts = project.alerts ?? { channels: [], rules: [] };
    const deliveries = await api.deps.storage.alerts.listDeliveries({ project: project.name, limit: query.limit });
    const body: Alerts = {
      // Picked field by field: a channel's config holds its URL and credentials.
      channels: alerts.channels.map((ch) => ({ name: ch.name, type: ch.type, enabled: ch.enabled, ...(ch.disabledReason ? { disabledReason: ch.disabledReason } : {}) })),
      rules: alerts.rules.map(({ line: _line, ...rule }) => rule),
      deliveries: deliveries.map((d) => ({
        id: d.deliveryId, channel: d.channel, rule: d.rule, kind: d.message.kind, state: d.message.state, subject: d.message.subject,
        title: d.message.title, line: d.message.line, ...(d.message.runId ? { runId: d.message.runId } : {}), status: d.status, attempts: d.attempts,
        ...(d.lastError ? { error: d.lastError } : {}), at: d.updatedAt, createdAt: d.createdAt,
        ...(d.status === 'PENDING' && d.nextAttemptAt !== null ? { nextAttemptAt: d.nextAttemptAt } : {}),
      })),
    };
    return api.json(c, body);
  });
}
