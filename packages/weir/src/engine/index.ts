/** The engine: plan, execute, emit events. */
export { ActiveRun } from './active-run.js';
export { planRun, type ExecutionPlan, type PlannedStep } from './execution-plan.js';
export { executeRun, type RunResult } from './executor.js';
export { EventSink, type EventListener } from './event-sink.js';
export { launchRun, projectRedactor, type LaunchRunOptions, type LaunchedRun } from './launch-run.js';
export type { WarehouseAccess } from './warehouse-access.js';
export { computeDataVersion } from './data-version.js';
export { inProcessLauncher, type InProcessLauncher, type InProcessLauncherOptions } from './in-process-launcher.js';
export type { LaunchRequest, RunLauncher } from './run-launcher.js';
