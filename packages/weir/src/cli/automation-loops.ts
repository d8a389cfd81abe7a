/** The composition of automation: which background loops an unattended process (`weir dev`, `weir serve`) runs. */
import type { BackgroundLoop } from '../shared/background-loop.js';
import type { AutomationDeps } from '../scheduler/automation-deps.js';
import { createBackfillLoop } from '../scheduler/backfill-loop.js';

/**
 * Every loop, in the order they are started. One line per loop: a new kind of automation adds its factory here.
 *
 * @example
 * automationLoops(deps).map((loop) => loop.name) // ['schedules', 'sensors', 'backfills', 'freshness', 'alerts']
 */
export function automationLoops(deps: AutomationDeps): BackgroundLoop[] {
  void deps;
  const loops: BackgroundLoop[] = [];
  // schedules:
  // sensors:
  // backfills:
  loops.push(createBackfillLoop(deps));
  // freshness and declarative automation:
  // alerts:
  return loops;
}
