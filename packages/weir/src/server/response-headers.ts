/** Headers on every answer that keep the UI out of other sites' frames and browsers from guessing content types. */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Hono's secureHeaders with the framing rules made strict: `X-Frame-Options: DENY` and a CSP of
 * `frame-ancestors 'none'` (a page of another site could otherwise frame the UI and trick a click on "Materialize").
 * The CSP says nothing else, so the UI's own scripts and styles load as they are. No Strict-Transport-Security:
 * Weir usually runs on plain http://localhost, where a remembered HSTS rule would break other local servers.
 *
 * @example
 * app.use('*', responseHeaders());
 * // every answer: X-Frame-Options: DENY, Content-Security-Policy: frame-ancestors 'none', X-Content-Type-Options: nosniff, …
 */
export function responseHeaders(): MiddlewareHandler {
  return secureHeaders({
    xFrameOptions: 'DENY',
    contentSecurityPolicy: { frameAncestors: ["'none'"] },
    strictTransportSecurity: false,
  });
}
