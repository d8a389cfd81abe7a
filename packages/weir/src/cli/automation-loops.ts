/** The composition of automation: which background loops an unattended process (`weir dev`, `weir serve`) runs. */
import type { BackgroundLoop } from '../shared/background-loop.js';
import type { AutomationDeps } from '../scheduler/automation-deps.js';
import { createScheduleLoop } from '../scheduler/schedule-loop.js';
import { createSensorLoop } from '../scheduler/sensor-loop.js';
import { createRunRetryLoop } from '../scheduler/run-retry-loop.js';
import { createAlertLoop } from '../scheduler/alerts/alert-loop.js';
import { createFreshnessLoop } from '../scheduler/freshness-loop.js';
import { createDeclarativeAutomationLoop } from '../scheduler/declarative-automation-loop.js';
import { createBackfillLoop } from '../scheduler/backfill-loop.js';

/**
 * Every loop, in the order they are started. One line per loop: a new kind of automation adds its factory here.
 *
 * @example
 * automationLoops(deps).map((loop) => loop.name) // ['schedules', 'sensors', 'backfills', 'freshness', 'automation', 'alerts', 'run-retries']
 */
export function automationLoops(deps: AutomationDeps): BackgroundLoop[] {
  const loops: BackgroundLoop[] = [];
  // schedules:
  loops.push(createScheduleLoop(deps));
  // sensors:
  loops.push(createSensorLoop(deps));
  // backfills:
  loops.push(createBackfillLoop(deps));
  // freshness and declarative automation:
  loops.push(createFreshnessLoop(deps), createDeclarativeAutomationLoop(deps));
  // alerts:
  loops.push(createAlertLoop(deps));
  // run-level retries (serve):
  loops.push(createRunRetryLoop(deps));
  return loops;
}
