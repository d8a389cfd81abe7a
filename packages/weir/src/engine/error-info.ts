/** Turns anything thrown by user code into the ErrorInfo stored in events: message, the user's frames, location. */
import type { ErrorInfo } from '../events/index.js';
import { isWeirError, formatLocation } from '../shared/errors.js';
import { WEIR_OWN_FILE } from '../shared/source-location.js';

// Weir's own frames, its libraries' and Node's internals are noise in a user's stack.
const INTERNAL_FRAME = new RegExp(`node:internal|${WEIR_OWN_FILE.source}|[\\\\/]node_modules[\\\\/](weir|@duckdb|tsx|esbuild)[\\\\/]`);

export function toErrorInfo(error: unknown, projectRoot?: string): ErrorInfo {
  if (!(error instanceof Error)) return { message: String(error) };
  if (isWeirError(error)) {
    return { message: error.message, code: error.code, ...(error.location ? { location: formatLocation(error.location) } : {}) };
  }
  const frames = (error.stack ?? '').split('\n').slice(1).map((l) => l.trim()).filter((l) => l.startsWith('at ') && !INTERNAL_FRAME.test(l));
  const userFrame = projectRoot ? frames.find((f) => f.includes(projectRoot)) : frames[0];
  const location = userFrame ? /\(?((?:file:\/\/)?\/[^\s()]+:\d+:\d+)\)?$/.exec(userFrame)?.[1]?.replace(/^file:\/\//, '') : undefined;
  // Node's system and network errors carry a code (ECONNRESET, ETIMEDOUT): run retries decide on it.
  const code = (error as { code?: unknown }).code;
  return {
    message: error.message || error.name,
    ...(typeof code === 'string' && code ? { code } : {}),
    ...(frames.length ? { stack: `${error.name}: ${error.message}\n    ${frames.slice(0, 12).join('\n    ')}` } : {}),
    ...(location ? { location } : {}),
  };
}
