/**
 * Which process serves a project. `weir dev` and `weir serve` write .weir/server.json; other commands read it and, while that
 * process is alive and answering, hand their work to it instead of opening the warehouse (DuckDB admits one
 * process per file).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WeirError } from '../shared/errors.js';

export interface ServingProcess {
  pid: number;
  url: string;
  startedAt: number;
  /** Which command serves: `dev` or `serve` (absent in records of older versions: `dev`). */
  command?: ServingCommand;
}

export type ServingCommand = 'dev' | 'serve';

export function servingFile(projectRoot: string): string {
  return join(projectRoot, '.weir', 'server.json');
}

export function recordServingProcess(projectRoot: string, url: string, command: ServingCommand = 'dev'): () => void {
  const file = servingFile(projectRoot);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ pid: process.pid, url, startedAt: Date.now(), command } satisfies ServingProcess));
  return () => {
    // Only remove our own record: a newer server may have replaced it.
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as ServingProcess).pid === process.pid) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live serving process of this project, if any; a stale record (dead pid, no answer) is ignored. */
export async function findServingProcess(projectRoot: string): Promise<ServingProcess | undefined> {
  const file = servingFile(projectRoot);
  if (!existsSync(file)) return undefined;
  let record: ServingProcess;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as ServingProcess;
  } catch {
    return undefined;
  }
  if (record.pid === process.pid || !isAlive(record.pid)) return undefined;
  let response: Response;
  try {
    response = await fetch(`${record.url}/api/project`, { headers: authHeaders(), signal: AbortSignal.timeout(2000) });
  } catch {
    return undefined;
  }
  // It serves the project and holds the warehouse, but wants a token: say so, rather than fail later on the file lock.
  if (response.status === 401 || response.status === 403) {
    throw new WeirError(`\`weir ${record.command ?? 'dev'}\` (pid ${record.pid}) serves this project at ${record.url} and ${process.env.WEIR_TOKEN ? 'refused the WEIR_TOKEN given' : 'needs a token'}; it holds the warehouse, so this command cannot run by itself`, {
      code: 'SERVING_PROCESS_NEEDS_TOKEN',
      hint: `Set WEIR_TOKEN to the token that \`weir ${record.command ?? 'dev'}\` was started with (e.g. \`WEIR_TOKEN=… weir run\`), or stop it first.`,
    });
  }
  return response.ok ? record : undefined;
}

export function authHeaders(): Record<string, string> {
  return process.env.WEIR_TOKEN ? { authorization: `Bearer ${process.env.WEIR_TOKEN}` } : {};
}
