/** Assets as the API shows them: definition, graph neighbours and state (status, last materialization, checks). */
import { isAbsolute, relative } from 'node:path';
import type { AssetState } from '../engine/asset-status.js';
import type { FreshnessState } from '../engine/asset-freshness.js';
import { automationPolicy, describeAutomation, type AutomationPolicy } from '../definitions/asset-automation.js';
import { checkOutcomeOf } from '../events/check-outcome.js';
import type { AssetNode } from '../graph/asset-graph.js';
import { formatLocation } from '../shared/errors.js';
import type { StoredCheckEvaluation, StoredMaterialization } from '../storage/storage.js';
import type { AssetAutomation, AssetFreshness, AssetSummary, ColumnChanges, TableColumn } from './api-schemas.js';

type CheckStatus = AssetSummary['latestChecks'][number]['status'];

/**
 * A check's latest state, from its evaluation's outcome (events/check-outcome.ts): a warn-only pass is `warned`; a
 * check that could not run is `failed`, or `warned` when its severity is warn (it blocks only at severity error).
 *
 * @example
 * checkStatus(undefined) // 'never'
 * checkStatus({ passed: false, severity: 'warn', … }) // 'warned'
 */
export function checkStatus(evaluation: Pick<StoredCheckEvaluation, 'passed' | 'severity' | 'outcome'> | undefined): CheckStatus {
  if (!evaluation) return 'never';
  switch (checkOutcomeOf(evaluation)) {
    case 'passed': return 'passed';
    case 'warn_only':
    case 'warned': return 'warned';
    case 'failed': return 'failed';
    case 'could_not_run': return evaluation.severity === 'warn' ? 'warned' : 'failed';
  }
}

export function materializationSummary(m: StoredMaterialization): NonNullable<AssetSummary['lastMaterialization']> {
  return {
    eventId: m.eventId, runId: m.runId, timestamp: m.timestamp, rowCount: m.rowCount, durationMs: m.durationMs,
    bytes: m.bytes, location: m.storage.location, storageKind: m.storage.kind,
  };
}

/**
 * One asset for the API. `root` is the project folder: locations are shown relative to it.
 *
 * @example
 * assetSummary(graph.get('orders')!, states.get('orders')!, '/home/me/shop').location // 'definitions/orders.ts:12:26'
 */
export function assetSummary(node: AssetNode, state: AssetState | undefined, root: string, freshness?: FreshnessState): AssetSummary {
  const definition = node.definition;
  const location = definition.location
    ? formatLocation({ ...definition.location, file: isAbsolute(definition.location.file) ? relative(root, definition.location.file) : definition.location.file })
    : null;
  const defined = node.definition.checks ?? [];
  const evaluations = new Map((state?.checks ?? []).map((c) => [c.checkName, c]));
  const observation = state?.observation;
  return {
    key: node.key,
    type: node.kind,
    kinds: [...definition.kinds],
    group: definition.group,
    description: definition.description ?? null,
    owners: [...definition.owners],
    tags: [...definition.tags],
    upstream: [...node.upstream],
    downstream: [...node.downstream],
    checks: defined.map((c) => c.name),
    origin: node.kind === 'asset' ? node.definition.origin : null,
    code: node.kind === 'asset' ? node.definition.source ?? node.definition.code ?? null : null,
    location: location || null,
    output: node.kind === 'external' ? node.definition.path
      : node.definition.io.kind === 'table' ? `${node.definition.io.schema}.${node.definition.io.name}` : node.definition.io.path,
    status: state?.status ?? 'never',
    staleBecause: state?.staleBecause ?? [],
    lastMaterialization: state?.latest ? materializationSummary(state.latest) : null,
    lastObservation: observation ? { runId: observation.runId, timestamp: observation.timestamp, hash: observation.hash, path: observation.path, bytes: observation.bytes } : null,
    latestChecks: defined.map((check) => {
      const latest = evaluations.get(check.name);
      return {
        name: check.name, status: checkStatus(latest), severity: latest?.severity ?? check.severity,
        message: latest?.message ?? null, runId: latest?.runId ?? null, timestamp: latest?.timestamp ?? null,
      };
    }),
    freshness: freshness ? freshnessView(freshness) : null,
    automation: node.kind === 'asset' && node.definition.automation ? automationView(automationPolicy(node.definition.automation)) : null,
  };
}

/**
 * An asset's freshness for the API.
 *
 * @example
 * freshnessView(evaluateFreshness({ assetKey: 'revenue', policy, lastMaterializedAt }, nowMs))
 * // { status: 'violated', expected: 'materialized at most 26h ago', policy: { kind: 'max_lag', maxLag: '26h', … }, overdueMs: 18000000, … }
 */
export function freshnessView(state: FreshnessState): AssetFreshness {
  const { policy } = state;
  return {
    status: state.status, expected: state.expected, message: state.message,
    policy: {
      kind: policy.kind, maxLag: policy.kind === 'max_lag' ? policy.maxLag : null, cron: policy.kind === 'cron' ? policy.cron : null,
      timezone: policy.kind === 'cron' ? policy.timezone : null, timezoneIsDefault: policy.kind === 'cron' && policy.timezoneIsDefault,
      deadline: policy.kind === 'cron' ? policy.deadline : null,
    },
    lastMaterializedAt: state.lastMaterializedAt, violatedSince: state.violatedSince, overdueMs: state.overdueMs, freshUntil: state.freshUntil,
  };
}

function automationView(policy: AutomationPolicy): AssetAutomation {
  return {
    kind: policy.kind, description: describeAutomation(policy),
    cron: policy.kind === 'eager' ? null : policy.cron, timezone: policy.kind === 'eager' ? null : policy.timezone,
    timezoneIsDefault: policy.kind !== 'eager' && policy.timezoneIsDefault,
  };
}

/**
 * How the columns changed from one materialization to the next.
 *
 * @example
 * columnChanges([{ name: 'id', type: 'INTEGER' }], [{ name: 'id', type: 'BIGINT' }, { name: 'n', type: 'VARCHAR' }])
 * // { added: [{ name: 'n', type: 'VARCHAR' }], removed: [], typeChanged: [{ name: 'id', from: 'INTEGER', to: 'BIGINT' }] }
 */
export function columnChanges(before: readonly TableColumn[], after: readonly TableColumn[]): ColumnChanges {
  const old = new Map(before.map((c) => [c.name, c.type]));
  const now = new Map(after.map((c) => [c.name, c.type]));
  return {
    added: after.filter((c) => !old.has(c.name)),
    removed: before.filter((c) => !now.has(c.name)),
    typeChanged: after.filter((c) => old.has(c.name) && old.get(c.name) !== c.type).map((c) => ({ name: c.name, from: old.get(c.name)!, to: c.type })),
  };
}
