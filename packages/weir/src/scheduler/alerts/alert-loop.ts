/**
 * The alert loop: routes what happened since its last pass into deliveries (recorded with the router's cursor in one
 * transaction), then sends the due deliveries, retrying failures with exponential backoff. It runs beside runs, never
 * inside them: a channel that is slow or down delays only its own deliveries.
 */
import type { AlertChannelDeclaration, AlertsConfig } from '../../definitions/alerts-config.js';
import { EventType, type EventRecord, type Run } from '../../events/index.js';
import { projectRedactor } from '../../engine/launch-run.js';
import type { AlertChannel, SendOutcome } from '../../notifications/alert-channel.js';
import { createAlertChannel } from '../../notifications/create-alert-channel.js';
import type { EmailChannelOptions } from '../../notifications/email/email-channel.js';
import { routeAlerts } from '../../notifications/route-alerts.js';
import type { BackgroundLoop } from '../../shared/background-loop.js';
import { newRunId } from '../../shared/ids.js';
import { redactDeep, secretRedactor } from '../../shared/redact.js';
import type { Storage, StoredAlertDelivery } from '../../storage/storage.js';
import type { AutomationDeps } from '../automation-deps.js';
import { ruleAssets } from './rule-assets.js';

export const ALERT_LOOP_INTERVAL_MS = 2_000;
/** One attempt's limit: a receiver that holds the connection open must not hold the loop. */
export const ALERT_SEND_TIMEOUT_MS = 10_000;
/** Attempts before a delivery is FAILED for good (about 10 minutes of retries with the default backoff). */
export const ALERT_MAX_ATTEMPTS = 8;
/** First retry after this; each next one waits twice as long, up to ALERT_MAX_BACKOFF_MS. */
export const ALERT_FIRST_BACKOFF_MS = 5_000;
export const ALERT_MAX_BACKOFF_MS = 5 * 60_000;
/** Deliveries sent at once in a pass. */
const SEND_CONCURRENCY = 8;
/** Events routed per pass: a backlog is worked through over several passes. */
const EVENTS_PER_PASS = 5_000;
const ROUTED_EVENT_TYPES = [EventType.RUN_FAILURE, EventType.RUN_SUCCESS, EventType.RUN_CANCELED, EventType.STEP_FAILURE, EventType.ASSET_CHECK_EVALUATION];

export interface AlertLoopOptions {
  intervalMs?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /** Links when `public_url` is not set. */
  fallbackUrl?: string;
  email?: EmailChannelOptions;
}

export type AlertLoopDeps = Pick<AutomationDeps, 'project' | 'storage' | 'log' | 'publicUrl'>;

/**
 * @example
 * const loop = createAlertLoop(deps);
 * await loop.runOnce(Date.now(), signal) // routes new failures into deliveries and sends what is due
 */
export function createAlertLoop(deps: AlertLoopDeps, options: AlertLoopOptions = {}): BackgroundLoop {
  // Channels live as long as their declaration: a reload of weir.yaml declares new ones.
  const channels = new WeakMap<AlertChannelDeclaration, AlertChannel | undefined>();
  const channelOf = (declaration: AlertChannelDeclaration) => {
    if (!channels.has(declaration)) channels.set(declaration, createAlertChannel(declaration, { email: options.email }));
    return channels.get(declaration);
  };
  return {
    name: 'alerts',
    intervalMs: options.intervalMs ?? ALERT_LOOP_INTERVAL_MS,
    async runOnce(nowMs, signal) {
      const { definitions, graph } = deps.project();
      const alerts = definitions.project.alerts;
      if (!alerts || (!alerts.rules.length && !alerts.channels.length)) return;
      const project = definitions.project.name;
      const redact = redactorOf(definitions);
      await routePass(deps, alerts, { project, nowMs, root: definitions.project.root, graph, fallbackUrl: options.fallbackUrl, redact });
      if (signal.aborted) return;
      await sendPass(deps.storage, alerts, { project, nowMs, signal, redact, options, log: deps.log, channelOf });
    },
  };
}

/**
 * Computes when a failed attempt is tried again.
 *
 * @example
 * retryDelayMs(1) // 5000
 * retryDelayMs(3) // 20000
 */
