/**
 * `weir backfill`, `weir backfills` and `weir backfill cancel`: start a backfill (handed to `weir dev`/`weir serve`
 * when one serves the project, else run in the foreground like `weir run`), list them, cancel one as a whole.
 */
import { cancelRun } from '../../engine/cancel-run.js';
import { localLiveness } from '../../engine/end-dead-runs.js';
import { inProcessLauncher } from '../../engine/in-process-launcher.js';
import { loadProjectConfig } from '../../loaders/index.js';
import { createBackfillLoop } from '../../scheduler/backfill-loop.js';
import { requestBackfill, retryFailedBackfill, type RequestBackfillDeps } from '../../scheduler/request-backfill.js';
import { formatDuration } from '../../shared/duration.js';
import { WeirError } from '../../shared/errors.js';
import { stringifyJson } from '../../shared/json.js';
import { plural } from '../../shared/plural.js';
import { type Backfill, type BackfillPartitionStatus, type Storage } from '../../storage/storage.js';
import { openLocalInstance, openMetadataOnly } from '../local-instance.js';
import { style } from '../output/style.js';
import { renderTable } from '../output/table.js';
import { findServingProcess } from '../serving-process.js';
import { CANCEL_SIGNALS } from './run-command.js';

export interface BackfillCommandOptions {
  project: string;
  select?: string[];
  from?: string;
  to?: string;
  missing?: boolean;
  failed?: boolean;
  all?: boolean;
  concurrency?: number;
  json?: boolean;
}

/** How long the foreground driver waits between passes when no run has ended. */
const FOREGROUND_PASS_MS = 500;
/** How long `weir backfill cancel` waits for the backfill to end. */
export const BACKFILL_CANCEL_WAIT_MS = 30_000;

/**
 * @example
 * await backfillCommand({ project: '.', select: ['revenue'], from: '2025-01', to: '2025-06', concurrency: 2 })
 * // Backfill 1a2b3c4d · revenue · 6 partitions (2025-01 … 2025-06) · 2 at once
 * // ✔ 2025-01  412ms · run 5b0e1c2a … then "Backfill 1a2b3c4d completed: 6 succeeded, 0 failed, 0 cancelled, 0 not started, in 2.10s"; returns 0
 */
export async function backfillCommand(options: BackfillCommandOptions): Promise<number> {
  const input = requestOf(options);
  const config = loadProjectConfig(options.project);
  const server = await findServingProcess(config.root);
  if (server) {
    const { remoteBackfill } = await import('./remote-backfill.js');
    return remoteBackfill(server, input, { json: options.json });
  }
  return foregroundBackfill(options, (deps, nowMs) => requestBackfill(deps, input, nowMs));
}

/**
 * `weir backfill retry-failed ID`: a new backfill of the failed and cancelled partitions of an ended one, linked to
 * it; handed to the serving process like `weir backfill`, or run in the foreground.
 *
 * @example
 * await backfillRetryCommand({ project: '.', backfillId: '1a2b' }) // "Backfill 9f8e… · revenue · 2 partitions …" then its end; 0 if all succeed
 */
export async function backfillRetryCommand(options: { project: string; backfillId: string; concurrency?: number; json?: boolean }): Promise<number> {
  const config = loadProjectConfig(options.project);
  const server = await findServingProcess(config.root);
  if (server) {
    const { remoteBackfill } = await import('./remote-backfill.js');
    return remoteBackfill(server, { retryOf: options.backfillId, concurrency: options.concurrency }, { json: options.json });
  }
  return foregroundBackfill({ project: options.project, json: options.json }, async (deps, nowMs) => {
    const id = (await deps.storage.backfills.resolveBackfillId(options.backfillId)) ?? options.backfillId;
    const backfill = await retryFailedBackfill(deps.storage, id, nowMs, { concurrency: options.concurrency });
    return { backfill, plan: { unpartitionedAssetKeys: [] } };
  });
}

