/** Which `next` targets a redirect may go to: a path on this server, never another site in disguise. */

// Decoded at most this many times: `%252F%252F` is `//` after two rounds; more layers than this is refused.
const MAX_DECODE_ROUNDS = 4;
const PROBE_ORIGIN = 'http://weir.invalid';

/**
 * Whether `next` is a path on this server. Browsers read `/\evil.example` as `//evil.example` (another host) and
 * drop tabs and newlines from URLs, so those are refused, also percent-encoded at any depth (`/%5Cevil`, `%2F%2F`).
 *
 * @example
 * isSameOriginPath('/runs?status=FAILURE') // true
 * isSameOriginPath('//evil.example')        // false
 * isSameOriginPath('/%5Cevil.example')      // false
 * isSameOriginPath('/\tevil.example')       // false
 */
export function isSameOriginPath(next: string): boolean {
  let text = next;
  for (let round = 0; ; round++) {
    if (!isPlainPath(text)) return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      return false; // a malformed escape: no browser would agree on what it means
    }
    if (decoded === text) return true;
    if (round === MAX_DECODE_ROUNDS) return false;
    text = decoded;
  }
}

function isPlainPath(text: string): boolean {
  // One leading slash, then no second slash or backslash; no control characters or spaces anywhere.
  if (!/^\/(?![/\\])/.test(text) || /[\\\u0000-\u0020\u007f]/.test(text)) return false;
  try {
    return new URL(text, PROBE_ORIGIN).origin === PROBE_ORIGIN;
  } catch {
    return false;
  }
}
