/**
 * The live view of a run in the terminal, read through the one fold of a run's events (events/run-fold.ts).
 * On a TTY: one line per step, redrawn in place (status, duration, rows, checks), each cut to the terminal's
 * width so a redraw never lands on the wrong line; after `stop()` nothing is drawn again, so the summary that
 * follows is never overwritten. Otherwise (a pipe, a CI log): one plain line per step as it ends, with its check
 * lines under it and nothing cut. When the reader of a pipe goes away (`weir run | head -1`), writing stops and
 * the run goes on to its end.
 */
import {
  applyRunEvent, checkOutcomeOf, CHECK_OUTCOME_LABELS, initialRunState, STEP_STATUS_LABELS, StepStatus,
  type EventRecord, type RunState, type StepSummary,
} from '../../events/index.js';
import { formatDuration } from '../../shared/duration.js';
import { checkOutcomeText, stepChecksText, stepStatusText, style } from './style.js';

/** How often a TTY view is redrawn. */
const REDRAW_INTERVAL_MS = 100;
/** Plain-mode event types that end a step's block (its line and then its check lines). */
const STEP_ENDS = new Set(['STEP_SUCCESS', 'STEP_FAILURE', 'STEP_SKIPPED', 'STEP_UP_FOR_RETRY']);

export class RunDisplay {
  private state: RunState;
  private drawnLines = 0;
  private timer?: NodeJS.Timeout;
  private readonly isLive: boolean;
  private isStopped = false;
  /** Plain mode: check lines waiting for their step's line. */
  private readonly pendingChecks = new Map<string, string[]>();
  /** Retry notes (`retry 2 in 1s`): from the retry event, not part of the fold. */
  private readonly notes = new Map<string, string>();

  constructor(stepKeys: string[], private readonly out: NodeJS.WriteStream = process.stdout) {
    this.isLive = out.isTTY === true;
    this.state = initialRunState(stepKeys);
    if (this.isLive) this.timer = setInterval(() => this.draw(), REDRAW_INTERVAL_MS);
  }

  onEvent(event: EventRecord): void {
    this.state = applyRunEvent(this.state, event);
    if (event.type === 'STEP_UP_FOR_RETRY' && event.stepKey) this.notes.set(event.stepKey, `retry ${event.data.nextAttempt} in ${formatDuration(event.data.delayMs)}`);
    else if (event.type === 'STEP_START' && event.stepKey) this.notes.delete(event.stepKey);
    if (!this.isLive && !this.isStopped) this.printPlain(event);
  }

  private printPlain(event: EventRecord): void {
    if (event.type === 'LOG') {
      if (event.data.level === 'warn' || event.data.level === 'error') this.write(`  ${event.stepKey ?? ''} ${event.data.level}: ${event.message}\n`);
      return;
    }
    if (event.type === 'RUN_CANCELING') {
      this.write(`${event.message}\n`);
      return;
    }
    if (event.type === 'ASSET_CHECK_EVALUATION') {
      const outcome = checkOutcomeOf(event.data);
      const line = `    ${checkOutcomeText(outcome, 'check')} ${event.message}${outcome === 'passed' ? '' : style.dim(` (${CHECK_OUTCOME_LABELS[outcome]})`)}`;
      if (!event.stepKey) this.write(`${line}\n`);
      else this.pendingChecks.set(event.stepKey, [...(this.pendingChecks.get(event.stepKey) ?? []), line]);
      return;
    }
    if (!STEP_ENDS.has(event.type) || !event.stepKey) return;
    const step = this.state.steps.find((s) => s.key === event.stepKey);
    if (step) this.write(`${this.stepLine(step, { isFull: true })}\n`);
    this.flushChecks(event.stepKey);
  }

  private flushChecks(stepKey: string): void {
    const lines = this.pendingChecks.get(stepKey);
    if (!lines) return;
    this.pendingChecks.delete(stepKey);
    this.write(`${lines.join('\n')}\n`);
  }

  /** One step's line. `isFull`: every word of its note, and a multi-line error's other lines indented under it. */
  private stepLine(step: StepSummary, { isFull = false, now = Date.now() } = {}): string {
    const width = Math.min(40, Math.max(...this.state.steps.map((s) => s.key.length)));
    const duration = step.durationMs ?? (step.startedAt !== undefined && step.status !== StepStatus.SKIPPED ? now - step.startedAt : undefined);
    const parts = [stepStatusText(step.status, step.key.padEnd(width)), style.dim((duration === undefined ? '' : formatDuration(duration)).padStart(7))];
    if (step.rowCount !== undefined && step.rowCount !== null) parts.push(`${step.rowCount.toLocaleString('en-US')} row${step.rowCount === 1 ? '' : 's'}`);
    const checks = stepChecksText(step.checks);
    if (checks) parts.push(checks);
    const attempt = step.attempts.length;
    if (attempt > 1 && step.status !== StepStatus.RETRYING) parts.push(style.dim(`attempt ${attempt}`));
    const note = step.status === StepStatus.RETRYING ? this.notes.get(step.key)
      : step.status === StepStatus.SUCCEEDED ? undefined
      // The icon alone does not say "skipped" to everyone; a reuse and a cancel say it in their own words.
      : step.status === StepStatus.SKIPPED ? `${STEP_STATUS_LABELS.skipped}: ${step.reason ?? ''}`
      : step.reason;
    if (note) {
      const [first, ...rest] = note.split('\n');
      parts.push(style.dim(first!));
      if (isFull && rest.length) return `${parts.join('  ')}\n${rest.map((l) => `      ${style.dim(l)}`).join('\n')}`;
    }
    return parts.join('  ');
  }

  private draw(): void {
    if (this.isStopped) return;
    const columns = this.out.columns || 0;
    const lines = this.state.steps.map((s) => fitTo(this.stepLine(s), columns));
    let output = this.drawnLines ? `\x1b[${this.drawnLines}F` : '';
    output += lines.map((l) => `\x1b[2K${l}`).join('\n') + '\n';
    this.write(output);
    this.drawnLines = lines.length;
  }

  private write(text: string): void {
    // The reader went away (EPIPE: the stream is destroyed): print nothing more, let the run finish and be recorded.
    if (this.out.destroyed || this.out.writableEnded) return;
    this.out.write(text);
  }

  /** The last drawing (TTY) or the check lines of steps that never ended (plain). Safe to call twice: draws once. */
  stop(): void {
    if (this.isStopped) return;
    if (this.timer) clearInterval(this.timer);
    if (this.isLive) this.draw();
    else for (const key of [...this.pendingChecks.keys()]) this.flushChecks(key);
    this.isStopped = true;
  }
}

/**
 * A line cut to `columns` visible characters (ANSI colour codes do not count), so a redrawn line never wraps onto
 * the next one. `columns` 0 (unknown) leaves it whole.
 */
function fitTo(line: string, columns: number): string {
  if (!columns) return line;
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      if (end === -1) break;
      out += line.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible >= columns - 1) {
      out += '…\x1b[0m';
      return out;
    }
    out += line[i];
    visible++;
  }
  return out;
}