/** What the flags ask, checked: a range, --missing, --failed or --all. */
export function requestOf(options: BackfillCommandOptions): { select?: string[]; from?: string; to?: string; only?: 'missing' | 'failed'; concurrency?: number } {
  const hasRange = options.from !== undefined || options.to !== undefined;
  if (options.missing && options.failed) {
    throw new WeirError('--missing and --failed exclude each other', { code: 'BACKFILL_BAD_FLAGS', hint: '--missing already includes the failed partitions (no successful materialization).' });
  }
  if (options.all && (hasRange || options.missing || options.failed)) {
    throw new WeirError('--all backfills every partition: it takes no --from, --to, --missing or --failed', { code: 'BACKFILL_BAD_FLAGS', hint: 'Drop --all to backfill a range or only missing or failed partitions.' });
  }
  if (!options.all && !hasRange && !options.missing && !options.failed) {
    throw new WeirError('weir backfill needs to know which partitions: --from KEY --to KEY, --missing, --failed or --all', {
      code: 'BACKFILL_BAD_FLAGS', hint: 'E.g. weir backfill -s revenue --from 2025-01 --to 2025-06 (both included), or --missing.',
    });
  }
  return {
    select: options.select, from: options.from, to: options.to, concurrency: options.concurrency,
    only: options.missing ? 'missing' : options.failed ? 'failed' : undefined,
  };
}

type CreateBackfill = (deps: RequestBackfillDeps, nowMs: number) => Promise<{ backfill: Backfill; plan: { unpartitionedAssetKeys: string[] }; inOrderBecause?: string }>;

async function foregroundBackfill(options: Pick<BackfillCommandOptions, 'project' | 'json'>, create: CreateBackfill): Promise<number> {
  const instance = await openLocalInstance(options.project);
  const snapshot = { definitions: instance.loaded.definitions, graph: instance.graph };
  let wake: () => void = () => undefined;
  const launcher = inProcessLauncher({ project: () => snapshot, storage: instance.storage, warehouse: async () => instance.data, onRunFinished: () => wake() });
  const started = Date.now();
  let interrupts = 0;
  let backfillId: string | undefined;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`\n${style.yellow('Cancelling the backfill: nothing new starts, running partitions are cancelled… (press Ctrl-C again to quit at once)')}\n`);
    if (backfillId) void instance.storage.backfills.requestCancel(backfillId, Date.now()).then(() => wake());
  };
  for (const signal of CANCEL_SIGNALS) process.on(signal, onSignal);
  try {
    const { backfill, plan, inOrderBecause } = await create({ project: () => snapshot, storage: instance.storage }, started);
    backfillId = backfill.backfillId;
    if (interrupts > 0) await instance.storage.backfills.requestCancel(backfillId, Date.now());
    const say = options.json ? () => undefined : (text: string) => process.stdout.write(`${text}\n`);
    say(`${style.bold(`Backfill ${backfill.backfillId}`)} ${style.dim(`· ${backfill.assetKeys.join(', ')} · ${plural(backfill.partitionCount, 'partition')} · ${backfill.concurrency} at once`)}`);
    if (inOrderBecause) say(style.dim(`  one partition at a time, oldest first: ${inOrderBecause}`));
    if (plan.unpartitionedAssetKeys.length > 0) {
      say(style.dim(`  not in the backfill (no partitions): ${plan.unpartitionedAssetKeys.join(', ')}; run them after with weir run -s ${plan.unpartitionedAssetKeys.join(' ')}`));
    }
    const loop = createBackfillLoop({
      project: () => snapshot, storage: instance.storage, launcher, backfillId: backfill.backfillId,
      log: (line) => {
        const fields = line.fields ?? {};
        if (options.json) {
          if (fields.partition !== undefined) process.stdout.write(`${stringifyJson({ backfillId: backfill.backfillId, ...fields, message: line.message })}\n`);
          return;
        }
        if (fields.event === 'partition_ended' && typeof fields.runId === 'string') say(partitionLine(String(fields.partition), String(fields.status), fields.runId, fields.durationMs as number | undefined));
      },
    });
    const controller = new AbortController();
    let lastProgress = '';
    for (;;) {
      await loop.runOnce(Date.now(), controller.signal);
      const current = await instance.storage.backfills.getBackfill(backfill.backfillId);
      if (!current || current.endedAt !== null) break;
      const progress = await progressLine(instance.storage, current);
      if (progress !== lastProgress) {
        say(style.dim(`  ${progress}`));
        lastProgress = progress;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, FOREGROUND_PASS_MS);
        wake = () => { clearTimeout(timer); resolve(); };
      });
    }
    await launcher.idle();
    const ended = (await instance.storage.backfills.getBackfill(backfill.backfillId))!;
    const counts = await instance.storage.backfills.partitionCounts(backfill.backfillId);
    if (options.json) process.stdout.write(`${stringifyJson({ backfill: ended, counts })}\n`);
    else say(endLine(ended, counts, Date.now() - started));
    return ended.status === 'COMPLETED' ? 0 : 1;
  } finally {
    for (const signal of CANCEL_SIGNALS) process.off(signal, onSignal);
    await launcher.idle();
    await instance.close();
  }
}