export function retryDelayMs(attempts: number, first = ALERT_FIRST_BACKOFF_MS, max = ALERT_MAX_BACKOFF_MS): number {
  return Math.min(max, first * 2 ** Math.max(0, attempts - 1));
}

async function routePass(
  deps: AlertLoopDeps, alerts: AlertsConfig,
  ctx: { project: string; nowMs: number; root: string; graph: ReturnType<AlertLoopDeps['project']>['graph']; fallbackUrl?: string; redact: (text: string) => string },
): Promise<void> {
  const { storage } = deps;
  const stored = await storage.alerts.routerCursor(ctx.project);
  // The first pass starts from now: a project that gains alerts is not sent its whole history.
  const cursor = stored ?? { eventId: await storage.events.lastEventId(), signalId: 0 };
  const page = await storage.events.eventsAfter(cursor.eventId, { project: ctx.project, types: ROUTED_EVENT_TYPES, limit: EVENTS_PER_PASS });
  const signals = await storage.alerts.signalsAfter(cursor.signalId, { project: ctx.project });
  const openProblems = await storage.alerts.openProblems(ctx.project);
  const needsRunning = alerts.rules.some((r) => r.on.includes('run_too_long')) || openProblems.some((p) => p.problemKey.startsWith('too_long:'));
  const running = needsRunning ? await storage.runs.listRuns({ project: ctx.project, statuses: ['STARTED'] }) : [];
  // Of the open problems, only a too-long run's needs its run (to tell whether it has ended).
  const runs = await runsOf(storage, page.events, running, openProblems.filter((p) => p.problemKey.startsWith('too_long:')).map((p) => p.message.runId));
  const nothingNew = !page.events.length && !signals.length && page.nextAfterId === cursor.eventId;
  const enabledChannels = new Set(alerts.channels.filter((c) => c.enabled).map((c) => c.name));
  const result = routeAlerts({
    project: ctx.project, nowMs: ctx.nowMs, publicUrl: deps.publicUrl ?? ctx.fallbackUrl ?? 'http://localhost:3000', rules: alerts.rules,
    enabledChannels, ruleAssets: cachedRuleAssets(alerts, ctx.graph, ctx.root), events: page.events, runs, running,
    signals, openProblems, newId: newRunId,
  });
  if (nothingNew && stored && !result.deliveries.length && !result.opened.length && !result.resolved.length) return;
  await storage.alerts.commitRouting({
    project: ctx.project,
    cursor: { eventId: page.nextAfterId, signalId: signals.at(-1)?.id ?? cursor.signalId },
    opened: result.opened.map((p) => ({ ...p, project: ctx.project })),
    resolved: result.resolved,
    // Events and signals are stored redacted already; masked again here because a message is what leaves the machine.
    deliveries: result.deliveries.map((d) => ({ ...d, message: redactDeep(d.message, ctx.redact), project: ctx.project, createdAt: ctx.nowMs })),
  });
}

const redactors = new WeakMap<object, (text: string) => string>();
/** One redactor per loaded definitions: building its pattern at every pass would be wasted work. */
function redactorOf(definitions: Parameters<typeof projectRedactor>[0]): (text: string) => string {
  let redact = redactors.get(definitions);
  if (!redact) redactors.set(definitions, (redact = projectRedactor(definitions)));
  return redact;
}

// Selections are resolved once per loaded project, not at every pass: a reload of the definitions gives a new graph.
const ruleAssetsByGraph = new WeakMap<object, Map<string, Set<string>>>();
function cachedRuleAssets(alerts: AlertsConfig, graph: object & Parameters<typeof ruleAssets>[1], root: string): Map<string, Set<string>> {
  let assets = ruleAssetsByGraph.get(graph);
  if (!assets) ruleAssetsByGraph.set(graph, (assets = ruleAssets(alerts.rules, graph, root).assets));
  return assets;
}

