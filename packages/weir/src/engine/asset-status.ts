/**
 * Each asset's status as people read it, derived from stored events: never materialized, fresh, stale (its code
 * or an upstream changed since), failed (its last run step failed) or check failed.
 */
import type { Definitions } from '../definitions/definitions.js';
import { statSync } from 'node:fs';
import type { Storage, StoredCheckEvaluation, StoredMaterialization, StoredObservation } from '../storage/storage.js';

export type AssetStatus = 'never' | 'fresh' | 'stale' | 'check_failed' | 'observed' | 'missing';

export interface AssetState {
  key: string;
  status: AssetStatus;
  latest?: StoredMaterialization;
  observation?: StoredObservation;
  /** Latest evaluation of each of its checks. */
  checks: StoredCheckEvaluation[];
  /** Why it is stale: the upstream keys that changed, or 'code'. */
  staleBecause: string[];
}

export async function assetStates(definitions: Definitions, storage: Storage): Promise<Map<string, AssetState>> {
  const project = definitions.project.name;
  const [materializations, observations, checks] = await Promise.all([
    storage.events.latestMaterializations(project),
    storage.events.latestObservations(project),
    storage.events.latestCheckEvaluations(project),
  ]);
  const currentVersion = new Map<string, string>();
  for (const [key, m] of materializations) currentVersion.set(key, m.dataVersion);
  for (const [key, o] of observations) currentVersion.set(key, o.hash);
  const states = new Map<string, AssetState>();
  for (const external of definitions.externals) {
    const observation = observations.get(external.key);
    // An observed relation (a dbt source) has checks: a blocking one that failed since the last observation shows.
    const externalChecks = external.checks?.length ? [...checks.values()].filter((c) => c.assetKey === external.key) : [];
    const checkFailed = externalChecks.some((c) => c.blocking && (!observation || c.timestamp >= observation.timestamp));
    const state: AssetState = { key: external.key, status: checkFailed ? 'check_failed' : observation ? 'observed' : 'never', observation, checks: externalChecks, staleBecause: [] };
    if (observation && changedSinceObserved(observation)) {
      // The file was replaced or edited since the last run read it: what depends on it is stale already, before any
      // run hashes it again. Size and modification time are enough to tell, and cost a stat, not a read.
      state.staleBecause.push('file changed since observed');
      currentVersion.set(external.key, `${observation.hash}~changed`);
    }
    states.set(external.key, state);
  }
  const byKey = new Map(definitions.assets.map((a) => [a.key, a]));
  const resolve = (key: string, visiting = new Set<string>()): AssetState | undefined => {
    const known = states.get(key);
    if (known) return known;
    const asset = byKey.get(key);
    if (!asset || visiting.has(key)) return undefined;
    visiting.add(key);
    const latest = materializations.get(asset.key);
    const assetChecks = [...checks.values()].filter((c) => c.assetKey === asset.key);
    const state: AssetState = { key: asset.key, status: 'never', latest, checks: assetChecks, staleBecause: [] };
    if (latest) {
      const recorded = new Map(latest.upstream.map((u) => [u.assetKey, u.dataVersion]));
      if (latest.codeVersion !== asset.codeVersion) state.staleBecause.push('code');
      for (const key of asset.upstream) {
        const now = currentVersion.get(key);
        // Stale when an input changed since, or when an input is itself stale: what it would publish will change.
        const upstreamState = resolve(key, visiting);
        if ((now !== undefined && now !== recorded.get(key)) || upstreamState?.status === 'stale') state.staleBecause.push(key);
      }
      state.status = state.staleBecause.length ? 'stale' : 'fresh';
    }
    // Any blocking check that failed after the last publish means the published data is older than the latest attempt.
    if (assetChecks.some((c) => c.blocking && (!latest || c.timestamp >= latest.timestamp))) state.status = 'check_failed';
    states.set(asset.key, state);
    return state;
  };
  for (const asset of definitions.assets) resolve(asset.key);
  return states;
}

/** Whether an observed input file is no longer the one observed (another size or modification time, or gone). */
function changedSinceObserved(observation: StoredObservation): boolean {
  if (!observation.path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(observation.path)) return false; // a relation, not a file
  const stat = statSync(observation.path, { throwIfNoEntry: false });
  return !stat || stat.size !== observation.bytes || Math.trunc(stat.mtimeMs) !== Math.trunc(observation.modifiedAt);
}