/** `✔ 2025-03  412ms · run 5b0e1c2a` */
export function partitionLine(key: string, status: string, runId: string, durationMs?: number): string {
  const mark = status === 'SUCCESS' ? style.green('✔') : status === 'CANCELED' ? style.yellow('■') : style.red('✘');
  const what = status === 'SUCCESS' ? '' : status === 'CANCELED' ? 'cancelled · ' : 'failed · ';
  const took = durationMs === undefined ? '' : `${formatDuration(durationMs)} · `;
  return `${mark} ${key}  ${style.dim(`${what}${took}run ${runId.slice(0, 8)}${status === 'FAILURE' ? ` · weir logs ${runId.slice(0, 8)}` : ''}`)}`;
}

/** `12 done · 4 running · 1 failed · 483 queued` */
export async function progressLine(storage: Pick<Storage, 'backfills'>, backfill: Backfill): Promise<string> {
  const counts = await storage.backfills.partitionCounts(backfill.backfillId);
  return progressText({ ...counts, QUEUED: Math.max(0, backfill.partitionCount - backfill.cursor) });
}

function progressText(counts: Record<BackfillPartitionStatus | 'QUEUED', number>): string {
  const parts = [`${counts.SUCCESS} done`, `${counts.RUNNING} running`, `${counts.FAILURE} failed`];
  if (counts.CANCELED > 0) parts.push(`${counts.CANCELED} cancelled`);
  parts.push(`${counts.QUEUED} queued`);
  return parts.join(' · ');
}

function endLine(backfill: Backfill, counts: Record<BackfillPartitionStatus, number>, durationMs: number): string {
  const status = backfill.status === 'COMPLETED' ? style.green('completed') : backfill.status === 'CANCELED' ? style.yellow('cancelled') : style.red(backfill.status.toLowerCase());
  const short = backfill.backfillId.slice(0, 8);
  const line = `Backfill ${short} ${status}: ${counts.SUCCESS} succeeded, ${counts.FAILURE} failed, ${counts.CANCELED} cancelled, ${Math.max(0, backfill.partitionCount - backfill.cursor)} not started, in ${formatDuration(durationMs)}`;
  const error = backfill.error && counts.FAILURE + counts.CANCELED === 0 ? `\n${style.red('✘')} ${backfill.error}` : '';
  const retry = counts.FAILURE + counts.CANCELED > 0 ? `\n${style.dim(`Re-run the failed partitions: weir backfill retry-failed ${short}`)}` : '';
  return line + error + retry;
}

/**
 * `weir backfills`: the project's backfills, newest first.
 *
 * @example
 * await backfillsCommand({ project: '.' })
 * // backfill  status     assets   partitions  done  running  failed  queued  created
 * // 1a2b3c4d  COMPLETED  revenue          24    24        0       0       0  2026-03-01 06:00
 */
export async function backfillsCommand(options: { project: string; json?: boolean; limit?: number }): Promise<number> {
  const { storage, project } = await openMetadataOnly(options.project);
  try {
    const backfills = await storage.backfills.listBackfills({ project, limit: options.limit ?? 20 });
    const rows = await Promise.all(backfills.map(async (b) => ({ ...b, counts: { ...(await storage.backfills.partitionCounts(b.backfillId)), QUEUED: Math.max(0, b.partitionCount - b.cursor) } })));
    if (options.json) {
      process.stdout.write(`${stringifyJson({ backfills: rows })}\n`);
      return 0;
    }
    if (rows.length === 0) {
      process.stdout.write(`No backfills yet. Start one with: weir backfill -s ASSET --from KEY --to KEY (or --missing, --failed, --all)\n`);
      return 0;
    }
    process.stdout.write(`${renderTable(['backfill', 'status', 'assets', 'asked', 'partitions', 'done', 'running', 'failed', 'queued', 'created'], rows.map((b) => [
      b.backfillId.slice(0, 8), b.status, b.assetKeys.join(', '), askedText(b), String(b.partitionCount), String(b.counts.SUCCESS), String(b.counts.RUNNING),
      String(b.counts.FAILURE + b.counts.CANCELED), String(b.counts.QUEUED), new Date(b.createdAt).toISOString().slice(0, 16).replace('T', ' '),
    ]))}\n`);
    return 0;
  } finally {
    await storage.close();
  }
}

