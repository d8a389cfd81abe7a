/**
 * `POST /api/webhooks/:name`: an outside system starts a run. Authenticated only by an HMAC-SHA256 signature of the raw
 * body under the webhook's secret setting (`X-Weir-Signature: sha256=<hex>`); the JSON body is the run's trigger payload.
 */
import { createHmac } from 'node:crypto';
import type { Context } from 'hono';
import { webhookHistoryName } from '../../events/index.js';
import { didYouMean } from '../../shared/suggest.js';
import { ApiError } from '../api-error.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import { errorBodySchema, launchResponseSchema, sensorNameParamsSchema } from '../api-schemas.js';
import { tokensEqual } from '../security.js';

/**
 * Rejected calls recorded per webhook and minute: beyond it they are still refused (401) but not each stored, so a
 * flood of forged calls cannot fill the metadata. The next minute records again.
 */
export const MAX_RECORDED_REJECTIONS_PER_MINUTE = 20;

/** The header carrying the signature. */
export const SIGNATURE_HEADER = 'X-Weir-Signature';

/**
 * The signature a sender puts in X-Weir-Signature: HMAC-SHA256 of the exact bytes of the body, in hex.
 *
 * @example
 * webhookSignature('s3cret-value', '{"file":"orders.xlsx"}') // 'sha256=7d5c…'
 * // curl -H "X-Weir-Signature: sha256=$(printf %s "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)" …
 */
export function webhookSignature(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * @example
 * // POST /api/webhooks/erp_export_ready, X-Weir-Signature: sha256=<right>, body {"file":"x.xlsx"} → 202 {"runId":"5b0e…"}
 * // the same with a wrong or no signature → 401 {"error":{"code":"INVALID_SIGNATURE",…}}, recorded, no run
 */
export function addWebhookRoutes(api: ApiContext): void {
  const rejections = new Map<string, { minute: number; count: number }>();
  /** Whether this rejection of `name` is still to be stored (see MAX_RECORDED_REJECTIONS_PER_MINUTE). */
  const recordRejection = (name: string, nowMs: number): boolean => {
    const minute = Math.floor(nowMs / 60_000);
    const entry = rejections.get(name);
    if (!entry || entry.minute !== minute) {
      rejections.set(name, { minute, count: 1 });
      return true;
    }
    entry.count += 1;
    return entry.count <= MAX_RECORDED_REJECTIONS_PER_MINUTE;
  };
  addRoute(api.app, api.book, {
    method: 'post', path: '/api/webhooks/:name', tag: 'automation',
    summary: 'Start the run of a webhook trigger: the body must be signed (X-Weir-Signature: sha256=<hex HMAC-SHA256 of the raw body under the secret setting>); the JSON body becomes ctx.trigger.payload',
    params: sensorNameParamsSchema,
    headers: [{ name: SIGNATURE_HEADER, description: 'sha256=<hex of HMAC-SHA256 of the raw request body, keyed with the webhook\'s secret setting>' }],
    responses: {
      202: { description: 'The run is recorded and starting', schema: launchResponseSchema },
      400: { description: 'The body is not JSON', schema: errorBodySchema },
      401: { description: 'Missing or wrong signature (the call is recorded; no run)', schema: errorBodySchema },
      404: { description: 'No such webhook', schema: errorBodySchema },
      503: { description: 'The secret setting has no value, or this server cannot launch runs', schema: errorBodySchema },
    },
  }, async ({ c, params }) => {
    const startedAt = api.deps.now?.() ?? Date.now();
    const started = performance.now();
    const { definitions } = api.snapshot();
    const names = (definitions.webhooks ?? []).map((w) => w.name);
    const webhook = definitions.webhooks?.find((w) => w.name === params.name);
    if (!webhook) throw new ApiError(404, 'UNKNOWN_WEBHOOK', `No webhook '${params.name}'. ${didYouMean(params.name, names)}`);
    const project = definitions.project.name;
    const record = (status: 'REQUESTED' | 'REJECTED' | 'ERROR', fields: { runIds?: string[]; error?: string; reason?: string }) =>
      api.deps.storage.sensors.recordEvaluation({
        project, sensorName: webhookHistoryName(webhook.name), startedAt, durationMs: Math.round(performance.now() - started), status, updatesState: false, ...fields,
      });
    // Read as bytes: the signature covers exactly what was sent, not a re-encoding of it.
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const secret = definitions.project.settings[webhook.secret];
    if (secret === undefined || secret === '') {
      if (recordRejection(webhook.name, startedAt)) await record('REJECTED', { error: `secret setting '${webhook.secret}' has no value` });
      throw new ApiError(503, 'WEBHOOK_NOT_CONFIGURED', `Webhook '${webhook.name}' is disabled: its secret setting '${webhook.secret}' has no value on this server.`);
    }
    const problem = signatureProblem(c, String(secret), raw);
    if (problem) {
      if (recordRejection(webhook.name, startedAt)) await record('REJECTED', { error: problem, ...clientReason(c) });
      throw new ApiError(401, 'INVALID_SIGNATURE', `${problem}: sign the raw body with HMAC-SHA256 under the webhook's secret and send \`${SIGNATURE_HEADER}: sha256=<hex>\`.`);
    }
    let payload: unknown;
    const text = new TextDecoder().decode(raw);
    if (text.trim()) {
      try {
        payload = JSON.parse(text);
      } catch (error) {
        await record('REJECTED', { error: `the body is not JSON: ${(error as Error).message}` });
        throw new ApiError(400, 'INVALID_JSON', `The request body is not valid JSON: ${(error as Error).message}.`);
      }
    }
    if (!api.deps.launcher) {
      await record('ERROR', { error: 'this server cannot launch runs' });
      throw new ApiError(503, 'LAUNCH_UNAVAILABLE', 'This server only shows runs; start `weir dev` or `weir serve` to launch them from here.');
    }
    let runId: string;
    try {
      const run = await api.deps.launcher.launch({
        ...(webhook.select !== undefined ? { select: webhook.select } : {}), trigger: 'webhook', tags: { 'weir/webhook': webhook.name },
        ...(payload !== undefined ? { triggerPayload: payload } : {}),
      });
      runId = run.runId;
    } catch (error) {
      await record('ERROR', { error: api.redact(`launching the run failed: ${(error as Error).message}`) });
      throw error;
    }
    await record('REQUESTED', { runIds: [runId] });
    return api.json(c, { runId }, 202);
  });
}

/** Why the signature is not accepted, or undefined when it is right. */
function signatureProblem(c: Context, secret: string, body: Uint8Array): string | undefined {
  const given = c.req.header(SIGNATURE_HEADER)?.trim();
  if (!given) return `missing ${SIGNATURE_HEADER} header`;
  if (!/^sha256=[0-9a-fA-F]{64}$/.test(given)) return `${SIGNATURE_HEADER} is not of the form sha256=<64 hex digits>`;
  // Constant time: comparing hashes of both gives equal lengths, and timingSafeEqual leaks nothing of the expected one.
  return tokensEqual(given.toLowerCase(), webhookSignature(secret, body)) ? undefined : 'the signature does not match the body';
}

/** Where a rejected call came from, for the record. */
function clientReason(c: Context): { reason?: string } {
  const address = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
  return address ? { reason: `from ${address}` } : {};
}
