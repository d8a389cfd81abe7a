/**
 * The progress of one run as an explicit state machine. Each step moves
 * pending -> running -> succeeded | failed | skipped, and every bucket is named, so a run that ends with steps
 * unfinished can say exactly which ones and why. Pure: the executor drives it and does the I/O.
 */
import type { FailReason, SkipReason } from '../events/step-vocabulary.js';
import type { ExecutionPlan, PlannedStep } from './execution-plan.js';

// Declared once in events/ (they are stored on STEP_FAILURE and STEP_SKIPPED); re-exported for the engine's readers.
export type { FailReason, SkipReason };

export interface SkippedStep {
  key: string;
  reason: SkipReason;
  /** The failed upstream steps that caused it (for upstream_* reasons). */
  blockedBy: string[];
}

export class ActiveRun {
  readonly plan: ExecutionPlan;
  // Waiting for upstream steps to finish.
  private readonly pending = new Set<string>();
  // Handed to the executor, not finished.
  private readonly running = new Set<string>();
  // Finished and published (or reused unchanged): downstream may start.
  private readonly succeeded = new Set<string>();
  // Finished without publishing; downstream will be skipped.
  private readonly failed = new Map<string, FailReason>();
  // Never started; downstream of a skip is skipped too (except `unchanged`, which counts as done).
  private readonly skipped = new Map<string, SkippedStep>();
  private readonly byKey = new Map<string, PlannedStep>();
  private readonly downstream = new Map<string, string[]>();
  // Upstream steps not yet done, per pending step; at 0 the step is ready. Kept up to date as steps finish, so
  // finding what may start costs the ready steps, not the whole plan (a 1,000-step run asks after every step).
  private readonly waitingOn = new Map<string, number>();
  private readonly ready = new Set<string>();
  private readonly planIndex = new Map<string, number>();

  constructor(plan: ExecutionPlan) {
    this.plan = plan;
    for (const [index, step] of plan.steps.entries()) {
      this.pending.add(step.key);
      this.byKey.set(step.key, step);
      this.planIndex.set(step.key, index);
      this.waitingOn.set(step.key, step.upstream.length);
      if (!step.upstream.length) this.ready.add(step.key);
      for (const up of step.upstream) {
        const list = this.downstream.get(up) ?? [];
        list.push(step.key);
        this.downstream.set(up, list);
      }
    }
  }

  /** Pending steps whose upstream steps have all succeeded (or were reused), in plan order. */
  startable(): PlannedStep[] {
    return [...this.ready].sort((a, b) => this.planIndex.get(a)! - this.planIndex.get(b)!).map((key) => this.byKey.get(key)!);
  }

  /** A step is done: its downstream steps wait on one step less. */
  private release(key: string): void {
    for (const down of this.downstream.get(key) ?? []) {
      const left = this.waitingOn.get(down)! - 1;
      this.waitingOn.set(down, left);
      if (left === 0 && this.pending.has(down)) this.ready.add(down);
    }
  }

  start(key: string): void {
    this.move(key, 'pending');
    this.ready.delete(key);
    this.running.add(key);
  }

  succeed(key: string): void {
    this.move(key, 'running');
    this.succeeded.add(key);
    this.release(key);
  }

  /** Marks a started step as skipped because its output is unchanged; downstream may start. */
  reuse(key: string): void {
    this.move(key, 'running');
    this.skipped.set(key, { key, reason: 'unchanged', blockedBy: [] });
    this.release(key);
  }

  /** Marks the step failed and returns every pending step downstream, now skipped, with the reason. */
  fail(key: string, reason: FailReason): SkippedStep[] {
    this.move(key, 'running');
    this.failed.set(key, reason);
    const skipReason: SkipReason = reason === 'check_failed' ? 'upstream_check_failed' : reason === 'canceled' ? 'canceled' : 'upstream_failed';
    return this.skipDownstream(key, skipReason);
  }

  /** Cancels the run's pending steps (running ones are aborted by the executor and then failed). */
  cancelPending(): SkippedStep[] {
    const skipped: SkippedStep[] = [];
    for (const step of this.plan.steps) {
      if (!this.pending.has(step.key)) continue;
      this.pending.delete(step.key);
      this.ready.delete(step.key);
      const entry: SkippedStep = { key: step.key, reason: 'canceled', blockedBy: [] };
      this.skipped.set(step.key, entry);
      skipped.push(entry);
    }
    return skipped;
  }

  private skipDownstream(root: string, reason: SkipReason): SkippedStep[] {
    const skipped: SkippedStep[] = [];
    const queue = [...(this.downstream.get(root) ?? [])];
    while (queue.length) {
      const key = queue.shift()!;
      if (!this.pending.has(key)) continue;
      this.pending.delete(key);
      this.ready.delete(key);
      const entry: SkippedStep = { key, reason, blockedBy: [root] };
      this.skipped.set(key, entry);
      skipped.push(entry);
      queue.push(...(this.downstream.get(key) ?? []));
    }
    return skipped;
  }

  private move(key: string, from: 'pending' | 'running'): void {
    const bucket = from === 'pending' ? this.pending : this.running;
    if (!bucket.has(key)) throw new Error(`step '${key}' is not ${from} (${this.stateOf(key)})`);
    bucket.delete(key);
  }

  stateOf(key: string): 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'unknown' {
    if (this.pending.has(key)) return 'pending';
    if (this.running.has(key)) return 'running';
    if (this.succeeded.has(key)) return 'succeeded';
    if (this.failed.has(key)) return 'failed';
    if (this.skipped.has(key)) return 'skipped';
    return 'unknown';
  }

  get runningCount(): number {
    return this.running.size;
  }

  isComplete(): boolean {
    return this.pending.size === 0 && this.running.size === 0;
  }

  /** True when every step succeeded or was reused. */
  isSuccess(): boolean {
    return this.isComplete() && this.failed.size === 0 && [...this.skipped.values()].every((s) => s.reason === 'unchanged');
  }

  /** Every bucket by name: what the run-end event records and an error lists. */
  buckets(): { pending: string[]; running: string[]; succeeded: string[]; failed: string[]; skipped: string[]; reused: string[] } {
    const skipped = [...this.skipped.values()];
    return {
      pending: [...this.pending],
      running: [...this.running],
      succeeded: [...this.succeeded],
      failed: [...this.failed.keys()],
      skipped: skipped.filter((s) => s.reason !== 'unchanged').map((s) => s.key),
      reused: skipped.filter((s) => s.reason === 'unchanged').map((s) => s.key),
    };
  }

  step(key: string): PlannedStep | undefined {
    return this.byKey.get(key);
  }
}
