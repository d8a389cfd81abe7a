/**
 * `/api/session`: signing the browser in when the server has an access token. The token goes into an HttpOnly
 * cookie, which EventSource sends by itself (it cannot send an Authorization header) and page scripts cannot read.
 */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { ApiError } from '../api-error.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import { errorBodySchema, loginRequestSchema, sessionQuerySchema, sessionSchema, type Session } from '../api-schemas.js';
import { TOKEN_COOKIE, isAuthenticated, isSecureRequest, verifyToken } from '../security.js';
import type { TokenAttempts } from '../token-attempts.js';

const COOKIE_MAX_AGE_S = 30 * 24 * 3600;

/**
 * @example
 * // GET /api/session                      → {"authenticated":false,"tokenRequired":true}
 * // GET /api/session?token=s3cret&next=/runs → 302 to /runs, Set-Cookie: weir_token=…; HttpOnly; SameSite=Strict
 * //   (and Secure over https, or behind a trusted proxy that sends X-Forwarded-Proto: https)
 * // a wrong token, 10 times from one address within a minute → 429 with Retry-After
 * // POST /api/session {"token":"s3cret"}  → 200 {"authenticated":true,…} with the cookie; a wrong token → 401
 * // DELETE /api/session                   → clears the cookie
 */
export function addSessionRoutes(api: ApiContext, attempts: TokenAttempts): void {
  const security = api.deps.security ?? {};
  const session = (c: Context): Session => ({ authenticated: isAuthenticated(c, security), tokenRequired: Boolean(security.token) });
  const signIn = (c: Context, token: string) => {
    if (!security.token) return;
    if (!verifyToken(c, security, attempts, token)) throw new ApiError(401, 'UNAUTHORIZED', 'That is not this server\'s access token (WEIR_TOKEN).');
    setCookie(c, TOKEN_COOKIE, token, {
      httpOnly: true, sameSite: 'Strict', path: '/', maxAge: COOKIE_MAX_AGE_S, secure: isSecureRequest(c, security),
    });
  };

  addRoute(api.app, api.book, {
    method: 'get', path: '/api/session', tag: 'session',
    summary: 'Whether this browser is signed in; with ?token=, signs it in (sets the weir_token cookie) and redirects to `next`',
    query: sessionQuerySchema,
    responses: {
      200: { description: 'The session', schema: sessionSchema },
      302: { description: 'Signed in: redirects to `next`' },
      401: { description: 'Wrong token', schema: errorBodySchema },
    },
  }, ({ c, query }) => {
    if (query.token === undefined) return api.json(c, session(c));
    signIn(c, query.token);
    return c.redirect(query.next, 302);
  });

  addRoute(api.app, api.book, {
    method: 'post', path: '/api/session', tag: 'session', summary: 'Sign in with the access token: sets the weir_token cookie',
    body: loginRequestSchema,
    responses: { 200: { description: 'Signed in', schema: sessionSchema }, 401: { description: 'Wrong token', schema: errorBodySchema } },
  }, ({ c, body }) => {
    signIn(c, body.token);
    return api.json(c, { authenticated: true, tokenRequired: Boolean(security.token) } satisfies Session);
  });

  addRoute(api.app, api.book, {
    method: 'delete', path: '/api/session', tag: 'session', summary: 'Sign out: clears the weir_token cookie',
    responses: { 200: { description: 'Signed out', schema: sessionSchema } },
  }, ({ c }) => {
    deleteCookie(c, TOKEN_COOKIE, { path: '/' });
    return api.json(c, { authenticated: !security.token, tokenRequired: Boolean(security.token) } satisfies Session);
  });
}
