/**
 * The alert router, pure: from the run events after its cursor, the running runs at `nowMs` and the signals of other
 * loops, decides which rules fire, which problems open or resolve, and which messages go to which channels.
 */
import type { AlertEventKind, AlertRule } from '../definitions/alerts-config.js';
import {
  checkOutcomeOf, type AlertMessage, type AlertSignal, type AlertSignalKind, type CheckEvaluationData, type EventRecord, type Run, type RunEndData,
  type StepFailureData,
} from '../events/index.js';
import { formatDuration } from '../shared/duration.js';

/** The open problems and cursor as the router reads and writes them (the store's shapes, declared here for this layer). */
export interface RouterProblem {
  rule: string;
  problemKey: string;
  openedAt: number;
  lastSentAt: number;
  message: AlertMessage;
}

/** A recorded AlertSignal as the router reads it: with its store id, without what routing never looks at. */
export type RouterSignal = Omit<AlertSignal, 'project' | 'details'> & { id: number };

export interface RouteAlertsInput {
  project: string;
  nowMs: number;
  /** Where links point: the public URL, or `http://localhost:<port>`. */
  publicUrl: string;
  rules: readonly AlertRule[];
  /** The channels that can send (declared and enabled): a rule's other channels get nothing. */
  enabledChannels: ReadonlySet<string>;
  /** Per rule with a `select`, `group` or `owner` filter, the assets it matches; rules without one are absent. */
  ruleAssets: ReadonlyMap<string, ReadonlySet<string>>;
  /** Stored events after the cursor, oldest first (only the types the router reads matter). */
  events: readonly EventRecord[];
  /** The runs those events belong to, their root runs, and the running runs. */
  runs: ReadonlyMap<string, Run>;
  /** Runs in status STARTED at nowMs. */
  running: readonly Run[];
  signals: readonly RouterSignal[];
  openProblems: readonly RouterProblem[];
  /** A fresh id for each delivery. */
  newId: () => string;
}

export interface RoutedDelivery {
  deliveryId: string;
  channel: string;
  rule: string;
  problemKey: string | null;
  message: AlertMessage;
}

export interface RouteAlertsResult {
  /** Problems opened or re-sent in this pass (insert or update). */
  opened: RouterProblem[];
  resolved: Array<{ rule: string; problemKey: string }>;
  deliveries: RoutedDelivery[];
}

/**
 * Failing selections are remembered under this pseudo-rule, whatever the rules say, so `run_recovered` is known for a
 * rule that does not alert on `run_failed`. Never a rule name: rule names are letters, digits, `_` and `-`.
 */
export const RUN_STATE_RULE = '*';

const SIGNAL_EVENT_KINDS: Record<AlertSignalKind, AlertEventKind> = {
  SCHEDULE_ERRORED: 'schedule_errored', SENSOR_ERRORED: 'sensor_errored', FRESHNESS_VIOLATED: 'freshness_violated', BACKFILL_FINISHED: 'backfill_finished',
};

/** What an occurrence is about, for the rules' filters. */
interface Scope {
  assets: readonly string[];
  tags?: Record<string, string>;
  severity?: 'error' | 'warn';
}

/**
 * @example
 * routeAlerts({ project: 'shop', nowMs, publicUrl: 'https://weir.example.org', rules: [{ name: 'failures', on: ['check_failed'], channels: ['team_ntfy'] }],
 *   enabledChannels: new Set(['team_ntfy']), ruleAssets: new Map(), events, runs, running: [], signals: [], openProblems: [], newId })
 * // { opened: [{ rule: 'failures', problemKey: 'check:revenue:positive', … }],
 * //   deliveries: [{ channel: 'team_ntfy', message: { title: 'Check failed: revenue.positive', line: 'revenue: check positive failed: observed 3, expected 0', link: 'https://weir.example.org/#/runs/…' } }], resolved: [] }
 */
export function routeAlerts(input: RouteAlertsInput): RouteAlertsResult {
  return new AlertRouting(input).route();
}

