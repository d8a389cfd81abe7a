/**
 * `weir backfill` while `weir dev` or `weir serve` serves the project: the backfill is handed to it (it owns the
 * warehouse and drives backfills in its automation loop) and followed through the API until it ends.
 */
import type { BackfillDetail } from '../../server/api-schemas.js';
import { formatDuration } from '../../shared/duration.js';
import { WeirError } from '../../shared/errors.js';
import { stringifyJson } from '../../shared/json.js';
import { plural } from '../../shared/plural.js';
import { authHeaders, type ServingProcess } from '../serving-process.js';
import { style } from '../output/style.js';
import { CANCEL_SIGNALS } from './run-command.js';

/** How often the backfill's progress is read from the serving process. */
const POLL_MS = 300;

async function api<T>(server: ServingProcess, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${server.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...authHeaders(), ...(init.headers ?? {}) } });
  const body = (await response.json().catch(() => ({}))) as T & { error?: { message?: string; code?: string } };
  if (!response.ok) {
    throw new WeirError(body.error?.message ?? `the serving Weir process answered ${response.status}`, { code: body.error?.code ?? 'REMOTE_BACKFILL_FAILED', hint: `It runs at ${server.url} (pid ${server.pid}).` });
  }
  return body;
}

/**
 * @example
 * await remoteBackfill(server, { select: ['revenue'], only: 'missing' }, {})
 * // Backfill 1a2b3c4d · through weir dev at http://127.0.0.1:3000 (pid 4242) · revenue · 14 partitions … returns 0 once COMPLETED
 */
export async function remoteBackfill(server: ServingProcess, input: { select?: string[]; from?: string; to?: string; only?: 'missing' | 'failed'; concurrency?: number; retryOf?: string }, options: { json?: boolean }): Promise<number> {
  const started = Date.now();
  const body = { select: input.select, from: input.from, to: input.to, concurrency: input.concurrency, ...(input.only ? { [input.only]: true } : {}) };
  type Created = { backfillId: string; partitionCount: number; assetKeys: string[]; unpartitionedAssetKeys: string[] };
  const created = input.retryOf !== undefined
    ? await api<Created>(server, `/api/backfills/${encodeURIComponent(input.retryOf)}/retry-failed`, { method: 'POST', body: '{}' })
    : await api<Created>(server, '/api/backfills', { method: 'POST', body: JSON.stringify(body) });
  const say = (text: string) => { if (!options.json) process.stdout.write(`${text}\n`); };
  say(`${style.bold(`Backfill ${created.backfillId}`)} ${style.dim(`· through the serving process at ${server.url} (pid ${server.pid}) · ${created.assetKeys.join(', ')} · ${plural(created.partitionCount, 'partition')}`)}`);
  if (created.unpartitionedAssetKeys.length > 0) say(style.dim(`  not in the backfill (no partitions): ${created.unpartitionedAssetKeys.join(', ')}`));
  let interrupts = 0;
  const onSignal = () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write(`\n${style.yellow('Cancelling the backfill: nothing new starts, running partitions are cancelled… (press Ctrl-C again to quit at once)')}\n`);
    void api(server, `/api/backfills/${created.backfillId}/cancel`, { method: 'POST' }).catch(() => undefined);
  };
  for (const signal of CANCEL_SIGNALS) process.on(signal, onSignal);
  try {
    let last = '';
    for (;;) {
      const detail = await api<BackfillDetail>(server, `/api/backfills/${created.backfillId}`);
      const { backfill } = detail;
      const c = backfill.counts;
      const progress = `${c.SUCCESS} done · ${c.RUNNING} running · ${c.FAILURE} failed${c.CANCELED ? ` · ${c.CANCELED} cancelled` : ''} · ${c.QUEUED} queued`;
      if (progress !== last) {
        if (options.json) process.stdout.write(`${stringifyJson({ backfillId: backfill.backfillId, status: backfill.status, counts: c })}\n`);
        else say(style.dim(`  ${progress}`));
        last = progress;
      }
      if (backfill.endedAt !== null) {
        for (const range of detail.ranges.filter((r) => r.state === 'FAILURE')) {
          say(`${style.red('✘')} ${range.fromKey === range.toKey ? range.fromKey : `${range.fromKey} … ${range.toKey}`} failed${range.runId ? style.dim(` · weir logs ${range.runId.slice(0, 8)}`) : ''}`);
        }
        if (backfill.error && c.FAILURE + c.CANCELED === 0) say(`${style.red('✘')} ${backfill.error}`);
        say(`Backfill ${backfill.backfillId.slice(0, 8)} ${backfill.status.toLowerCase()}: ${c.SUCCESS} succeeded, ${c.FAILURE} failed, ${c.CANCELED} cancelled, ${c.QUEUED} not started, in ${formatDuration(Date.now() - started)}`);
        return backfill.status === 'COMPLETED' ? 0 : 1;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    for (const signal of CANCEL_SIGNALS) process.off(signal, onSignal);
  }
}
