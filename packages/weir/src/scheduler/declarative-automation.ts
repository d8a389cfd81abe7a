/**
 * The declarative automation decider: which assets with `automation: 'eager'` or `{ onCron }` to materialize now,
 * from the stored materializations, the runs in flight, the last run automation launched for each, and the clock.
 * Pure: the loop (declarative-automation-loop.ts) reads the state and launches what this returns.
 *
 * Upstream data is identified by its materialization event: an asset's latest materialization records which
 * materialization of each upstream asset it read, so "new upstream data" is an upstream whose latest materialization
 * is not the one it read. Input files (externals) are not watched here: a file sensor does that.
 */
import type { AutomationPolicy } from '../definitions/asset-automation.js';
import { latestTickAtOrBefore } from '../shared/cron-ticks.js';
import { hashText } from '../shared/hash.js';

/** Tags of the runs this launches (declared once; `weir/automation` is shared with the other automation kinds). */
export const AUTOMATION_TAG = 'weir/automation';
/** The upstream materializations an eager run was launched for: the same data is never launched twice. */
export const AUTOMATION_DATA_TAG = 'weir/automation-data';
export const TICK_TAG = 'weir/tick';

/** An eager asset waits until its upstream has been quiet this long, so a burst of upstream runs launches once. */
export const EAGER_DEBOUNCE_MS = 3_000;

export interface AutomatedAsset {
  key: string;
  policy: Extract<AutomationPolicy, { kind: 'eager' | 'on_cron' }>;
  /** Upstream asset keys (externals excluded). */
  upstream: readonly string[];
  /** For a time-partitioned asset: the partition an on_cron tick materializes (the latest complete period at the tick). */
  partitionAt?: (tickMs: number) => string | undefined;
}

/** What the decider reads of a materialization. */
export interface MaterializationFacts {
  eventId: number;
  timestamp: number;
  /** The materialization of each upstream asset it read. */
  upstream: ReadonlyArray<{ assetKey: string; eventId?: number }>;
}

export interface DeclarativeAutomationInput {
  nowMs: number;
  /** Upstream before downstream (the graph's topological order): a launch holds back what is downstream of it. */
  assets: readonly AutomatedAsset[];
  /** Latest materialization of each asset (automated ones and their upstream). */
  latest: ReadonlyMap<string, MaterializationFacts>;
  /** Runs queued, started or cancelling, of any trigger. */
  inFlight: ReadonlyArray<{ runId: string; stepKeys: readonly string[] }>;
  /** The newest run that automation launched for each asset (any status). */
  lastAutomationRun: ReadonlyMap<string, { runId: string; tags: Readonly<Record<string, string>> }>;
  debounceMs?: number;
}

export type AutomationDecision =
  | { assetKey: string; action: 'launch'; reason: string; tags: Record<string, string>; partition?: string }
  | { assetKey: string; action: 'wait' | 'none'; reason: string };

/**
 * @example
 * decideDeclarativeAutomation({ nowMs, assets: [{ key: 'revenue', policy: { kind: 'eager' }, upstream: ['orders'] }],
 *   latest: new Map([['orders', { eventId: 9, timestamp: nowMs - 10_000, upstream: [] }], ['revenue', { eventId: 5, timestamp: 0, upstream: [{ assetKey: 'orders', eventId: 4 }] }]]),
 *   inFlight: [], lastAutomationRun: new Map() })
 * // [{ assetKey: 'revenue', action: 'launch', reason: 'new data in orders', tags: { 'weir/automation': 'eager', 'weir/automation-data': '…' } }]
 */
export function decideDeclarativeAutomation(input: DeclarativeAutomationInput): AutomationDecision[] {
  const busy = new Set(input.inFlight.flatMap((run) => run.stepKeys));
  const decisions: AutomationDecision[] = [];
  for (const asset of input.assets) {
    const decision = asset.policy.kind === 'eager' ? decideEager(asset, input, busy) : decideOnCron(asset, asset.policy, input, busy);
    // Launched now: what is downstream of it waits for its result instead of launching on the old data.
    if (decision.action === 'launch') busy.add(asset.key);
    decisions.push(decision);
  }
  return decisions;
}

