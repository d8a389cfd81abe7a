/** The size limit of request bodies, on every route: a 115 MB body once went into a run's tags. */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './api-error.js';

/** 1 MB: far above any request the UI or the CLI sends (a launch of 10,000 step keys is about 300 KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Hono's bodyLimit: a Content-Length beyond the limit is refused before reading, a chunked body as soon as it
 * passes it; answered 413 in the API's JSON error shape.
 *
 * @example
 * app.use('*', requestBodyLimit());
 * // POST /api/runs with a 2 MB body → 413 {"error":{"code":"BODY_TOO_LARGE","message":"The request body is larger than 1 MB…"}}
 */
export function requestBodyLimit(maxBytes = MAX_BODY_BYTES): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'BODY_TOO_LARGE', `The request body is larger than ${formatBytes(maxBytes)}, the most this server accepts: send a smaller selection or fewer tags.`);
    },
  });
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}
