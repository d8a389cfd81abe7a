/**
 * Who may talk to the server: DNS-rebinding protection (Host and Origin must be this machine), state-changing
 * requests only from this server's own pages or this machine, and, when a token is configured, a bearer token or
 * the HttpOnly `weir_token` cookie on every /api request, with failed attempts rate-limited.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { WeirError } from '../shared/errors.js';
import { ApiError } from './api-error.js';
import type { SecurityOptions } from './server-deps.js';
import { TokenAttempts } from './token-attempts.js';

/** The cookie that carries the token for the browser: EventSource cannot send an Authorization header. */
export const TOKEN_COOKIE = 'weir_token';
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;
/** A token that guards a server reachable from other machines must resist guessing: 32 characters at least. */
export const MIN_PUBLIC_TOKEN_LENGTH = 32;
/** Paths under /api reachable without a token: signing in. */
const OPEN_PATHS = new Set(['/api/session']);
/**
 * Webhook triggers (`POST /api/webhooks/<name>`): outside senders have neither a page of ours (Origin) nor the token;
 * the route authenticates each call by the HMAC signature of its body instead (routes/webhook-routes.ts). Exactly
 * this method and path shape: `/api/webhooks` itself, deeper paths and other methods get every check.
 */
const WEBHOOK_CALL = /^\/api\/webhooks\/[^/]+$/;

/**
 * @example
 * isWebhookCall('POST', '/api/webhooks/erp_export_ready') // true
 * isWebhookCall('GET', '/api/webhooks/erp_export_ready')  // false
 */
export function isWebhookCall(method: string, path: string): boolean {
  return method.toUpperCase() === 'POST' && WEBHOOK_CALL.test(path);
}
/** Methods that change nothing: the only ones a page of another origin (or another port) may send. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Compares two tokens in constant time. Hashing first gives equal lengths, so not even the length leaks.
 *
 * @example
 * tokensEqual('s3cret', 's3cret') // true
 */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The host name of a Host header or URL host, lower-cased, without the port: `[::1]:3000` → `[::1]`. */
export function hostName(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  return lower.replace(/:\d*$/, '');
}

/**
 * Whether a client address is this machine: 127.0.0.0/8, ::1 or their IPv4-mapped forms. Undefined (the app
 * called in process with `app.request`, no socket at all) counts as this machine.
 *
 * @example
 * isLoopbackAddress('::ffff:127.0.0.1') // true
 * isLoopbackAddress('192.168.1.20')     // false
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return true;
  const plain = address.toLowerCase().replace(/^::ffff:/, '');
  return plain === '::1' || /^127\.\d+\.\d+\.\d+$/.test(plain);
}

/**
 * The client's address: the socket's peer, or behind a trusted proxy the address it appended last to X-Forwarded-For
 * (earlier entries were written by the client and prove nothing).
 */
