/** A failed project load as `weir dev` reports it to the API: message, file (relative to the root), line, hint. */
import { isAbsolute, relative } from 'node:path';
import type { ProjectLoadError } from '../server/index.js';
import { errorMessage, isWeirError, WeirErrors, type WeirError } from '../shared/errors.js';

/**
 * Describes anything a load threw. A WeirError gives its location and hint; several (WeirErrors) give the first one's
 * location and every message; anything else its message alone, never a stack. `redact` masks secret setting values.
 *
 * @example
 * describeLoadError(new WeirError('Expected ";"', { code: 'DEFINITIONS_SYNTAX', location: { file: '/p/definitions/a.ts', line: 3 } }), '/p')
 * // { message: '/p/definitions/a.ts:3: Expected ";".', file: 'definitions/a.ts', line: 3, code: 'DEFINITIONS_SYNTAX', failedAt: … }
 */
export function describeLoadError(error: unknown, root: string, redact: (text: string) => string = (t) => t, nowMs = Date.now()): ProjectLoadError {
  const first: WeirError | undefined = isWeirError(error) ? error : error instanceof WeirErrors ? error.errors[0] : undefined;
  const location = first?.location;
  const file = location?.file && isAbsolute(location.file) && !relative(root, location.file).startsWith('..') ? relative(root, location.file) : location?.file;
  return {
    message: redact(errorMessage(error)),
    ...(file ? { file } : {}),
    ...(location?.line !== undefined ? { line: location.line } : {}),
    ...(location?.column !== undefined ? { column: location.column } : {}),
    ...(first?.hint ? { hint: redact(first.hint) } : {}),
    ...(first?.code ? { code: first.code } : {}),
    failedAt: nowMs,
  };
}
