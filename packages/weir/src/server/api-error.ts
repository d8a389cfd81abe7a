/** The API's error answers: one JSON shape, `{ error: { code, message, details? } }`, with the right status. */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isWeirError, WeirErrors } from '../shared/errors.js';
import type { ErrorBody } from './api-schemas.js';

/**
 * An error the API answers with as it is.
 *
 * @example
 * throw new ApiError(404, 'UNKNOWN_RUN', "No run matches 'abc123'.")
 * // HTTP 404 {"error":{"code":"UNKNOWN_RUN","message":"No run matches 'abc123'."}}
 */
export class ApiError extends Error {
  constructor(readonly status: ContentfulStatusCode, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** WeirError codes caused by what the client sent, not by the server: answered 400 with the error's own message. */
const CLIENT_ERROR_CODES = new Set(['AMBIGUOUS_RUN_ID', 'UNKNOWN_RUN_ID']);

/**
 * Turns anything thrown by a handler into an ApiError: ApiErrors as they are, WeirErrors about the client's input
 * as 400, everything else as 500 (the message still shown: this is a local tool, and secrets are redacted).
 *
 * @example
 * toApiError(new WeirError("No run has id 'x'", { code: 'UNKNOWN_RUN_ID' })).status // 400
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isWeirError(error) && CLIENT_ERROR_CODES.has(error.code)) {
    return new ApiError(400, error.code, error.message);
  }
  // Another process (say a `weir run` in a terminal) holds the warehouse: try again later, not a server fault.
  if (isWeirError(error) && error.code === 'WAREHOUSE_LOCKED') return new ApiError(409, error.code, error.message);
  // The serving process is shutting down (`weir serve` after SIGTERM, cli/drain-runs.ts): try again once it is back.
  if (isWeirError(error) && error.code === 'SERVING_PROCESS_STOPPING') return new ApiError(503, error.code, error.message);
  if (error instanceof WeirErrors) return new ApiError(500, 'INTERNAL', error.message, { errors: error.errors.map((e) => ({ code: e.code, message: e.message })) });
  return new ApiError(500, 'INTERNAL', error instanceof Error ? error.message : String(error));
}