export function clientAddress(c: Context, options: SecurityOptions): string | undefined {
  if (options.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').map((part) => part.trim()).filter(Boolean);
    if (forwarded?.length) return forwarded[forwarded.length - 1];
  }
  return (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
}

/** Whether the browser reached this server over TLS: directly, or through a trusted proxy that says so. */
export function isSecureRequest(c: Context, options: SecurityOptions): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return Boolean(options.trustProxy) && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

/**
 * The origin the browser sees this server at (scheme, host and port), as an Origin header would name it.
 *
 * @example
 * servingOrigin(c, {}) // 'http://127.0.0.1:3000' for a request with Host: 127.0.0.1:3000
 */
export function servingOrigin(c: Context, options: SecurityOptions): string {
  const url = new URL(c.req.url);
  const forwardedHost = options.trustProxy ? c.req.header('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  const host = forwardedHost || c.req.header('host') || url.host;
  const scheme = isSecureRequest(c, options) ? 'https' : url.protocol.replace(/:$/, '');
  try {
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return `${scheme}://${host.toLowerCase()}`;
  }
}

/** The tokens a request carries: the Authorization header (sent only by code that holds it) and the cookie. */
function givenTokens(c: Context): { bearer?: string; cookie?: string } {
  const header = c.req.header('authorization');
  const bearer = (header && /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim()) || undefined;
  return { bearer, cookie: getCookie(c, TOKEN_COOKIE) || undefined };
}

/** Whether the request carries the configured token (header or cookie). True when no token is configured. */
export function isAuthenticated(c: Context, options: SecurityOptions): boolean {
  if (!options.token) return true;
  const { bearer, cookie } = givenTokens(c);
  return [bearer, cookie].some((given) => given !== undefined && tokensEqual(given, options.token!));
}

/**
 * Checks a token a client offers, rate-limited per client address: ApiError 429 (with Retry-After) while the
 * address has used up its attempts, otherwise whether the token is right, a wrong one being counted.
 *
 * @example
 * verifyToken(c, { token: 'a…' }, attempts, 'guess') // false (the 11th distinct guess in a minute: throws 429)
 */
export function verifyToken(c: Context, options: SecurityOptions, attempts: TokenAttempts, given: string): boolean {
  if (!options.token) return true;
  const address = clientAddress(c, options) ?? 'in-process';
  const waitMs = attempts.retryAfterMs(address);
  if (waitMs > 0) {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    c.header('Retry-After', String(seconds));
    throw new ApiError(429, 'TOO_MANY_TOKEN_ATTEMPTS', `Too many wrong access tokens from ${address}: try again in ${seconds} s, with the token WEIR_TOKEN holds.`);
  }
  if (tokensEqual(given, options.token)) return true;
  attempts.recordFailure(address, given);
  return false;
}

/**
 * The security middleware, for every path.
 *
 * - Host: a page on evil.example whose DNS name is re-pointed at 127.0.0.1 reaches this server with
 *   `Host: evil.example:3000`; only loopback names (and `allowedHosts`) are served. The port is not compared: the
 *   name is what rebinding changes. With a token, any Host is served, because the token keeps such pages out.
 * - Origin: a browser names the page that sent a request. A state-changing request (POST, DELETE) must come from
 *   this server's exact origin: `http://localhost:5173` is another origin, and the same site for cookies, so any
 *   local dev server could otherwise start runs. Reads may also come from other loopback ports when there is no
 *   token (the UI's dev server). A foreign page, or `null` (a sandboxed frame), is refused. A valid bearer token
 *   passes: a page cannot send an Authorization header to another origin without CORS, which is not served.
 * - No Origin (the CLI handing a run to `weir dev`, scripts): state-changing requests only from this machine,
 *   unless they carry a valid bearer token (signing in with the token itself is allowed from anywhere).
 * - Token: /api requests need it, except signing in (`/api/session`); wrong tokens are rate-limited per address.
 * - Webhook calls (`POST /api/webhooks/<name>`) skip the Origin, client and token checks: the route verifies their
 *   HMAC signature instead.
 *
 * @example
 * app.use('*', securityMiddleware({ token: process.env.WEIR_TOKEN }));
 * // GET /api/runs with Host: evil.example → 403 {"error":{"code":"FORBIDDEN_HOST",…}}
 * // POST /api/runs with Origin: http://localhost:5173 on a server at http://127.0.0.1:3000 → 403 FORBIDDEN_ORIGIN
 */
export function securityMiddleware(options: SecurityOptions = {}, attempts: TokenAttempts = new TokenAttempts()): MiddlewareHandler {
  const allowed = new Set<string>([...LOOPBACK_HOSTS, ...(options.allowedHosts ?? []).map(hostName)]);
  return async (c, next) => {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!options.token && !allowed.has(hostName(host))) {
      throw new ApiError(403, 'FORBIDDEN_HOST', `Host '${host}' is not served: open the UI at http://127.0.0.1 or http://localhost (DNS-rebinding protection).`);
    }
    // Signed by the sender instead: the route checks the HMAC of the body (the Host check above and the body limit still apply).
    if (isWebhookCall(c.req.method, c.req.path)) return next();
    const { bearer, cookie } = givenTokens(c);
    const bearerValid = bearer !== undefined && verifyToken(c, options, attempts, bearer) && Boolean(options.token);
    const cookieValid = cookie !== undefined && cookie !== bearer && verifyToken(c, options, attempts, cookie);
    const changesState = !SAFE_METHODS.has(c.req.method.toUpperCase());
    const origin = c.req.header('origin');
    if (origin !== undefined && !bearerValid) {
      const own = servingOrigin(c, options);
      const verdict = originVerdict(origin, own, changesState, allowed, Boolean(options.token));
      if (verdict) throw new ApiError(403, 'FORBIDDEN_ORIGIN', verdict);
    }
    const path = c.req.path;
    // Signing in is exempt: it proves the token itself, rate-limited.
    if (origin === undefined && changesState && !bearerValid && !OPEN_PATHS.has(path) && !isLoopbackAddress(clientAddress(c, options))) {
      throw new ApiError(403, 'FORBIDDEN_CLIENT', `A ${c.req.method} without an Origin header is accepted from this machine only: send \`Authorization: Bearer <token>\` (WEIR_TOKEN) from ${clientAddress(c, options)}.`);
    }
    if (path.startsWith('/api/') && !OPEN_PATHS.has(path) && options.token && !bearerValid && !cookieValid) {
      throw new ApiError(401, 'UNAUTHORIZED', 'This server needs its access token: send `Authorization: Bearer <token>`, or sign in once with GET /api/session?token=<token>.');
    }
    await next();
  };
}

/** Why a request from `origin` is refused, or undefined when it may pass. */
function originVerdict(origin: string, own: string, changesState: boolean, allowed: Set<string>, hasToken: boolean): string | undefined {
  const foreign = `Requests from pages of '${origin}' are refused: only this server's own pages (${own}) may call its API.`;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return foreign; // includes 'null'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return foreign;
  if (url.origin === own) return undefined;
  if (changesState) {
    return `A state-changing request from '${origin}' is refused: only pages served at ${own} itself may start or cancel runs (another port of this machine is another site's page).`;
  }
  // Reads: without a token, any loopback port too (the UI's dev server on another port).
  return !hasToken && allowed.has(hostName(url.host)) ? undefined : foreign;
}

/**
 * Refuses to serve beyond this machine without a token, or with one short enough to guess.
 *
 * @example
 * assertBindingAllowed('0.0.0.0', undefined)
 * // WeirError: Serving on 0.0.0.0 makes the API reachable from other machines; set WEIR_TOKEN to require a token. …
 * assertBindingAllowed('0.0.0.0', 'a')
 * // WeirError: WEIR_TOKEN has 1 character; serving on 0.0.0.0 needs a token of at least 32 characters. …
 */
export function assertBindingAllowed(host: string, token: string | undefined): void {
  const name = hostName(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  if ((LOOPBACK_HOSTS as readonly string[]).includes(name)) return;
  const generate = `WEIR_TOKEN=$(openssl rand -hex 32) weir dev --host ${host}`;
  if (!token) {
    throw new WeirError(`Serving on ${host} makes the API reachable from other machines; set WEIR_TOKEN to require a token`, {
      code: 'TOKEN_REQUIRED', hint: `Run \`${generate}\` (a 64-character token), or keep the default --host 127.0.0.1.`,
    });
  }
  if (token.length < MIN_PUBLIC_TOKEN_LENGTH) {
    throw new WeirError(`WEIR_TOKEN has ${token.length} character${token.length === 1 ? '' : 's'}; serving on ${host} needs a token of at least ${MIN_PUBLIC_TOKEN_LENGTH} characters, which no one can guess`, {
      code: 'TOKEN_TOO_SHORT', hint: `Generate one: \`${generate}\` (or \`node -e "console.log(require('crypto').randomBytes(32).toString('hex'))"\`).`,
    });
  }
}