function askedText(backfill: Backfill): string {
  const { from, to, only } = backfill.request;
  const range = from !== undefined || to !== undefined ? `${from ?? 'first'} … ${to ?? 'last'}` : '';
  const what = only === 'missing' ? 'missing' : only === 'failed' ? (backfill.parentBackfillId ? `failed of ${backfill.parentBackfillId.slice(0, 8)}` : 'failed') : range ? '' : 'all';
  return [range, what].filter(Boolean).join(', ');
}

/**
 * `weir backfill cancel ID`: nothing new starts, its running runs are cancelled (whatever process runs them), and it
 * is recorded CANCELED: by the process that drives it, or here once its runs have stopped and no process did.
 *
 * @example
 * await backfillCancelCommand({ project: '.', backfillId: '1a2b' }) // "Backfill 1a2b3c4d cancelled: 50 succeeded, 5 cancelled, 445 not started"
 */
export async function backfillCancelCommand(options: { project: string; backfillId: string; json?: boolean }): Promise<number> {
  const { storage } = await openMetadataOnly(options.project, { endDeadRuns: false });
  try {
    const id = await storage.backfills.resolveBackfillId(options.backfillId);
    const backfill = id ? await storage.backfills.getBackfill(id) : undefined;
    if (!backfill) throw new WeirError(`no backfill matches '${options.backfillId}'`, { code: 'UNKNOWN_BACKFILL', hint: 'List them with `weir backfills`; any unique prefix of an id works.' });
    const short = backfill.backfillId.slice(0, 8);
    if (backfill.endedAt !== null) {
      throw new WeirError(`backfill ${short} has already ended (${backfill.status}); there is nothing to cancel`, { code: 'BACKFILL_ENDED', hint: 'See it with `weir backfills`.' });
    }
    const requestedAt = Date.now();
    await storage.backfills.requestCancel(backfill.backfillId, requestedAt);
    if (!options.json) process.stdout.write(style.dim(`Cancelling backfill ${short}: nothing new starts; its running partitions are being cancelled…\n`));
    for (;;) {
      const running = await storage.backfills.listPartitions(backfill.backfillId, { statuses: ['RUNNING'] });
      // Whatever process runs them: a dead one's run is ended at once, a live one stops within a second.
      for (const partition of running) await cancelRun(storage, partition.runId, { nowMs: Date.now(), ...localLiveness() });
      const runsLeft = [];
      for (const partition of running) {
        const run = await storage.runs.getRun(partition.runId);
        if (run && !['SUCCESS', 'FAILURE', 'CANCELED'].includes(run.status)) runsLeft.push(partition);
        else if (run) await storage.backfills.recordPartitionEnd(backfill.backfillId, partition.index, run.status as 'SUCCESS' | 'FAILURE' | 'CANCELED', Date.now());
      }
      // No process drove it (its `weir backfill` was killed): every run has stopped, so end it here.
      if (runsLeft.length === 0) await storage.backfills.finishBackfill(backfill.backfillId, 'CANCELED', Date.now());
      const current = (await storage.backfills.getBackfill(backfill.backfillId))!;
      if (current.endedAt !== null) {
        const counts = await storage.backfills.partitionCounts(backfill.backfillId);
        if (options.json) process.stdout.write(`${stringifyJson({ backfill: current, counts })}\n`);
        else process.stdout.write(`${endLine(current, counts, Date.now() - requestedAt).split('\n')[0]}\n`);
        return 0;
      }
      if (Date.now() - requestedAt > BACKFILL_CANCEL_WAIT_MS) {
        throw new WeirError(`backfill ${short} has not stopped ${formatDuration(BACKFILL_CANCEL_WAIT_MS)} after the cancel request`, {
          code: 'CANCEL_PENDING', hint: 'The request stays recorded (nothing new starts); its runs stop at their next check.',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await storage.close();
  }
}

