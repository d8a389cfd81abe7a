/** Formatting of times, durations, counts and sizes, the same on every page. */
import { plural as countWithNoun } from '../../../weir/src/shared/plural.ts';

/**
 * @example
 * formatDuration(950) // '950 ms'; formatDuration(61_500) // '1m 2s'; formatDuration(null) // '–'
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/**
 * @example
 * formatAgo(now - 90_000, now) // '2 min ago'
 */
export function formatAgo(t: number | null | undefined, now = Date.now()): string {
  if (!t) return 'never';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', fractionalSecondDigits: 3 } as Intl.DateTimeFormatOptions);
export const formatDateTime = (t: number | null | undefined) => (t ? dateTime.format(t) : '–');
export const formatTime = (t: number) => time.format(t);

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  return n.toLocaleString();
}

/**
 * A count with its noun, singular for one: what every "N things" in the UI uses.
 *
 * @example
 * plural(1, 'step') // '1 step'; plural(2, 'step') // '2 steps'; plural(1200, 'row') // '1,200 rows'
 * plural(0, 'match', 'matches') // '0 matches'
 */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return countWithNoun(n, singular, pluralForm, (count) => count.toLocaleString());
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i && v < 10 ? 1 : 0)} ${units[i]}`;
}

/** `5b0e1c2a` from a full run id: what tables show and what the API accepts as a prefix. */
export const shortId = (runId: string) => runId.slice(0, 8);

/** Any JSON-ish value as short text: observed and expected values of checks. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return v.toLocaleString(undefined, { maximumFractionDigits: 4 });
  if (typeof v === 'string') return v;
  // Expected values of range checks: { min: 1 } → '≥ 1', { min: 1, max: 5 } → '1 – 5'.
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length && keys.every((k) => ['min', 'max', 'equals', 'tolerance'].includes(k))) {
      if ('equals' in o) return `${formatValue(o.equals)}${o.tolerance ? ` ± ${formatValue(o.tolerance)}` : ''}`;
      if ('min' in o && 'max' in o) return `${formatValue(o.min)} – ${formatValue(o.max)}`;
      return 'min' in o ? `≥ ${formatValue(o.min)}` : `≤ ${formatValue(o.max)}`;
    }
  }
  return JSON.stringify(v);
}