class AlertRouting {
  /** Open problems by `rule\u0000key`, as they stand after what this pass has seen so far. */
  private readonly open = new Map<string, RouterProblem>();
  private readonly changed = new Map<string, RouterProblem>();
  private readonly resolved = new Map<string, { rule: string; problemKey: string }>();
  private readonly deliveries: RoutedDelivery[] = [];
  /** The first failed step of each run in this window: what a run failure message says. */
  private readonly firstFailure = new Map<string, { stepKey: string; data: StepFailureData; check?: CheckEvaluationData }>();
  private readonly failedChecks = new Map<string, CheckEvaluationData>();

  constructor(private readonly input: RouteAlertsInput) {
    for (const p of input.openProblems) this.open.set(id(p.rule, p.problemKey), p);
  }

  route(): RouteAlertsResult {
    for (const event of this.input.events) this.onEvent(event);
    for (const signal of this.input.signals) this.onSignal(signal);
    this.runsTooLong();
    this.repeats();
    return { opened: [...this.changed.values()], resolved: [...this.resolved.values()], deliveries: this.deliveries };
  }

  private onEvent(event: EventRecord): void {
    if (event.project !== this.input.project) return;
    const run = this.input.runs.get(event.runId);
    if (event.type === 'ASSET_CHECK_EVALUATION') return this.onCheck(event.data, event.runId, run, event.timestamp);
    if (event.type === 'STEP_FAILURE' && event.stepKey && !this.firstFailure.has(event.runId) && event.data.reason !== 'canceled') {
      this.firstFailure.set(event.runId, { stepKey: event.stepKey, data: event.data, check: this.failedChecks.get(`${event.runId}\u0000${event.stepKey}`) });
      return;
    }
    if (!run) return;
    if (event.type === 'RUN_FAILURE') return this.onRunFailed(run, event.data, event.timestamp);
    if (event.type === 'RUN_SUCCESS') return this.onRunSucceeded(run, event.data, event.timestamp);
    if (event.type === 'RUN_CANCELED') this.resolveTooLong(run, event.timestamp, 'was cancelled');
  }

  private onCheck(data: CheckEvaluationData, runId: string, run: Run | undefined, at: number): void {
    const outcome = checkOutcomeOf(data);
    const key = `check:${data.assetKey}:${data.checkName}${partitionSuffix(run)}`;
    const scope: Scope = { assets: [data.assetKey], tags: run?.tags, severity: data.severity };
    const name = `${data.assetKey}.${data.checkName}`;
    if (outcome === 'passed' || outcome === 'warn_only') {
      this.resolveAll(key, (rule) => rule.on.includes('check_failed'), {
        kind: 'check_failed', subject: data.assetKey, title: `Check passes again: ${name}`,
        line: `${data.assetKey}: check ${data.checkName} passes again${observedPart(data)}`, runId, timestamp: at,
      });
      return;
    }
    if (data.blocking || outcome === 'failed') this.failedChecks.set(`${runId}\u0000${data.assetKey}`, data);
    const verb = outcome === 'could_not_run' ? 'could not run' : 'failed';
    this.raise('check_failed', key, scope, {
      kind: 'check_failed', subject: data.assetKey, severity: data.severity, title: `Check ${verb}: ${name}`,
      line: checkLine(data, verb), runId, timestamp: at,
    });
  }

  private onRunFailed(run: Run, data: RunEndData, at: number): void {
    const key = this.runProblemKey(run);
    // What failed decides an asset filter: a finance rule is not told about a run whose only failure is elsewhere.
    const scope: Scope = { assets: data.failed.length ? data.failed : run.stepKeys, tags: run.tags };
    this.trackRunState(key, run, at);
    const what = selectionLabel(run);
    this.raise('run_failed', key, scope, {
      kind: 'run_failed', subject: what, title: `Run failed: ${what}`, line: this.runFailureLine(run, data), runId: run.runId, timestamp: at,
    });
    this.resolveTooLong(run, at, 'failed');
  }

