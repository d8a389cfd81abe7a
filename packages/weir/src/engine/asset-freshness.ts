/**
 * The freshness evaluator: from each asset's policy, its latest materialization time and the clock, whether it is
 * fresh or violated (since when, by how much, what was expected). Pure, and in engine/ so both the server (asset page,
 * overview) and the freshness loop (scheduler/freshness-loop.ts, which raises the alerts) read the same verdict.
 */
import { latestTickAtOrBefore, nextTickAfter } from '../shared/cron-ticks.js';
import { describeFreshness, type FreshnessPolicy } from '../definitions/freshness-policy.js';
import { formatAge } from '../shared/format-age.js';
import type { Definitions } from '../definitions/definitions.js';
import type { Storage } from '../storage/storage.js';

export type FreshnessStatus = 'fresh' | 'violated';

export interface FreshnessState {
  assetKey: string;
  status: FreshnessStatus;
  policy: FreshnessPolicy;
  /** The policy in words: what was expected. */
  expected: string;
  lastMaterializedAt: number | null;
  /** When it became violated (the deadline that passed); null when fresh, or violated because never materialized. */
  violatedSince: number | null;
  /** How late it is at `nowMs`; null when fresh or never materialized. */
  overdueMs: number | null;
  /** When it becomes violated without a new materialization; null when violated. */
  freshUntil: number | null;
  /** One line for people and alerts. */
  message: string;
}

/** What the evaluator reads of one asset. */
export interface FreshnessInput {
  assetKey: string;
  policy: FreshnessPolicy;
  /** Time of its latest materialization (of any partition), or undefined when never materialized. */
  lastMaterializedAt?: number;
}

/**
 * One asset's freshness at `nowMs`.
 *
 * @example
 * evaluateFreshness({ assetKey: 'revenue', policy: { kind: 'max_lag', maxLagMs: 26 * 3600e3, maxLag: '26h' }, lastMaterializedAt: t }, t + 31 * 3600e3)
 * // { status: 'violated', violatedSince: t + 26h, overdueMs: 5h, message: 'revenue was last materialized 31h ago (expected: materialized at most 26h ago)', … }
 */
export function evaluateFreshness(input: FreshnessInput, nowMs: number): FreshnessState {
  return input.policy.kind === 'max_lag' ? evaluateMaxLag(input, input.policy, nowMs) : evaluateCron(input, input.policy, nowMs);
}

/**
 * Every asset of `inputs`, in order.
 *
 * @example
 * evaluateAllFreshness([{ assetKey: 'a', policy, lastMaterializedAt: nowMs }], nowMs) // [{ assetKey: 'a', status: 'fresh', … }]
 */
export function evaluateAllFreshness(inputs: readonly FreshnessInput[], nowMs: number): FreshnessState[] {
  return inputs.map((input) => evaluateFreshness(input, nowMs));
}

function base(input: FreshnessInput): Pick<FreshnessState, 'assetKey' | 'policy' | 'expected' | 'lastMaterializedAt'> {
  return { assetKey: input.assetKey, policy: input.policy, expected: describeFreshness(input.policy), lastMaterializedAt: input.lastMaterializedAt ?? null };
}

function neverMaterialized(input: FreshnessInput): FreshnessState {
  const common = base(input);
  return {
    ...common, status: 'violated', violatedSince: null, overdueMs: null, freshUntil: null,
    message: `${input.assetKey} was never materialized (expected: ${common.expected})`,
  };
}

function evaluateMaxLag(input: FreshnessInput, policy: Extract<FreshnessPolicy, { kind: 'max_lag' }>, nowMs: number): FreshnessState {
  if (input.lastMaterializedAt === undefined) return neverMaterialized(input);
  const common = base(input);
  const deadline = input.lastMaterializedAt + policy.maxLagMs;
  const lag = formatAge(nowMs - input.lastMaterializedAt);
  if (nowMs <= deadline) {
    return { ...common, status: 'fresh', violatedSince: null, overdueMs: null, freshUntil: deadline, message: `${input.assetKey} was materialized ${lag} ago (max lag ${policy.maxLag})` };
  }
  return {
    ...common, status: 'violated', violatedSince: deadline, overdueMs: nowMs - deadline, freshUntil: null,
    message: `${input.assetKey} was last materialized ${lag} ago, ${formatAge(nowMs - deadline)} over its max lag of ${policy.maxLag}`,
  };
}

/**
 * A cron policy: a materialization at or after each tick is due by tick + deadline. The tick that matters is the latest
 * whose deadline has passed; a tick still within its deadline cannot be violated yet.
 */
function evaluateCron(input: FreshnessInput, policy: Extract<FreshnessPolicy, { kind: 'cron' }>, nowMs: number): FreshnessState {
  const common = base(input);
  const tick = latestTickAtOrBefore(policy.cron, policy.timezone, nowMs - policy.deadlineMs);
  const last = input.lastMaterializedAt;
  if (tick === undefined || (last !== undefined && last >= tick)) {
    // Fresh until the deadline of the first tick after the last materialization (or after now, if none came yet).
    const nextTick = nextTickAfter(policy.cron, policy.timezone, Math.max(last ?? nowMs, tick ?? nowMs));
    const freshUntil = nextTick === undefined ? null : nextTick + policy.deadlineMs;
    const message = last === undefined
      ? `${input.assetKey} is not due yet (expected: ${common.expected})`
      : `${input.assetKey} was materialized ${formatAge(nowMs - last)} ago, after the last due tick`;
    return { ...common, status: 'fresh', violatedSince: null, overdueMs: null, freshUntil, message };
  }
  if (last === undefined) return neverMaterialized(input);
  const due = tick + policy.deadlineMs;
  return {
    ...common, status: 'violated', violatedSince: due, overdueMs: nowMs - due, freshUntil: null,
    message: `${input.assetKey} has no materialization since the tick of ${new Date(tick).toISOString()} (due by ${new Date(due).toISOString()}, ${formatAge(nowMs - due)} late; last materialized ${formatAge(nowMs - last)} ago)`,
  };
}

/**
 * The freshness of every asset of the project that declares a policy, from the stored latest materializations: what
 * the server shows and the freshness loop alerts on. Keyed by asset key; assets without a policy are absent.
 *
 * @example
 * await freshnessStates(definitions, storage, Date.now()) // Map { 'revenue' => { status: 'violated', … } }
 */
export async function freshnessStates(definitions: Definitions, storage: Pick<Storage, 'events'>, nowMs: number): Promise<Map<string, FreshnessState>> {
  const withPolicy = definitions.assets.filter((asset) => asset.freshness);
  if (!withPolicy.length) return new Map();
  const latest = await storage.events.latestMaterializations(definitions.project.name, withPolicy.map((asset) => asset.key));
  return new Map(withPolicy.map((asset) => [asset.key, evaluateFreshness({
    assetKey: asset.key, policy: asset.freshness!, lastMaterializedAt: latest.get(asset.key)?.timestamp,
  }, nowMs)]));
}
