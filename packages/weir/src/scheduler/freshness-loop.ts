/**
 * The freshness loop: evaluates every asset's freshness policy at each pass and raises a FRESHNESS_VIOLATED alert
 * signal when an asset becomes violated, and its resolution when it is fresh again; nothing while the state holds.
 */
import { freshnessStates, type FreshnessState } from '../engine/asset-freshness.js';
import type { BackgroundLoop } from '../shared/background-loop.js';
import type { AutomationDeps } from './automation-deps.js';

/** Freshness only changes with time at a deadline: half a minute late is soon enough for an alert about hours. */
export const FRESHNESS_INTERVAL_MS = 30_000;

export type FreshnessLoopDeps = Pick<AutomationDeps, 'project' | 'storage' | 'log'>;

/** The problem key of an asset's freshness: one open problem per asset. */
export const freshnessProblemKey = (assetKey: string): string => `freshness:${assetKey}`;

/**
 * @example
 * const loop = createFreshnessLoop(deps);
 * await loop.runOnce(Date.parse('2026-03-02T15:00:00Z'), signal) // revenue's 26h lag passed: one FRESHNESS_VIOLATED signal
 * await loop.runOnce(Date.parse('2026-03-02T15:00:30Z'), signal) // still violated: nothing
 */
export function createFreshnessLoop(deps: FreshnessLoopDeps, options: { intervalMs?: number } = {}): BackgroundLoop {
  // The last state signalled, per asset. Held in memory: after a restart the first pass signals every asset's
  // current state once (raised or resolved), and the alert router, which keeps open problems by problem key, sends
  // nothing for a problem already open or a resolution of one that is not.
  let signalled: Map<string, FreshnessState['status']> | undefined;
  const raise = async (project: string, state: FreshnessState, nowMs: number): Promise<void> => {
    await deps.storage.alerts.recordSignal({
      kind: 'FRESHNESS_VIOLATED', project, subject: state.assetKey, assetKey: state.assetKey,
      problemKey: freshnessProblemKey(state.assetKey), message: state.message, timestamp: nowMs,
      ...(state.status === 'fresh' ? { resolved: true } : {}),
      details: { expected: state.expected, violatedSince: state.violatedSince, overdueMs: state.overdueMs, lastMaterializedAt: state.lastMaterializedAt },
    });
    deps.log({
      level: state.status === 'violated' ? 'warn' : 'info', loop: 'freshness',
      message: state.status === 'violated' ? `freshness violated: ${state.message}` : `fresh again: ${state.message}`,
      fields: { asset: state.assetKey },
    });
  };
  return {
    name: 'freshness',
    intervalMs: options.intervalMs ?? FRESHNESS_INTERVAL_MS,
    async runOnce(nowMs: number, signal: AbortSignal): Promise<void> {
      const { definitions } = deps.project();
      const states = await freshnessStates(definitions, deps.storage, nowMs);
      const first = signalled === undefined;
      // Updated asset by asset, so a pass that fails half-way does not signal again what it already signalled.
      const known = signalled ?? new Map<string, FreshnessState['status']>();
      for (const state of states.values()) {
        if (signal.aborted) return;
        const before = known.get(state.assetKey);
        const changed = before === undefined ? first || state.status === 'violated' : before !== state.status;
        if (changed) await raise(definitions.project.name, state, nowMs);
        known.set(state.assetKey, state.status);
      }
      // An asset whose policy was removed (or that was deleted) while violated: its problem is over.
      for (const [assetKey, status] of known) {
        if (states.has(assetKey)) continue;
        if (status === 'violated') {
          await deps.storage.alerts.recordSignal({
            kind: 'FRESHNESS_VIOLATED', project: definitions.project.name, subject: assetKey, assetKey, problemKey: freshnessProblemKey(assetKey),
            message: `${assetKey} no longer has a freshness policy`, timestamp: nowMs, resolved: true,
          });
        }
        known.delete(assetKey);
      }
      signalled = known;
    },
  };
}
