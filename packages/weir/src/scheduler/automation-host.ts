/** Runs the automation loops of an unattended process (`weir dev`, `weir serve`) while it holds the `automation` lease. */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { BackgroundLoop } from '../shared/background-loop.js';
import type { LeaseStore } from '../storage/storage.js';
import type { AutomationLogLine } from './automation-deps.js';

/** The lease every process that can run schedules competes for: two never tick at once. */
export const AUTOMATION_LEASE = 'automation';
/** A holder that stops renewing loses the lease this long after its last renewal: the standby's takeover delay. */
export const AUTOMATION_LEASE_TTL_MS = 6_000;
/** How often the holder renews: a third of the TTL, so two renewals in a row may fail before the lease is lost. */
export const AUTOMATION_LEASE_RENEW_MS = 2_000;
/** How often a standby asks for the lease. */
export const AUTOMATION_STANDBY_RETRY_MS = 1_000;

export interface AutomationHostOptions {
  loops: readonly BackgroundLoop[];
  leases: LeaseStore;
  log: (line: AutomationLogLine) => void;
  /** Who this process is in the lease (default `host:pid:random`): unique per start, so a restart is a new holder. */
  holder?: string;
  /** The clock for the lease and for every pass's `nowMs` (default Date.now); tests drive it. */
  now?: () => number;
  leaseName?: string;
  leaseTtlMs?: number;
  renewEveryMs?: number;
  standbyRetryMs?: number;
  /** Called when this process becomes the holder or stops being it (for `weir serve`'s log and tests). */
  onLeadershipChange?: (isLeader: boolean) => void;
}

/** What the host tells about one loop. */
export interface HostedLoopStatus {
  name: string;
  passes: number;
  failures: number;
  isRunning: boolean;
  lastError?: string;
}

export interface AutomationHost {
  readonly holder: string;
  /** Starts competing for the lease; loops run once it is held. */
  start(): void;
  isLeader(): boolean;
  /** Starts the next pass of the named loop (or of every loop) now instead of after its interval; also calls its wake(). */
  wake(loopName?: string): void;
  loops(): HostedLoopStatus[];
  /** Aborts the passes in flight (their signal), waits for them to return, then releases the lease. Idempotent. */
  stop(): Promise<void>;
}

/**
 * One per process. Passes of one loop never overlap (the next starts `intervalMs` after the previous ended); a pass
 * that throws is logged and the loop goes on; losing the lease (a renewal refused) aborts the passes and stops the
 * loops until it is taken again.
 *
 * @example
 * const host = createAutomationHost({ loops: automationLoops(deps), leases: storage.leases, log: print });
 * host.start();        // the holder runs schedules, sensors, …; a second process waits as a standby
 * host.wake('sensors') // a new file: evaluate now
 * await host.stop();   // SIGTERM: passes end, the lease is released, the standby takes over within a second
 */
