/** What every automation loop (schedules, sensors, backfills, freshness, alerts) gets from the process that hosts it. */
import type { Definitions } from '../definitions/definitions.js';
import type { RunLauncher } from '../engine/run-launcher.js';
import type { WarehouseAccess } from '../engine/warehouse-access.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import type { Storage } from '../storage/storage.js';

/** One line for the hosting process's log (`weir serve --log-format json` prints it as JSON). */
export interface AutomationLogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  /** Which loop: `schedules`, `sensors`, … */
  loop: string;
  message: string;
  fields?: Record<string, unknown>;
}

/**
 * Built once by the hosting process (cli/automation-loops.ts) and handed to each loop's factory.
 *
 * @example
 * const loop = createScheduleLoop(deps); // a BackgroundLoop
 * await loop.runOnce(Date.now(), signal)  // launches what is due through deps.launcher
 */
export interface AutomationDeps {
  /** The current definitions: read at every pass, so a reload of `weir dev` applies to the next pass. */
  project: () => { definitions: Definitions; graph: AssetGraph };
  storage: Storage;
  /** Starts runs in this process (it owns the warehouse); the queue of `max_concurrent_runs` sits behind it. */
  launcher: RunLauncher;
  /** The warehouse of this process, for SQL sensors and freshness queries. */
  warehouse: () => Promise<WarehouseAccess>;
  log: (line: AutomationLogLine) => void;
  /** The server's public URL for links in alerts: the `public_url` setting, else http://localhost:<port> of this server. */
  publicUrl?: string;
}
