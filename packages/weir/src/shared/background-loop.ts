/**
 * A job that an unattended process (`weir dev`, `weir serve`) repeats while it holds the automation lease: the schedule
 * ticker, the sensor evaluator, alert delivery, the backfill driver, the freshness evaluator. The host decides when
 * passes run and records a pass that throws; a loop only decides and acts for one pass.
 */
export interface BackgroundLoop {
  /** Shown in logs and `weir serve`'s status: `schedules`, `sensors`, `alerts`, … */
  readonly name: string;
  /** Pause between the end of one pass and the start of the next. A slow pass delays the next; passes never overlap. */
  readonly intervalMs: number;
  /**
   * One pass at `nowMs` (the host's clock, injected so tests drive time). `signal` aborts when the host stops: finish or
   * give up quickly, leaving stored state consistent.
   *
   * @example
   * await scheduleLoop.runOnce(Date.parse('2026-03-01T05:00:00Z'), new AbortController().signal) // launches the 06:00 Brussels tick
   */
  runOnce(nowMs: number, signal: AbortSignal): Promise<void>;
  /** Wakes the loop before its interval ends (a new file, a run that just ended); optional. */
  wake?(): void;
}
