/** Which process this is (host, pid, start time) and whether another process on this host is still alive. */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** A process as another process can recognise it later. */
export interface ProcessIdentity {
  host: string;
  pid: number;
  /** Linux: /proc/<pid>/stat field 22, the start time in clock ticks since boot; null elsewhere. */
  processStart: string | null;
}

/**
 * The start time of process `pid` as Linux records it (/proc/<pid>/stat field 22), or undefined when there is no
 * such process (or no /proc). A pid is reused once its process exits; the start time tells a newcomer apart.
 *
 * @example
 * processStartOf(process.pid) // '8123456'
 * processStartOf(999999999)   // undefined
 */
export function processStartOf(pid: number): string | undefined {
  const stat = readStat(pid);
  return stat?.startTime;
}

/**
 * This process, as recorded on the runs it executes.
 *
 * @example
 * currentProcess() // { host: 'ana-laptop', pid: 4242, processStart: '8123456' }
 */
export function currentProcess(): ProcessIdentity {
  return { host: hostname(), pid: process.pid, processStart: processStartOf(process.pid) ?? null };
}

/**
 * Whether the process that was `pid` (started at `processStart`, if known) still runs on this host. A zombie (killed,
 * not yet reaped by its parent) is not alive: it will never write again.
 *
 * @example
 * isProcessAlive(process.pid, currentProcess().processStart) // true
 * isProcessAlive(process.pid, '1')                           // false: that pid now belongs to another process
 */
export function isProcessAlive(pid: number, processStart: string | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const stat = readStat(pid);
  if (stat) return stat.state !== 'Z' && stat.state !== 'X' && (processStart === null || stat.startTime === processStart);
  if (hasProc()) return false;
  // No /proc (macOS, Windows): signal 0 probes existence without sending anything; EPERM means it exists.
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let procPresent: boolean | undefined;
function hasProc(): boolean {
  if (procPresent === undefined) procPresent = readStat(process.pid) !== undefined;
  return procPresent;
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
