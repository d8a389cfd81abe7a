/**
 * `weir run` while `weir dev` or `weir serve` serves the project: the serving process owns the warehouse, so the run is launched
 * through its API and followed over its event stream, with the same live display and summary as a local run.
 */
import type { EventRecord, RunStatus } from '../../events/index.js';
import type { ProjectConfig } from '../../definitions/project.js';
import { WeirError } from '../../shared/errors.js';
import { stringifyJson } from '../../shared/json.js';
import { RunDisplay } from '../output/run-display.js';
import { style } from '../output/style.js';
import { CANCEL_SIGNALS } from './run-command.js';
import { authHeaders, type ServingProcess } from '../serving-process.js';
import { plural } from '../../shared/plural.js';

export interface RemoteRunOptions {
  select?: string[];
  exclude?: string[];
  skipUnchanged?: boolean;
  concurrency?: number;
  partition?: string;
  json?: boolean;
}

/**
 * The settings this command resolved from its own environment (and the defaults where it set none): sent with the
 * run, so it runs as `weir run` alone would have, whatever environment `weir dev` was started in.
 *
 * @example
 * settingsOfCommand(config) // { data_dir: '/tmp/exports', max_rows: 1000 }
 */
export function settingsOfCommand(config: Pick<ProjectConfig, 'settings' | 'settingSources'>): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(config.settings).filter(([name]) => config.settingSources[name] !== 'unset'));
}

async function api<T>(server: ServingProcess, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${server.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...authHeaders(), ...(init.headers ?? {}) } });
  const body = (await response.json().catch(() => ({}))) as T & { error?: { message?: string } };
  if (!response.ok) {
    throw new WeirError(body.error?.message ?? `the serving Weir process answered ${response.status}`, { code: 'REMOTE_RUN_FAILED', hint: `It runs at ${server.url} (pid ${server.pid}).` });
  }
  return body;
}

/** Reads an SSE body, calling onEvent for each `data:` message; resolves with the final status from `event: end`. */
async function follow(server: ServingProcess, runId: string, onEvent: (event: EventRecord) => void): Promise<RunStatus> {
  const response = await fetch(`${server.url}/api/runs/${runId}/events/stream`, { headers: authHeaders() });
  if (!response.ok || !response.body) throw new WeirError(`could not follow run ${runId}: HTTP ${response.status}`, { code: 'REMOTE_RUN_FAILED' });
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let split: number;
    while ((split = buffer.indexOf('\n\n')) >= 0) {
      const message = buffer.slice(0, split);
      buffer = buffer.slice(split + 2);
      const event = /^event: (.*)$/m.exec(message)?.[1];
      const data = message.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      if (!data) continue;
      if (event === 'end') return (JSON.parse(data) as { status: RunStatus }).status;
      if (!event || event === 'message') onEvent(JSON.parse(data) as EventRecord);
    }
  }
  throw new WeirError(`the serving Weir process closed the stream of run ${runId} before it finished`, { code: 'REMOTE_RUN_FAILED', hint: `See it with: weir run-info ${runId.slice(0, 8)}` });
}

export async function remoteRun(server: ServingProcess, options: RemoteRunOptions, config: Pick<ProjectConfig, 'settings' | 'settingSources'>): Promise<{ runId: string; status: RunStatus; durationMs: number }> {
  const started = Date.now();
  const { runId } = await api<{ runId: string }>(server, '/api/runs', {
    method: 'POST',
    body: JSON.stringify({
      select: options.select, exclude: options.exclude, skipUnchanged: options.skipUnchanged, trigger: 'cli',
      settings: settingsOfCommand(config), ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.partition !== undefined ? { partition: options.partition } : {}),
    }),
  });
  const detail = await api<{ run: { stepKeys: string[] } }>(server, `/api/runs/${runId}`);
  let display: RunDisplay | undefined;
  if (!options.json) {
    process.stdout.write(`${style.bold(`Run ${runId}`)} ${style.dim(`· through weir ${server.command ?? 'dev'} at ${server.url} (pid ${server.pid}) · ${plural(detail.run.stepKeys.length, 'step')}`)}\n`);
    display = new RunDisplay(detail.run.stepKeys);
  }
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write(`\n${style.yellow('Cancelling the run… (press Ctrl-C again to quit at once)')}\n`);
    void api(server, `/api/runs/${runId}/cancel`, { method: 'POST' }).catch(() => undefined);
  };
  for (const signal of CANCEL_SIGNALS) process.on(signal, onSigint);
  try {
    const status = await follow(server, runId, (event) => {
      if (options.json) process.stdout.write(`${stringifyJson(event)}\n`);
      else display?.onEvent(event);
    });
    return { runId, status, durationMs: Date.now() - started };
  } finally {
    display?.stop();
    for (const signal of CANCEL_SIGNALS) process.off(signal, onSigint);
  }
}