  private onRunSucceeded(run: Run, data: RunEndData, at: number): void {
    const key = this.runProblemKey(run);
    const wasFailing = this.open.has(id(RUN_STATE_RULE, key));
    const what = selectionLabel(run);
    const message = {
      kind: 'run_recovered' as const, subject: what, title: `Run recovered: ${what}`,
      line: `${what} succeeded again in ${formatDuration(data.durationMs)} (run ${run.runId.slice(0, 8)})`, runId: run.runId, timestamp: at,
    };
    // A rule that sent the failure sends its resolution; a rule on run_recovered alone sends it when the selection was failing.
    this.resolveAll(key, (rule) => rule.on.includes('run_failed') || rule.on.includes('run_recovered'), message);
    if (wasFailing) {
      for (const rule of this.matching('run_recovered', { assets: run.stepKeys, tags: run.tags })) {
        if (this.deliveries.some((d) => d.rule === rule.name && d.problemKey === key && d.message.state === 'resolved')) continue;
        this.send(rule, key, { ...message, state: 'resolved', project: this.input.project, link: this.runLink(run.runId) });
      }
      this.open.delete(id(RUN_STATE_RULE, key));
      this.changed.delete(id(RUN_STATE_RULE, key));
      this.resolved.set(id(RUN_STATE_RULE, key), { rule: RUN_STATE_RULE, problemKey: key });
    }
    this.resolveTooLong(run, at, 'succeeded');
  }

  private onSignal(signal: RouterSignal): void {
    const kind = SIGNAL_EVENT_KINDS[signal.kind];
    const scope: Scope = { assets: signal.assetKey ? [signal.assetKey] : [] };
    const base = {
      kind, subject: signal.subject, runId: signal.runId, timestamp: signal.timestamp,
      link: signal.runId ? this.runLink(signal.runId) : this.signalLink(signal),
    };
    const label = kind.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
    if (signal.kind === 'BACKFILL_FINISHED') {
      // News, not a problem: every one is sent, none is kept open.
      for (const rule of this.matching(kind, scope)) {
        this.send(rule, null, { ...base, state: 'info', project: this.input.project, title: `Backfill finished: ${signal.subject}`, line: signal.message });
      }
      return;
    }
    if (signal.resolved) {
      this.resolveAll(signal.problemKey, (rule) => rule.on.includes(kind), { ...base, title: `Resolved: ${label.toLowerCase()} ${signal.subject}`, line: signal.message });
      return;
    }
    this.raise(kind, signal.problemKey, scope, { ...base, title: `${label}: ${signal.subject}`, line: signal.message });
  }

  private runsTooLong(): void {
    const { nowMs } = this.input;
    for (const run of this.input.running) {
      if (run.project !== this.input.project || run.startedAt === null) continue;
      const elapsed = nowMs - run.startedAt;
      const key = `too_long:${run.runId}`;
      const what = selectionLabel(run);
      for (const rule of this.matching('run_too_long', { assets: run.stepKeys, tags: run.tags })) {
        if (rule.runLongerThanMs === undefined || elapsed < rule.runLongerThanMs) continue;
        if (this.open.has(id(rule.name, key)) || this.resolved.has(id(rule.name, key))) continue;
        this.openAndSend(rule, key, {
          kind: 'run_too_long', state: 'problem', project: this.input.project, subject: what, title: `Run running too long: ${what}`,
          line: `${what} has been running for ${formatDuration(elapsed)} (limit ${formatDuration(rule.runLongerThanMs)}), run ${run.runId.slice(0, 8)}`,
          runId: run.runId, link: this.runLink(run.runId), timestamp: nowMs,
        });
      }
    }
    // A too-long run that is no longer running and whose end this pass did not see (ended before the cursor moved).
    const runningIds = new Set(this.input.running.map((r) => r.runId));
    for (const problem of [...this.open.values()]) {
      const runId = problem.problemKey.startsWith('too_long:') ? problem.problemKey.slice('too_long:'.length) : undefined;
      if (!runId || runningIds.has(runId)) continue;
      const run = this.input.runs.get(runId);
      if (run && run.endedAt === null) continue;
      this.resolveTooLongOf(problem, nowMs, 'ended');
    }
  }

  private resolveTooLong(run: Run, at: number, how: string): void {
    const key = `too_long:${run.runId}`;
    for (const problem of [...this.open.values()]) if (problem.problemKey === key) this.resolveTooLongOf(problem, at, how);
  }

