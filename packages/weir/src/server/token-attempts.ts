/** Failed token attempts per client address: after too many, the address must wait before trying again. */
import { createHash } from 'node:crypto';

export const MAX_FAILED_TOKEN_ATTEMPTS = 10;
export const TOKEN_ATTEMPT_WINDOW_MS = 60_000;
// Addresses remembered at most; beyond, windows that ended are forgotten first (a flood of addresses stays bounded).
const MAX_ADDRESSES = 10_000;

interface Window {
  startedAt: number;
  /** Hashes of the distinct wrong tokens: a browser repeating one stale cookie is not guessing. */
  wrong: Set<string>;
}

/**
 * A fixed window per address, opened by its first wrong token: the 11th distinct wrong token within a minute, and
 * every attempt after it (right or wrong, so a guess cannot be confirmed), is refused until the window ends.
 *
 * @example
 * const attempts = new TokenAttempts(() => Date.now());
 * attempts.retryAfterMs('10.0.0.5')      // 0: may try
 * attempts.recordFailure('10.0.0.5', 'guess-1')
 * // …ten distinct wrong tokens later:
 * attempts.retryAfterMs('10.0.0.5')      // 41000: answer 429 with Retry-After: 41
 */
export class TokenAttempts {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now, private readonly limit = MAX_FAILED_TOKEN_ATTEMPTS, private readonly windowMs = TOKEN_ATTEMPT_WINDOW_MS) {}

  /** 0 when the address may try a token; otherwise how long it must wait. */
  retryAfterMs(address: string): number {
    const window = this.current(address);
    if (!window || window.wrong.size < this.limit) return 0;
    return window.startedAt + this.windowMs - this.now();
  }

  recordFailure(address: string, token: string): void {
    let window = this.current(address);
    if (!window) {
      if (this.windows.size >= MAX_ADDRESSES) this.forgetEnded();
      window = { startedAt: this.now(), wrong: new Set() };
      this.windows.set(address, window);
    }
    if (window.wrong.size < this.limit) window.wrong.add(createHash('sha256').update(token).digest('base64'));
  }

  private current(address: string): Window | undefined {
    const window = this.windows.get(address);
    if (window && this.now() - window.startedAt >= this.windowMs) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }

  private forgetEnded(): void {
    for (const address of [...this.windows.keys()]) this.current(address);
    // Still full: every window is live, so an attacker is spraying addresses; the oldest go first.
    for (const address of this.windows.keys()) {
      if (this.windows.size < MAX_ADDRESSES) break;
      this.windows.delete(address);
    }
  }
}