function busyReason(asset: AutomatedAsset, busy: ReadonlySet<string>): string | undefined {
  if (busy.has(asset.key)) return `${asset.key} is being materialized`;
  const upstream = asset.upstream.find((key) => busy.has(key));
  return upstream ? `waiting for ${upstream}, being materialized` : undefined;
}

function decideEager(asset: AutomatedAsset, input: DeclarativeAutomationInput, busy: ReadonlySet<string>): AutomationDecision {
  const withData = asset.upstream.filter((key) => input.latest.has(key));
  if (!withData.length) return { assetKey: asset.key, action: 'none', reason: asset.upstream.length ? 'no upstream data yet' : 'no upstream asset' };
  const read = new Map((input.latest.get(asset.key)?.upstream ?? []).map((u) => [u.assetKey, u.eventId]));
  const changed = withData.filter((key) => read.get(key) !== input.latest.get(key)!.eventId);
  if (!changed.length) return { assetKey: asset.key, action: 'none', reason: 'up to date with its upstream' };
  const waiting = busyReason(asset, busy);
  if (waiting) return { assetKey: asset.key, action: 'wait', reason: waiting };
  const data = hashText(withData.map((key) => `${key}=${input.latest.get(key)!.eventId}`).sort().join('\n')).slice(0, 16);
  if (input.lastAutomationRun.get(asset.key)?.tags[AUTOMATION_DATA_TAG] === data) {
    return { assetKey: asset.key, action: 'none', reason: `already launched for this upstream data (run ${input.lastAutomationRun.get(asset.key)!.runId})` };
  }
  const newest = Math.max(...changed.map((key) => input.latest.get(key)!.timestamp));
  const debounceMs = input.debounceMs ?? EAGER_DEBOUNCE_MS;
  if (input.nowMs - newest < debounceMs) return { assetKey: asset.key, action: 'wait', reason: `debouncing: ${changed.join(', ')} changed ${input.nowMs - newest} ms ago` };
  return { assetKey: asset.key, action: 'launch', reason: `new data in ${changed.join(', ')}`, tags: { [AUTOMATION_TAG]: 'eager', [AUTOMATION_DATA_TAG]: data } };
}

function decideOnCron(
  asset: AutomatedAsset, policy: Extract<AutomationPolicy, { kind: 'on_cron' }>, input: DeclarativeAutomationInput, busy: ReadonlySet<string>,
): AutomationDecision {
  const tick = latestTickAtOrBefore(policy.cron, policy.timezone, input.nowMs);
  if (tick === undefined) return { assetKey: asset.key, action: 'none', reason: 'no tick yet' };
  const tickIso = new Date(tick).toISOString();
  const last = input.lastAutomationRun.get(asset.key);
  if (last?.tags[TICK_TAG] === tickIso) return { assetKey: asset.key, action: 'none', reason: `already launched for the tick of ${tickIso} (run ${last.runId})` };
  const own = input.latest.get(asset.key);
  // "Upstream data of the period": every upstream asset materialized since the tick.
  const missing = asset.upstream.filter((key) => (input.latest.get(key)?.timestamp ?? -Infinity) < tick);
  if (missing.length) return { assetKey: asset.key, action: 'wait', reason: `waiting for ${missing.join(', ')} to be materialized after the tick of ${tickIso}` };
  if (own && own.timestamp >= tick) {
    const read = new Map(own.upstream.map((u) => [u.assetKey, u.eventId]));
    if (asset.upstream.every((key) => read.get(key) === input.latest.get(key)!.eventId)) {
      return { assetKey: asset.key, action: 'none', reason: `already materialized after the tick of ${tickIso} from its latest upstream data` };
    }
  }
  const waiting = busyReason(asset, busy);
  if (waiting) return { assetKey: asset.key, action: 'wait', reason: waiting };
  // A time-partitioned asset materializes the period that ended by the tick (the engine tags it weir/partition).
  const partition = asset.partitionAt?.(tick);
  return {
    assetKey: asset.key, action: 'launch', reason: `tick of ${tickIso}, upstream data is there${partition ? ` (partition ${partition})` : ''}`,
    tags: { [AUTOMATION_TAG]: 'on_cron', [TICK_TAG]: tickIso }, ...(partition ? { partition } : {}),
  };
}
