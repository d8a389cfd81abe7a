/** Sending a channel's HTTP request with Node's fetch, a timeout, and one classification of the answer for every channel. */
import { secretRedactor } from '../shared/redact.js';
import type { SendOptions, SendOutcome } from './alert-channel.js';

export interface HttpAlertRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** How much of a receiver's error answer is kept: enough to say why, not a whole HTML page. */
const MAX_ANSWER_CHARS = 200;

/**
 * POSTs the request and classifies the answer: 2xx DELIVERED (or ACCEPTED for a 202 when `acceptedIs202`), 408, 429
 * and 5xx and network errors FAILED and retryable, other 4xx FAILED for good (the URL or the token is wrong). Errors
 * never contain `secrets` (the URL's token, an access token), in any encoding.
 *
 * @example
 * await postAlert({ url, headers: { 'content-type': 'application/json' }, body }, options, { secrets: [url] })
 * // { status: 'FAILED', error: 'HTTP 404 from *** : no such webhook', retryable: false }
 */
export async function postAlert(
  request: HttpAlertRequest, options: SendOptions, settings: { secrets: readonly string[]; acceptedIs202?: boolean },
): Promise<SendOutcome> {
  const redact = secretRedactor([...settings.secrets, ...urlSecrets(request.url)]);
  const where = redact(originOf(request.url));
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, signal, redirect: 'error' });
  } catch (error) {
    const why = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : networkReason(error);
    return { status: 'FAILED', error: redact(`could not reach ${where}: ${why}`), retryable: true };
  }
  const answer = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, MAX_ANSWER_CHARS);
  if (response.status === 202 && settings.acceptedIs202) return { status: 'ACCEPTED', detail: 'HTTP 202: queued by the receiver' };
  if (response.ok) return { status: 'DELIVERED', detail: `HTTP ${response.status}` };
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  return { status: 'FAILED', error: redact(`HTTP ${response.status} from ${where}${answer ? `: ${answer}` : ''}`), retryable };
}

/** Parts of a URL shorter than this are taken for words (`services`, `triggers`), longer ones for tokens. */
const MIN_URL_TOKEN_CHARS = 16;

/**
 * A webhook URL is a credential, and so is each token in it: a receiver that echoes the path back must not leak it.
 *
 * @example
 * urlSecrets('https://hooks.slack.com/services/T0/B0/abcdefghijklmnopqrstuvwx')
 * // ['https://hooks.slack.com/services/T0/B0/abcdefghijklmnopqrstuvwx', '/services/T0/B0/abcdefghijklmnopqrstuvwx', 'abcdefghijklmnopqrstuvwx']
 */
export function urlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const pathAndQuery = parsed.pathname + parsed.search;
  const tokens = [...parsed.pathname.split('/'), ...[...parsed.searchParams.values()], parsed.password, parsed.username]
    .filter((part) => part.length >= MIN_URL_TOKEN_CHARS);
  return [url, ...(pathAndQuery.length > 1 ? [pathAndQuery] : []), ...tokens];
}

/** The scheme, host and port only: the path of a webhook URL is often its secret. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

/** fetch says "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a TLS error) is in its cause. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
