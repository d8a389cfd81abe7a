/** Terminal colours, off when the output is not a terminal or NO_COLOR is set. One palette for statuses everywhere. */
import {
  CHECK_OUTCOME_LABELS, RUN_STATUS_LABELS, STEP_STATUS_LABELS,
  type CheckOutcome, type RunStatus, type StepCheckCounts, type StepStatus,
} from '../../events/index.js';

const enabled = process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const wrap = (open: number, close: number) => (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text);

export const style = {
  enabled,
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  blue: wrap(34, 39),
  cyan: wrap(36, 39),
  gray: wrap(90, 39),
};

/** Every step status is one (StepStatus ⊂ DisplayStatus), plus `warn` for checks. */
export type DisplayStatus = StepStatus | 'warn';

const ICONS: Record<DisplayStatus, string> = {
  pending: '·', running: '▶', succeeded: '✔', failed: '✘', skipped: '↷', reused: '≡', warn: '!', retrying: '↻', canceled: '■',
};

export function statusText(status: DisplayStatus, label: string = status): string {
  const text = `${ICONS[status]} ${label}`;
  switch (status) {
    case 'succeeded': case 'reused': return style.green(text);
    case 'failed': case 'canceled': return style.red(text);
    case 'warn': case 'retrying': case 'skipped': return style.yellow(text);
    case 'running': return style.cyan(text);
    default: return style.gray(text);
  }
}

/** Run statuses as stored (UPPER_SNAKE) to the display palette, labelled from events/labels.ts. */
export function runStatusText(status: RunStatus): string {
  const map: Record<RunStatus, DisplayStatus> = { SUCCESS: 'succeeded', FAILURE: 'failed', CANCELED: 'canceled', STARTED: 'running', QUEUED: 'pending', CANCELING: 'retrying' };
  return statusText(map[status] ?? 'pending', RUN_STATUS_LABELS[status] ?? String(status).toLowerCase());
}

/** A step's status with its icon and label: `■ cancelled`. */
export function stepStatusText(status: StepStatus, label: string = STEP_STATUS_LABELS[status]): string {
  return statusText(status, label);
}

const CHECK_DISPLAY: Record<CheckOutcome, DisplayStatus> = { passed: 'succeeded', warn_only: 'warn', warned: 'warn', failed: 'failed', could_not_run: 'failed' };

/** A check's outcome with its icon: `✘ could not run`; `label` replaces the words (e.g. the check's message). */
export function checkOutcomeText(outcome: CheckOutcome, label: string = CHECK_OUTCOME_LABELS[outcome]): string {
  return statusText(CHECK_DISPLAY[outcome], label);
}

/**
 * A step's checks in a few words, worst first, or '' when it had none.
 *
 * @example
 * stepChecksText({ passed: 3, failed: 0, warned: 0, couldNotRun: 0 }) // '3 checks passed'
 * stepChecksText({ passed: 3, failed: 1, warned: 0, couldNotRun: 1 }) // 'checks: 1 failed, 1 could not run, 3 passed' (coloured)
 */
export function stepChecksText(counts: StepCheckCounts): string {
  const total = counts.passed + counts.failed + counts.warned + counts.couldNotRun;
  if (!total) return '';
  if (counts.passed === total) return style.green(`${total} check${total === 1 ? '' : 's'} passed`);
  const parts: string[] = [];
  if (counts.failed) parts.push(style.red(`${counts.failed} failed`));
  if (counts.couldNotRun) parts.push(style.red(`${counts.couldNotRun} could not run`));
  if (counts.warned) parts.push(style.yellow(`${counts.warned} warning${counts.warned === 1 ? '' : 's'}`));
  if (counts.passed) parts.push(style.green(`${counts.passed} passed`));
  return `checks: ${parts.join(', ')}`;
}