  private resolveTooLongOf(problem: RouterProblem, at: number, how: string): void {
    const rule = this.input.rules.find((r) => r.name === problem.rule);
    this.close(problem.rule, problem.problemKey);
    if (!rule) return;
    const elapsed = at - (this.input.runs.get(problem.message.runId ?? '')?.startedAt ?? problem.openedAt);
    this.send(rule, problem.problemKey, {
      ...problem.message, state: 'resolved', title: `Run ${how}: ${problem.message.subject}`,
      line: `${problem.message.subject} ${how} after ${formatDuration(Math.max(0, elapsed))}`, timestamp: at,
    });
  }

  private repeats(): void {
    const { nowMs } = this.input;
    for (const problem of this.open.values()) {
      if (problem.rule === RUN_STATE_RULE || this.changed.has(id(problem.rule, problem.problemKey))) continue;
      const rule = this.input.rules.find((r) => r.name === problem.rule);
      if (!rule?.repeatMs || nowMs - problem.lastSentAt < rule.repeatMs) continue;
      const again = { ...problem, lastSentAt: nowMs };
      this.open.set(id(rule.name, problem.problemKey), again);
      this.changed.set(id(rule.name, problem.problemKey), again);
      this.sendToChannels(rule, problem.problemKey, { ...problem.message, title: `Still open: ${problem.message.title}` });
    }
  }

  /** Opens the problem for every rule on `kind` whose filters match and which does not have it open yet. */
  private raise(kind: AlertEventKind, key: string, scope: Scope, partial: Omit<AlertMessage, 'state' | 'project'>): void {
    const message: AlertMessage = { link: partial.runId ? this.runLink(partial.runId) : undefined, ...partial, state: 'problem', project: this.input.project };
    if (!message.link) delete message.link;
    for (const rule of this.matching(kind, scope)) {
      if (this.open.has(id(rule.name, key))) continue;
      this.openAndSend(rule, key, message);
    }
  }

  /** Resolves the problem in every rule that has it open and that `sendsResolution`, sending the resolution once. */
  private resolveAll(key: string, sendsResolution: (rule: AlertRule) => boolean, partial: Omit<AlertMessage, 'state' | 'project'>): void {
    for (const problem of [...this.open.values()]) {
      if (problem.problemKey !== key || problem.rule === RUN_STATE_RULE) continue;
      this.close(problem.rule, key);
      const rule = this.input.rules.find((r) => r.name === problem.rule);
      if (!rule || !sendsResolution(rule)) continue;
      const link = partial.link ?? (partial.runId ? this.runLink(partial.runId) : problem.message.link);
      this.send(rule, key, { ...partial, state: 'resolved', project: this.input.project, ...(link ? { link } : {}) });
    }
  }

  private openAndSend(rule: AlertRule, key: string, message: AlertMessage): void {
    const problem: RouterProblem = { rule: rule.name, problemKey: key, openedAt: message.timestamp, lastSentAt: this.input.nowMs, message };
    this.open.set(id(rule.name, key), problem);
    this.changed.set(id(rule.name, key), problem);
    this.resolved.delete(id(rule.name, key));
    this.sendToChannels(rule, key, message);
  }

  private close(rule: string, key: string): void {
    this.open.delete(id(rule, key));
    // Opened and resolved within this pass: nothing to store either way.
    if (this.changed.delete(id(rule, key)) && !this.input.openProblems.some((p) => p.rule === rule && p.problemKey === key)) return;
    this.resolved.set(id(rule, key), { rule, problemKey: key });
  }

  private send(rule: AlertRule, key: string | null, message: AlertMessage): void {
    this.sendToChannels(rule, key, message);
  }

  private sendToChannels(rule: AlertRule, key: string | null, message: AlertMessage): void {
    for (const channel of rule.channels) {
      if (!this.input.enabledChannels.has(channel)) continue;
      this.deliveries.push({ deliveryId: this.input.newId(), channel, rule: rule.name, problemKey: key, message });
    }
  }

