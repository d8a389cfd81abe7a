/** Axis ticks at numbers and times people read at a glance: 0, 250, 500…; 10:00, 10:15…; Dec 1, Dec 2… Pure. */

export interface NiceAxis {
  /** The axis runs from `min` to `max`, both ticks. */
  min: number;
  max: number;
  step: number;
  ticks: number[];
}

const STEPS = [1, 2, 2.5, 5, 10];

/**
 * Ticks at multiples of 1, 2, 2.5 or 5 × 10ⁿ covering `[low, high]` in about `intervals` steps; with `integer`, no
 * step below 1 (counts of rows or runs).
 *
 * @example
 * niceTicks(0, 1100).ticks        // [0, 250, 500, 750, 1000, 1250]
 * niceTicks(3, 7, { integer: true }).ticks // [3, 4, 5, 6, 7]
 * niceTicks(0, 0, { integer: true }).ticks // [0, 1]
 */
export function niceTicks(low: number, high: number, options: { intervals?: number; integer?: boolean } = {}): NiceAxis {
  const intervals = options.intervals ?? 5;
  let lo = Math.min(low, high);
  let hi = Math.max(low, high);
  if (hi === lo) {
    if (hi === 0) hi = 1;
    else if (hi > 0) lo = 0;
    else hi = 0;
  }
  const rough = (hi - lo) / intervals;
  const power = 10 ** Math.floor(Math.log10(rough));
  let step = STEPS.map((s) => s * power).find((s) => s >= rough * (1 - 1e-9)) ?? 10 * power;
  // Counts step by whole numbers: below 1 by 1, and 2.5 by 5.
  if (options.integer && !Number.isInteger(step)) step = step < 1 ? 1 : 5 * power;
  const min = Math.floor(lo / step + 1e-9) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; min + i * step <= max + step * 1e-9; i++) ticks.push(round(min + i * step, step));
  return { min, max, step, ticks };
}

/** Removes float noise: 0.30000000000000004 → 0.3 at the step's precision. */
function round(value: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(Math.min(20, digits)));
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 91 * DAY, 182 * DAY, 364 * DAY,
];

export interface TimeTick {
  t: number;
  /** What the label needs to show: `second` → 10:15:30, `minute` → 10:15, `day` → Dec 3. */
  unit: 'second' | 'minute' | 'day';
}

/**
 * Ticks at round times inside `[t0, t1]` (ms since the epoch), at most `maxTicks`: whole seconds, minutes, hours or
 * (local) days, counted in the zone `utcOffsetMinutes` from UTC (the browser's: `-new Date().getTimezoneOffset()`).
 *
 * @example
 * // 10:02 to 10:58 UTC
 * timeTicks(Date.UTC(2026, 0, 1, 10, 2), Date.UTC(2026, 0, 1, 10, 58), { utcOffsetMinutes: 0 }).map((x) => new Date(x.t).toISOString().slice(11, 16))
 * // ['10:15', '10:30', '10:45']
 */
export function timeTicks(t0: number, t1: number, options: { maxTicks?: number; utcOffsetMinutes?: number } = {}): TimeTick[] {
  const maxTicks = options.maxTicks ?? 5;
  const offset = (options.utcOffsetMinutes ?? 0) * MINUTE;
  const span = Math.max(0, t1 - t0);
  const step = TIME_STEPS.find((s) => Math.floor(span / s) + 1 <= maxTicks) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const unit: TimeTick['unit'] = step >= DAY ? 'day' : step >= MINUTE ? 'minute' : 'second';
  const ticks: TimeTick[] = [];
  // Days start at local midnight; weeks and longer on a multiple of the step from there.
  const first = Math.ceil((t0 + offset) / step) * step - offset;
  for (let t = first; t <= t1; t += step) ticks.push({ t, unit });
  return ticks.slice(0, maxTicks);
}
