/**
 * The ONE status palette: every status of runs, steps, assets and checks maps to a tone, and each tone is a CSS
 * variable (`--tone-success` …, in styles.css, for both themes). The words for run, step and check statuses are
 * Weir's one mapping (packages/weir/src/events/labels.ts, shared with the terminal), capitalised for a badge;
 * asset statuses, which only the UI names, are labelled here.
 */
import { CHECK_OUTCOME_LABELS, RUN_STATUS_LABELS, STEP_STATUS_LABELS } from '../../../weir/src/events/labels.ts';
export type Tone = 'success' | 'failure' | 'running' | 'queued' | 'warn' | 'stale' | 'checkfail' | 'neutral' | 'info';

const TONES: Record<string, Tone> = {
  // runs
  SUCCESS: 'success', FAILURE: 'failure', STARTED: 'running', QUEUED: 'queued', CANCELING: 'warn', CANCELED: 'neutral',
  // steps
  succeeded: 'success', failed: 'failure', running: 'running', pending: 'queued', skipped: 'neutral', reused: 'info', retrying: 'warn', retry: 'warn',
  canceled: 'neutral',
  // assets
  fresh: 'success', stale: 'stale', never: 'neutral', check_failed: 'checkfail', observed: 'info', missing: 'failure',
  // freshness (an asset's `fresh` is the same word and tone)
  violated: 'failure',
  // checks
  passed: 'success', warned: 'warn', warn_only: 'warn', could_not_run: 'failure',
  // backfills (a partition's state is its run's status, or QUEUED)
  REQUESTED: 'queued', RUNNING: 'running', COMPLETED: 'success', FAILED: 'failure',
  // log levels
  error: 'failure', warn: 'warn', info: 'info', debug: 'neutral', event: 'neutral',
};

const capitalised = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v[0]!.toUpperCase() + v.slice(1)]));

const LABELS: Record<string, string> = {
  ...capitalised(RUN_STATUS_LABELS), ...capitalised(STEP_STATUS_LABELS), ...capitalised(CHECK_OUTCOME_LABELS),
  // A Gantt bar's attempt outcome `retry` (the step status is `retrying`).
  retry: 'Retried',
  REQUESTED: 'Requested', RUNNING: 'Running', COMPLETED: 'Completed', FAILED: 'Failed',
  never: 'Never materialized', fresh: 'Fresh', stale: 'Stale', check_failed: 'Check failed', observed: 'Observed', missing: 'Missing',
  violated: 'Freshness violated',
};

/**
 * A glyph per tone, drawn inside status dots: colour is never the only signal (colour-blind readers, greyscale
 * prints), so where no label is written beside a status its shape tells it too.
 */
const ICONS: Record<Tone, string> = {
  success: '✓', failure: '✕', running: '▶', queued: '○', warn: '!', stale: '↻', checkfail: '✕', neutral: '–', info: 'i',
};

export const toneOf = (status: string): Tone => TONES[status] ?? 'neutral';
/** `iconOf('FAILURE')` → `'✕'`, `iconOf('fresh')` → `'✓'`. */
export const iconOf = (status: string): string => ICONS[toneOf(status)];
export const labelOf = (status: string): string => LABELS[status] ?? status;
/** `var(--tone-success)`: for SVG fills and inline styles. */
export const toneColor = (status: string) => `var(--tone-${toneOf(status)})`;
