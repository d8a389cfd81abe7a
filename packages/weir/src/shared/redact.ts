/** Keeps secret values out of logs, events, the API and error messages, in every form they are commonly written. */

const MASK = '***';

/** Secret values shorter than this are not masked at all: masking 'a' everywhere would destroy logs and protect nothing. */
export const MIN_MASKED_SECRET_LENGTH = 4;
/**
 * Secret values shorter than this are a warning at project load: their base64 forms are too short to tell from
 * ordinary text, so only their written forms (quoted, escaped, URL-encoded) are masked.
 */
export const MIN_SAFE_SECRET_LENGTH = 8;
/** A base64 fragment shorter than this is not masked: it would match random words. */
const MIN_BASE64_FRAGMENT = 8;

/**
 * A function that replaces every occurrence of the given secret values with `***`, in the forms a secret takes on
 * its way into a message:
 * - as written, and quoted for SQL (`it''s`, `"a""b"`), JSON (`\"`, `\\`, `\n`, `\u0027`) or with backslashes at
 *   any depth (`\'`, `\\\"`);
 * - URL-encoded, by encodeURIComponent or a form (`+` for a space), with either case of hex digits, or partly;
 * - base64 (standard and URL-safe alphabets) at each of the three alignments in a 3-byte group, so the secret is
 *   caught inside `Basic base64(user:secret)` whatever the length of `user:`, also when wrapped into lines (MIME's
 *   76 characters, PEM's 64: a line break may fall anywhere in it); and hex, either case (both only for values of
 *   8+ characters).
 *
 * @example
 * const redact = secretRedactor(["it's-hunter22"]);
 * redact("password=it''s-hunter22")      // "password=***"
 * redact('{"pw":"it\\u0027s-hunter22"}') // '{"pw":"***"}'
 * redact('pw=it%27s-hunter22')            // 'pw=***'
 */
export function secretRedactor(secrets: Iterable<string>): (text: string) => string {
  const values = [...new Set([...secrets].filter((s) => typeof s === 'string' && s.length >= MIN_MASKED_SECRET_LENGTH))]
    .sort((a, b) => b.length - a.length);
  if (!values.length) return (text) => text;
  // Longest first: a secret that contains another is masked whole.
  const alternatives = [
    ...values.map(writtenFormPattern),
    ...values.flatMap(base64Fragments).sort((a, b) => b.length - a.length).map(wrappedPattern),
    ...values.filter((v) => v.length >= MIN_SAFE_SECRET_LENGTH).map(hexFormPattern),
  ];
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return (text) => text.replace(pattern, MASK);
}

/** Redacts every string inside a JSON-like value, object keys included. */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v, redact)])) as T;
  }
  return value;
}

/**
 * One pattern per secret matching it character by character, each character in any of its encodings, so that
 * mixed forms (encodeURI leaves `'` as is, encodeURIComponent does not) are caught too.
 */
function writtenFormPattern(secret: string): string {
  return [...secret].map(characterPattern).join('');
}

const JSON_SHORT_ESCAPES: Record<string, string> = { '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't' };
/** Characters that some escaper writes as a backslash and the character itself. */
const BACKSLASHED = new Set(["'", '"', '\\', '/', '`']);

function characterPattern(ch: string): string {
  const forms: string[] = [];
  const codePoint = ch.codePointAt(0)!;
  // A run of backslashes: JSON inside JSON (or a log line of a JSON string) doubles them at each level.
  const backslashes = '\\\\+';
  if (ch === "'") forms.push("''");
  if (ch === '"') forms.push('""');
  if (BACKSLASHED.has(ch)) forms.push(backslashes + escapeRegex(ch));
  if (JSON_SHORT_ESCAPES[ch]) forms.push(backslashes + JSON_SHORT_ESCAPES[ch]);
  if (codePoint > 0x7f && codePoint <= 0xffff) forms.push(backslashes + 'u' + hexPattern(codePoint, 4));
  else if (!/[A-Za-z0-9]/.test(ch)) forms.push(backslashes + 'u' + hexPattern(codePoint, 4));
  // UTF-8 percent-encoding, one %XX per byte.
  forms.push([...new TextEncoder().encode(ch)].map((byte) => `%${hexPattern(byte, 2)}`).join(''));
  if (ch === ' ') forms.push('\\+');
  forms.push(escapeRegex(ch));
  return forms.length === 1 ? forms[0]! : `(?:${forms.join('|')})`;
}

/** Hex digits of `value` with either case accepted: 0x2f → `2[Ff]`. */
function hexPattern(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0').replace(/[a-f]/g, (d) => `[${d.toUpperCase()}${d}]`);
}

/**
 * The parts of the secret's base64 that do not depend on the bytes around it, for the secret starting at byte 0,
 * 1 or 2 of a 3-byte group, in both alphabets.
 *
 * @example
 * base64Fragments('hunter22') // ['aHVudGVyMj', 'h1bnRlcjIy', 'odW50ZXIyM']
 */
function base64Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const fragments: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Character i holds bits [6i, 6i+6); the secret holds bits [8·offset, 8·(offset+n)).
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const fragment = encoded.slice(first, end);
    if (fragment.length < MIN_BASE64_FRAGMENT) continue;
    fragments.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(fragments)];
}

/** A base64 fragment that may be cut by a line break anywhere (`\n` or `\r\n`), as MIME and PEM wrap lines. */
function wrappedPattern(fragment: string): string {
  return [...fragment].map(escapeRegex).join('(?:\\r?\\n)?');
}

/**
 * The secret's UTF-8 bytes in hex, each digit in either case: how a secret looks in a hex dump, a token or a
 * `bytea` value. Whole bytes only (two digits each), so it is found inside the hex of a longer text too.
 */
function hexFormPattern(secret: string): string {
  return [...Buffer.from(secret, 'utf8')].map((byte) => hexPattern(byte, 2)).join('');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
