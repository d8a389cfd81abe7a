/** The composition of automation: which background loops an unattended process (`weir dev`, `weir serve`) runs. */
import type { BackgroundLoop } from '../shared/background-loop.js';
import type { AutomationDeps } from '../scheduler/automation-deps.js';
import { createScheduleLoop } from '../scheduler/schedule-loop.js';
import { createFreshnessLoop } from '../scheduler/freshness-loop.js';
import { createDeclarativeAutomationLoop } from '../scheduler/declarative-automation-loop.js';

/**
 * Every loop, in the order they are started. One line per loop: a new kind of automation adds its factory here.
 *
 * @example
 * automationLoops(deps).map((loop) => loop.name) // ['schedules', 'sensors', 'backfills', 'freshness', 'automation', 'alerts']
 */
export function automationLoops(deps: AutomationDeps): BackgroundLoop[] {
  const loops: BackgroundLoop[] = [];
  // schedules:
  loops.push(createScheduleLoop(deps));
  // sensors:
  // backfills:
  // freshness and declarative automation:
  loops.push(createFreshnessLoop(deps), createDeclarativeAutomationLoop(deps));
  // alerts:
  return loops;
}