  /** Remembers that this selection is failing, for `run_recovered`, whatever the rules. */
  private trackRunState(key: string, run: Run, at: number): void {
    if (this.open.has(id(RUN_STATE_RULE, key))) return;
    const problem: RouterProblem = {
      rule: RUN_STATE_RULE, problemKey: key, openedAt: at, lastSentAt: at,
      message: { kind: 'run_failed', state: 'problem', project: this.input.project, subject: selectionLabel(run), title: '', line: '', runId: run.runId, timestamp: at },
    };
    this.open.set(id(RUN_STATE_RULE, key), problem);
    this.changed.set(id(RUN_STATE_RULE, key), problem);
    this.resolved.delete(id(RUN_STATE_RULE, key));
  }

  private matching(kind: AlertEventKind, scope: Scope): AlertRule[] {
    return this.input.rules.filter((rule) => rule.on.includes(kind) && this.ruleMatches(rule, kind, scope));
  }

  private ruleMatches(rule: AlertRule, kind: AlertEventKind, scope: Scope): boolean {
    const assets = this.input.ruleAssets.get(rule.name);
    // An asset filter narrows to what is about those assets: a schedule's error is about no asset, so it does not match.
    if (assets && !scope.assets.some((a) => assets.has(a))) return false;
    if (rule.tags && !Object.entries(rule.tags).every(([k, v]) => scope.tags?.[k] === v)) return false;
    if (kind === 'check_failed' && rule.severity && scope.severity !== rule.severity) return false;
    return true;
  }

  /** Runs of one selection (and partition) are one job; a re-execution or retry counts as its first run's job. */
  private runProblemKey(run: Run): string {
    const root = (run.rootRunId && this.input.runs.get(run.rootRunId)) || run;
    return `run:${root.selection ?? '*'}${partitionSuffix(root)}`;
  }

  private runFailureLine(run: Run, data: RunEndData): string {
    const failure = this.firstFailure.get(run.runId);
    const check = failure && this.failedChecks.get(`${run.runId}\u0000${failure.stepKey}`);
    if (check) return checkLine(check, 'failed');
    if (failure) return `${failure.stepKey}: ${firstLine(failure.data.error.message)}`;
    if (data.error) return firstLine(data.error.message);
    return data.failed.length ? `failed: ${data.failed.join(', ')}` : 'the run failed';
  }

  private runLink(runId: string): string {
    return `${this.input.publicUrl.replace(/\/+$/, '')}/#/runs/${runId}`;
  }

  private signalLink(signal: RouterSignal): string {
    const base = this.input.publicUrl.replace(/\/+$/, '');
    if (signal.assetKey) return `${base}/#/assets/${signal.assetKey}`;
    return `${base}/#/${signal.kind === 'BACKFILL_FINISHED' ? 'backfills' : 'automation'}`;
  }
}

function id(rule: string, key: string): string {
  return `${rule}\u0000${key}`;
}

function partitionSuffix(run: Run | undefined): string {
  const partition = run?.tags['weir/partition'];
  return partition ? `@${partition}` : '';
}

function selectionLabel(run: Run): string {
  return run.selection ?? 'all assets';
}

/**
 * @example
 * checkLine({ assetKey: 'revenue', checkName: 'positive', observed: 3, expected: 0, message: '3 rows with amount <= 0', … }, 'failed')
 * // 'revenue: check positive failed: observed 3, expected 0 (3 rows with amount <= 0)'
 */
export function checkLine(data: CheckEvaluationData, verb: string): string {
  const observed = observedPart(data);
  const detail = data.message ? firstLine(data.message).replace(new RegExp(`^${escapeRegex(data.checkName)}:\\s*`), '') : '';
  // The check's own message often restates the figures ("4 rows, expected 3"): kept only when it says more.
  const restates = observed && detail.includes(short(data.observed)) && detail.includes(`expected ${short(data.expected)}`);
  return `${data.assetKey}: check ${data.checkName} ${verb}${observed}${detail && !restates ? ` (${detail})` : ''}`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function observedPart(data: CheckEvaluationData): string {
  if (data.observed === undefined && data.expected === undefined) return '';
  if (data.observed === null && data.expected === null) return '';
  return `: observed ${short(data.observed)}, expected ${short(data.expected)}`;
}

const MAX_VALUE_CHARS = 80;
const MAX_LINE_CHARS = 300;

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? text;
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line.trim();
}