export function createAutomationHost(options: AutomationHostOptions): AutomationHost {
  const now = options.now ?? Date.now;
  const holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseName = options.leaseName ?? AUTOMATION_LEASE;
  const ttlMs = options.leaseTtlMs ?? AUTOMATION_LEASE_TTL_MS;
  const renewEveryMs = options.renewEveryMs ?? AUTOMATION_LEASE_RENEW_MS;
  const standbyRetryMs = options.standbyRetryMs ?? AUTOMATION_STANDBY_RETRY_MS;
  const log = (level: AutomationLogLine['level'], message: string, fields?: Record<string, unknown>) =>
    options.log({ level, loop: 'automation', message, ...(fields ? { fields } : {}) });

  const hosted = options.loops.map((loop) => new HostedLoop(loop, now, options.log));
  const stopping = new AbortController();
  let leadership: { controller: AbortController; runners: Promise<void> } | undefined;
  /** Loops of a lost leadership still finishing their pass: the next leadership waits for them (no overlap). */
  let previousRunners: Promise<void> = Promise.resolve();
  let leaseExpiresAt = 0;
  let leaseLoop: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  let wakeLeaseLoop: (() => void) | undefined;

  function becomeLeader(expiresAt: number): void {
    leaseExpiresAt = expiresAt;
    const controller = new AbortController();
    const after = previousRunners;
    const runners = after.then(() => Promise.all(hosted.map((h) => h.run(controller.signal)))).then(() => undefined);
    leadership = { controller, runners };
    log('info', `holding the ${leaseName} lease: running ${hosted.length} loop${hosted.length === 1 ? '' : 's'}`, { holder, loops: hosted.map((h) => h.loop.name) });
    options.onLeadershipChange?.(true);
  }

  function loseLeadership(why: string): void {
    if (!leadership) return;
    leadership.controller.abort();
    previousRunners = leadership.runners;
    leadership = undefined;
    log('warn', `lost the ${leaseName} lease (${why}): loops stopped, waiting as a standby`, { holder });
    options.onLeadershipChange?.(false);
  }

  async function leaseStep(): Promise<void> {
    const request = { name: leaseName, holder, nowMs: now(), ttlMs };
    if (leadership) {
      try {
        if (await options.leases.renew(request)) leaseExpiresAt = request.nowMs + ttlMs;
        else loseLeadership('another process holds it');
      } catch (error) {
        // The metadata may be busy for a moment: keep going on the lease we have until it would have expired.
        log('warn', `could not renew the ${leaseName} lease: ${messageOf(error)}`, { holder });
        if (now() >= leaseExpiresAt) loseLeadership('it expired while the metadata could not be written');
      }
      return;
    }
    try {
      const lease = await options.leases.acquire(request);
      if (lease && !stopping.signal.aborted) becomeLeader(lease.expiresAt);
    } catch (error) {
      log('warn', `could not ask for the ${leaseName} lease: ${messageOf(error)}`, { holder });
    }
  }

  async function runLeaseLoop(): Promise<void> {
    while (!stopping.signal.aborted) {
      await leaseStep();
      if (stopping.signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, leadership ? renewEveryMs : standbyRetryMs);
        wakeLeaseLoop = () => { clearTimeout(timer); resolve(); };
      });
      wakeLeaseLoop = undefined;
    }
  }

  return {
    holder,
    start() {
      if (leaseLoop || stopping.signal.aborted) return;
      leaseLoop = runLeaseLoop();
    },
    isLeader: () => leadership !== undefined,
    wake(loopName) {
      for (const h of hosted) if (loopName === undefined || h.loop.name === loopName) h.wake();
    },
    loops: () => hosted.map((h) => h.status()),
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        wakeLeaseLoop?.();
        await leaseLoop;
        const wasLeader = leadership !== undefined;
        leadership?.controller.abort();
        await Promise.all([previousRunners, leadership?.runners]);
        leadership = undefined;
        if (wasLeader) {
          await options.leases.release(leaseName, holder).catch((error: unknown) => log('warn', `could not release the ${leaseName} lease: ${messageOf(error)}`));
          log('info', `released the ${leaseName} lease`, { holder });
          options.onLeadershipChange?.(false);
        }
      })();
      return stopped;
    },
  };
}

/** One loop's passes, one at a time, with a wait between them that wake() cuts short. */
class HostedLoop {
  private passes = 0;
  private failures = 0;
  private isRunning = false;
  private lastError: string | undefined;
  /** A wake() during a pass: the next pass starts right after it, so the trigger is not lost. */
  private wokenDuringPass = false;
  private endWait: (() => void) | undefined;

  constructor(readonly loop: BackgroundLoop, private readonly now: () => number, private readonly log: (line: AutomationLogLine) => void) {}

  async run(signal: AbortSignal): Promise<void> {
    const endOnAbort = () => this.endWait?.();
    signal.addEventListener('abort', endOnAbort);
    try {
      while (!signal.aborted) {
        await this.pass(signal);
        if (signal.aborted) break;
        await this.wait(signal);
      }
    } finally {
      signal.removeEventListener('abort', endOnAbort);
    }
  }

  wake(): void {
    try {
      this.loop.wake?.();
    } catch (error) {
      this.log({ level: 'warn', loop: this.loop.name, message: `wake failed: ${messageOf(error)}` });
    }
    if (this.endWait) this.endWait();
    else this.wokenDuringPass = true;
  }

  status(): HostedLoopStatus {
    return { name: this.loop.name, passes: this.passes, failures: this.failures, isRunning: this.isRunning, ...(this.lastError !== undefined ? { lastError: this.lastError } : {}) };
  }

  private async pass(signal: AbortSignal): Promise<void> {
    this.isRunning = true;
    this.wokenDuringPass = false;
    try {
      await this.loop.runOnce(this.now(), signal);
      this.lastError = undefined;
    } catch (error) {
      this.failures += 1;
      this.lastError = messageOf(error);
      // A pass cut short by the host's own stop is not a failure worth a line.
      if (!signal.aborted) this.log({ level: 'error', loop: this.loop.name, message: `pass failed: ${this.lastError}`, fields: { failures: this.failures } });
    } finally {
      this.passes += 1;
      this.isRunning = false;
    }
  }

  private wait(signal: AbortSignal): Promise<void> {
    if (this.wokenDuringPass || signal.aborted) {
      this.wokenDuringPass = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.loop.intervalMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.endWait = undefined;
        resolve();
      }
      this.endWait = done;
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
