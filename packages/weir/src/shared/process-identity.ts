/** Which process this is (host, pid, start time) and whether another process on this host is still alive. */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** A process as another process can recognise it later. */
export interface ProcessIdentity {
  host: string;
  pid: number;
  /**
   * Linux: `<boot id>/<pid namespace>/<start time>`, the start time being /proc/<pid>/stat field 22 (clock ticks
   * since boot). The start time tells a reused pid apart; the boot id, the same pid and start time after a reboot
   * (a service started early at boot gets both again); the namespace, a container on the same host name whose pids
   * this process cannot see. Null where the platform has no /proc.
   */
  processStart: string | null;
}

/**
 * This process, as recorded on the runs it executes.
 *
 * @example
 * currentProcess() // { host: 'ana-laptop', pid: 4242, processStart: '6f1c…-9a/pid:[4026531836]/8123456' }
 */
export function currentProcess(): ProcessIdentity {
  const self = linuxSelf();
  const start = self && readStat(process.pid)?.startTime;
  return { host: hostname(), pid: process.pid, processStart: self && start ? `${self.bootId}/${self.pidNamespace}/${start}` : null };
}

/**
 * Whether the process that was `pid` (recorded with `processStart`, as currentProcess() gives it) still runs on this
 * host: true, false, or undefined when this process cannot tell (it was recorded in another pid namespace, e.g. a
 * container sharing the host name). A zombie (killed, not yet reaped by its parent) is not alive: it will never
 * write again.
 *
 * @example
 * isProcessAlive(process.pid, currentProcess().processStart) // true
 * isProcessAlive(4242, '6f1c…-9a/pid:[4026531836]/1')         // false: pid 4242 now belongs to a later process
 */
export function isProcessAlive(pid: number, processStart: string | null): boolean | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const self = linuxSelf();
  if (!self) return signalProbe(pid);
  let startTime: string | undefined;
  if (processStart !== null) {
    const [bootId, pidNamespace, start] = processStart.split('/');
    if (start === undefined) return undefined; // not written by this platform's Weir
    if (bootId !== self.bootId) return false; // the machine rebooted since: every process of that boot is gone
    if (pidNamespace !== self.pidNamespace) return undefined;
    startTime = start;
  }
  const stat = readStat(pid);
  if (!stat) return false;
  return stat.state !== 'Z' && stat.state !== 'X' && (startTime === undefined || stat.startTime === startTime);
}

/** No /proc (macOS, Windows): signal 0 probes existence without sending anything; EPERM means it exists. */
function signalProbe(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let self: { bootId: string; pidNamespace: string } | null | undefined;
function linuxSelf(): { bootId: string; pidNamespace: string } | null {
  if (self !== undefined) return self;
  try {
    self = { bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), pidNamespace: readlinkSync('/proc/self/ns/pid') };
  } catch {
    self = null;
  }
  return self;
}

function readStat(pid: number): { state: string; startTime: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2, the command name, is in parentheses and may itself hold spaces and ')': the fields after the last ')'
  // start at field 3 (state), so field 22 is the 20th of them.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const startTime = rest[19];
  return state && startTime ? { state, startTime } : undefined;
}