/** The runs the router needs: those of the events, their first runs (for recovery), running ones, those of open problems. */
async function runsOf(storage: Storage, events: readonly EventRecord[], running: readonly Run[], more: ReadonlyArray<string | undefined>): Promise<Map<string, Run>> {
  const runs = new Map(running.map((r) => [r.runId, r]));
  const wanted = new Set([...events.map((e) => e.runId), ...more.filter((id): id is string => !!id)]);
  for (const runId of wanted) {
    if (runs.has(runId)) continue;
    const run = await storage.runs.getRun(runId);
    if (run) runs.set(runId, run);
  }
  for (const run of [...runs.values()]) {
    if (run.rootRunId && !runs.has(run.rootRunId)) {
      const root = await storage.runs.getRun(run.rootRunId);
      if (root) runs.set(root.runId, root);
    }
  }
  return runs;
}

async function sendPass(
  storage: Storage, alerts: AlertsConfig,
  ctx: {
    project: string; nowMs: number; signal: AbortSignal; redact: (text: string) => string; options: AlertLoopOptions; log: AlertLoopDeps['log'];
    channelOf: (declaration: AlertChannelDeclaration) => AlertChannel | undefined;
  },
): Promise<void> {
  const due = await storage.alerts.dueDeliveries(ctx.nowMs, { project: ctx.project });
  if (!due.length) return;
  const channels = new Map(alerts.channels.map((c) => [c.name, c]));
  const queue = [...due];
  const worker = async () => {
    for (let delivery = queue.shift(); delivery; delivery = queue.shift()) {
      if (ctx.signal.aborted) return;
      const declaration = channels.get(delivery.channel);
      await deliver(storage, delivery, declaration, declaration && ctx.channelOf(declaration), ctx);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, queue.length) }, worker));
}

async function deliver(
  storage: Storage, delivery: StoredAlertDelivery, declaration: AlertChannelDeclaration | undefined, channel: AlertChannel | undefined,
  ctx: { nowMs: number; signal: AbortSignal; redact: (text: string) => string; options: AlertLoopOptions; log: AlertLoopDeps['log'] },
): Promise<void> {
  const attempts = delivery.attempts + 1;
  const outcome: SendOutcome = channel
    ? await channel.send(delivery.message, { deliveryId: delivery.deliveryId, nowMs: ctx.nowMs, timeoutMs: ctx.options.timeoutMs ?? ALERT_SEND_TIMEOUT_MS, signal: ctx.signal })
    : { status: 'FAILED', retryable: false, error: declaration ? `channel '${delivery.channel}' is disabled: ${declaration.disabledReason ?? 'no configuration'}` : `channel '${delivery.channel}' is no longer declared in weir.yaml` };
  // Twice safe: the channel masks its own credentials; the project's secrets and every channel's are masked here too.
  const redact = (text: string) => secretRedactor(declaration?.secrets ?? [])(ctx.redact(text));
  if (outcome.status !== 'FAILED') {
    await storage.alerts.recordAttempt(delivery.deliveryId, { status: outcome.status, attempts, nextAttemptAt: null, error: null, at: ctx.nowMs });
    ctx.log({ level: 'info', loop: 'alerts', message: `${delivery.message.title} → ${delivery.channel}: ${outcome.status}`, fields: { deliveryId: delivery.deliveryId, attempts } });
    return;
  }
  const error = redact(outcome.error);
  const maxAttempts = ctx.options.maxAttempts ?? ALERT_MAX_ATTEMPTS;
  const again = outcome.retryable && attempts < maxAttempts;
  const nextAttemptAt = again ? ctx.nowMs + retryDelayMs(attempts, ctx.options.firstBackoffMs, ctx.options.maxBackoffMs) : null;
  await storage.alerts.recordAttempt(delivery.deliveryId, { status: again ? 'PENDING' : 'FAILED', attempts, nextAttemptAt, error, at: ctx.nowMs });
  ctx.log({
    level: again ? 'warn' : 'error', loop: 'alerts',
    message: `${delivery.message.title} → ${delivery.channel}: attempt ${attempts} failed: ${error}${again ? ` (next attempt in ${Math.round((nextAttemptAt! - ctx.nowMs) / 1000)} s)` : ''}`,
    fields: { deliveryId: delivery.deliveryId, attempts },
  });
}
