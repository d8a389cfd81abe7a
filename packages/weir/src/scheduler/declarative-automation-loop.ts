/**
 * The declarative automation loop: at each pass, reads what the decider needs from storage, asks it which assets with
 * `automation: 'eager'` or `{ onCron }` are due, and launches each as its own run (trigger `automation`).
 */
import { RunStatus } from '../events/index.js';
import { automationPolicy } from '../definitions/asset-automation.js';
import type { BackgroundLoop } from '../shared/background-loop.js';
import type { AutomationDeps } from './automation-deps.js';
import { decideDeclarativeAutomation, type AutomatedAsset, type AutomationDecision, type MaterializationFacts } from './declarative-automation.js';

/** Eager assets react within seconds of their upstream; a pass is a few indexed reads. */
export const DECLARATIVE_AUTOMATION_INTERVAL_MS = 2_000;

export type DeclarativeAutomationLoopDeps = Pick<AutomationDeps, 'project' | 'storage' | 'launcher' | 'log'>;

export interface DeclarativeAutomationLoopOptions {
  intervalMs?: number;
  debounceMs?: number;
  /** Called with every pass's decisions (for `weir serve`'s debug log and tests). */
  onDecisions?: (decisions: AutomationDecision[]) => void;
}

/**
 * @example
 * const loop = createDeclarativeAutomationLoop(deps);
 * await loop.runOnce(Date.now(), signal) // orders was materialized 5 s ago: launches `revenue` (eager), once
 */
export function createDeclarativeAutomationLoop(deps: DeclarativeAutomationLoopDeps, options: DeclarativeAutomationLoopOptions = {}): BackgroundLoop {
  return {
    name: 'automation',
    intervalMs: options.intervalMs ?? DECLARATIVE_AUTOMATION_INTERVAL_MS,
    async runOnce(nowMs: number, signal: AbortSignal): Promise<void> {
      const { definitions, graph } = deps.project();
      const order = new Map(graph.topologicalOrder().map((key, i) => [key, i]));
      const assets: AutomatedAsset[] = [];
      for (const asset of definitions.assets) {
        const policy = asset.automation === undefined ? undefined : automationPolicy(asset.automation);
        if (policy?.kind !== 'eager' && policy?.kind !== 'on_cron') continue;
        const partitions = asset.partitions?.kind === 'time' ? asset.partitions : undefined;
        assets.push({
          key: asset.key, policy, upstream: asset.upstream.filter((key) => key !== asset.key && graph.get(key)?.kind === 'asset'),
          ...(partitions ? { partitionAt: (tickMs: number) => { const count = partitions.count(tickMs); return count ? partitions.keyAt(count - 1, tickMs) : undefined; } } : {}),
        });
      }
      if (!assets.length) return;
      assets.sort((a, b) => order.get(a.key)! - order.get(b.key)!);
      const project = definitions.project.name;
      const keys = [...new Set(assets.flatMap((asset) => [asset.key, ...asset.upstream]))];
      const [materializations, inFlight, lastRuns] = await Promise.all([
        deps.storage.events.latestMaterializations(project, keys),
        deps.storage.runs.listRuns({ project, statuses: [RunStatus.QUEUED, RunStatus.STARTED, RunStatus.CANCELING] }),
        Promise.all(assets.map((asset) => deps.storage.runs.listRuns({ project, assetKey: asset.key, trigger: 'automation', limit: 1 }))),
      ]);
      const latest = new Map<string, MaterializationFacts>([...materializations].map(([key, m]) => [key, { eventId: m.eventId, timestamp: m.timestamp, upstream: m.upstream }]));
      const lastAutomationRun = new Map(assets.flatMap((asset, i) => (lastRuns[i]![0] ? [[asset.key, lastRuns[i]![0]!] as const] : [])));
      const decisions = decideDeclarativeAutomation({ nowMs, assets, latest, inFlight, lastAutomationRun, debounceMs: options.debounceMs });
      options.onDecisions?.(decisions);
      for (const decision of decisions) {
        if (decision.action !== 'launch' || signal.aborted) continue;
        try {
          const run = await deps.launcher.launch({
            stepKeys: [decision.assetKey], trigger: 'automation', tags: decision.tags, ...(decision.partition ? { partition: decision.partition } : {}),
          });
          deps.log({ level: 'info', loop: 'automation', message: `launched ${decision.assetKey}: ${decision.reason}`, fields: { asset: decision.assetKey, runId: run.runId } });
        } catch (error) {
          deps.log({ level: 'error', loop: 'automation', message: `could not launch ${decision.assetKey}: ${(error as Error).message}`, fields: { asset: decision.assetKey } });
        }
      }
    },
  };
}
