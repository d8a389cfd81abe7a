/**
 * The ONE status palette: every status of runs, steps, assets and checks maps to a tone, and each tone is a CSS
 * variable (`--tone-success` …, in styles.css, for both themes). Labels shown to people live here too.
 */
export type Tone = 'success' | 'failure' | 'running' | 'queued' | 'warn' | 'stale' | 'checkfail' | 'neutral' | 'info';

const TONES: Record<string, Tone> = {
  // runs
  SUCCESS: 'success', FAILURE: 'failure', STARTED: 'running', QUEUED: 'queued', CANCELING: 'warn', CANCELED: 'neutral',
  // steps
  succeeded: 'success', failed: 'failure', running: 'running', pending: 'queued', skipped: 'neutral', reused: 'info', retrying: 'warn', retry: 'warn',
  // assets
  fresh: 'success', stale: 'stale', never: 'neutral', check_failed: 'checkfail', observed: 'info', missing: 'failure',
  // checks
  passed: 'success', warned: 'warn',
  // log levels
  error: 'failure', warn: 'warn', info: 'info', debug: 'neutral', event: 'neutral',
};

const LABELS: Record<string, string> = {
  SUCCESS: 'Success', FAILURE: 'Failure', STARTED: 'Running', QUEUED: 'Queued', CANCELING: 'Canceling', CANCELED: 'Canceled',
  never: 'Never materialized', fresh: 'Fresh', stale: 'Stale', check_failed: 'Check failed', observed: 'Observed', missing: 'Missing',
  passed: 'Passed', failed: 'Failed', warned: 'Warning', succeeded: 'Succeeded', running: 'Running', pending: 'Pending',
  skipped: 'Skipped', reused: 'Reused', retrying: 'Retrying', retry: 'Retried',
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
