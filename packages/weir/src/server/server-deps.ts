/** What `createApp` is built from: interfaces only; the CLI (the composition root) supplies the concrete pieces. */
import type { Definitions } from '../definitions/definitions.js';
import type { EventRecord } from '../events/index.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import type { Storage } from '../storage/storage.js';
import type { RunLauncher } from '../engine/run-launcher.js';

/** The definitions being served. */
export interface ProjectSnapshot {
  definitions: Definitions;
  graph: AssetGraph;
  /** Counts successful loads from 1: a client refetches what it shows when it changes. Absent means 1. */
  version?: number;
  /** When these definitions were loaded (ms since the epoch). */
  loadedAt?: number;
  /** Set when the latest reload failed: the snapshot is then the last good one, and the UI shows this error. */
  loadError?: ProjectLoadError;
}

/**
 * Why the project's files could not be loaded, as the UI shows it.
 *
 * @example
 * { message: 'definitions/orders.ts:3:7: Expected ";" but found "x". The line reads: …', file: 'definitions/orders.ts',
 *   line: 3, column: 7, hint: 'The line reads: …', code: 'DEFINITIONS_SYNTAX', failedAt: 1716200000000 }
 */
export interface ProjectLoadError {
  /** The whole paragraph: where, what, what to do. */
  message: string;
  /** Relative to the project root when inside it. */
  file?: string;
  line?: number;
  column?: number;
  hint?: string;
  code?: string;
  failedAt: number;
}

/** What `/api/events/stream` sends when `weir dev` reloads the project (or fails to). */
export type ProjectChange =
  | { type: 'project_reloaded'; version: number; loadedAt: number }
  | { type: 'project_load_failed'; version: number; error: ProjectLoadError };

export interface ServerDeps {
  /** Called on every request, so `weir dev` can swap in new definitions when project files change. */
  project: () => ProjectSnapshot;
  storage: Storage;
  /** Absent: a read-only server, whose launch, cancel and re-execute routes answer 503. */
  launcher?: RunLauncher;
  /** Starts backfills (planning is the scheduler's: scheduler/backfill-control.ts). Absent: POST /api/backfills answers 503. */
  backfills?: BackfillStarter;
  /**
   * Events appended in this process, as they are committed: live streams wake at once instead of at the next poll.
   * Events written by another process are found by polling storage. Returns the unsubscribe function.
   */
  subscribe?: (listener: (event: EventRecord) => void) => () => void;
  /** Reloads of the project's definitions (`weir dev` watches its files), for the live project stream. */
  subscribeProject?: (listener: (change: ProjectChange) => void) => () => void;
  security?: SecurityOptions;
  /** How often live streams read storage for events of other processes (default 250 ms). */
  pollIntervalMs?: number;
  /** The clock (ms since the epoch), for what depends on "today"; default Date.now. */
  now?: () => number;
  /** Called with every error answered as 500, for the server log. */
  onError?: (error: unknown) => void;
  /** A folder with the built web UI (packages/ui/dist), served at / with index.html for other non-/api paths. */
  staticRoot?: string;
}

/**
 * What the server needs to start backfills; the CLI passes scheduler/backfill-control.ts's `backfillControl()`.
 *
 * @example
 * await deps.backfills.request({ select: 'revenue', only: 'missing', concurrency: 2 }) // { backfillId: '1a2b…', partitionCount: 14, … }
 */
export interface BackfillStarter {
  request(input: { select?: string | readonly string[]; from?: string; to?: string; only?: 'missing' | 'failed'; concurrency?: number }): Promise<StartedBackfill>;
  retryFailed(backfillId: string, options?: { concurrency?: number }): Promise<StartedBackfill>;
}

export interface StartedBackfill {
  backfillId: string;
  partitionCount: number;
  assetKeys: string[];
  unpartitionedAssetKeys: string[];
}

export interface SecurityOptions {
  /**
   * When set, every /api request must carry it (`Authorization: Bearer …` or the `weir_token` cookie), and any Host
   * is accepted: the token, not the host name, is what keeps foreign pages out. The CLI reads it from WEIR_TOKEN.
   */
  token?: string;
  /** Host names accepted besides localhost, 127.0.0.1 and [::1] (e.g. a machine name when binding elsewhere). */
  allowedHosts?: string[];
  /**
   * Behind a reverse proxy (TLS terminated there): believe its X-Forwarded-Proto, X-Forwarded-Host and (last)
   * X-Forwarded-For, for the serving origin, the cookie's Secure flag and the client address. Off by default: a
   * client could otherwise claim any of them. The CLI sets it from `--trust-proxy` or WEIR_TRUST_PROXY=1.
   */
  trustProxy?: boolean;
}
