/**
 * Checks a CSV file before it is read (by DuckDB for load.csv, by the seed reader for dbt seeds): that its bytes are in the declared encoding, and that every row has as
 * many fields as the header. DuckDB's sniffer reads a ragged file as one text column or gives up with "not possible
 * to detect the dialect", and a file in another encoding fails on a line it names wrongly; these say which line.
 */
import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { WeirError } from './errors.js';

/** How the file is split into fields: what DuckDB's sniffer found, or what the user set. */
export interface CsvDialect {
  /** One character; a longer delimiter is not checked. */
  delimiter: string;
  /** The quote character, or '' for none. */
  quote: string;
  /** The escape character inside quotes, or '' when a quote is escaped by doubling it. */
  escape: string;
  /** Lines before the header (or the first row) that are not part of the table. */
  skipRows: number;
  /** Lines starting with it are comments, or ''. */
  comment: string;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** How many wrong lines an error lists; it counts them all. */
const LISTED_LINES = 3;

/**
 * Throws a WeirError naming the first line whose bytes are not UTF-8, with the byte and what it would be in
 * Latin-1, and how to declare the encoding. A UTF-8 byte-order mark is fine; a UTF-16 one is named as such.
 *
 * @example
 * await checkUtf8('data/orders.csv', 'csv')
 * // throws "data/orders.csv:2: the csv file is not UTF-8: line 2 has the byte 0xE9 where UTF-8 cannot have it
 * //   (in Latin-1 it is 'é'). Declare its encoding: load.csv(path, { encoding: 'latin-1' }), or export it as UTF-8. …"
 */
export async function checkUtf8(path: string, kind: string, signal?: AbortSignal, hint?: string): Promise<void> {
  const encodingError = (p: string, k: string, line: number, what: string, declare: string) => fileEncodingError(p, k, line, what, declare, hint);
  let line = 1;
  let carried = Buffer.alloc(0);
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (signal?.aborted) throw signal.reason;
    if (first && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
      throw encodingError(path, kind, 1, 'it starts with a UTF-16 byte-order mark', "load.csv(path, { encoding: 'utf-16' })");
    }
    first = false;
    const bytes = carried.length ? Buffer.concat([carried, chunk]) : chunk;
    // A character may be split across chunks: hold back an incomplete sequence at the end for the next one.
    const complete = completeLength(bytes);
    const body = bytes.subarray(0, complete);
    if (!isUtf8(body)) {
      const at = firstInvalidByte(body);
      const lineOfByte = line + countNewlines(body, at);
      const byte = body[at]!;
      throw encodingError(path, kind, lineOfByte, `line ${lineOfByte} has the byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} where UTF-8 cannot have it${latin1Hint(byte)}`, "load.csv(path, { encoding: 'latin-1' })");
    }
    line += countNewlines(body, body.length);
    carried = Buffer.from(bytes.subarray(complete));
  }
  if (carried.length) throw encodingError(path, kind, line, `its last line ends inside a character (the file is cut short or not UTF-8)`, "load.csv(path, { encoding: 'latin-1' })");
}

/**
 * Throws a WeirError when a row has another number of fields than the header: the first such line, the fields it
 * has and the header has, and how many more lines are wrong. Quoted fields may hold delimiters and newlines.
 *
 * @example
 * await checkCsvFieldCounts('data/orders.csv', { delimiter: ',', quote: '"', escape: '', skipRows: 0, comment: '' })
 * // throws "data/orders.csv:3: the csv file has rows with the wrong number of fields: line 3 has 4 fields where the
 * //   header (line 1) has 3. …"
 */
export async function checkCsvFieldCounts(path: string, dialect: CsvDialect, options: { header: boolean; signal?: AbortSignal; hint?: string }): Promise<void> {
  if (Buffer.byteLength(dialect.delimiter) !== 1) return;
  const delimiter = dialect.delimiter.charCodeAt(0);
  const quote = dialect.quote ? dialect.quote.charCodeAt(0) : -1;
  const escape = dialect.escape && dialect.escape !== dialect.quote ? dialect.escape.charCodeAt(0) : -1;
  const comment = dialect.comment ? dialect.comment.charCodeAt(0) : -1;
  let line = 1; // the physical line being read
  let recordLine = 1; // where the current record started
  let fields = 1;
  let recordBytes = 0; // bytes in the current record, to tell a blank line
  let inQuotes = false;
  let escaped = false;
  let inComment = false;
  let skipping = dialect.skipRows;
  let previousWasCr = false;
  let expected: { fields: number; line: number } | undefined;
  const wrong: Array<{ line: number; fields: number }> = [];
  let wrongCount = 0;

  const endRecord = () => {
    if (recordBytes > 0 && !inComment) {
      if (!expected) expected = { fields, line: recordLine };
      else if (fields !== expected.fields) {
        wrongCount++;
        if (wrong.length < LISTED_LINES) wrong.push({ line: recordLine, fields });
      }
    }
    fields = 1;
    recordBytes = 0;
    inComment = false;
  };

  const after = (chunk: Buffer, byte: number, from: number) => {
    const at = byte < 0 ? -1 : chunk.indexOf(byte, from);
    return at < 0 ? Infinity : at;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (options.signal?.aborted) throw options.signal.reason;
    // Where the next byte of each kind is in this chunk (native searches, ~10x faster than a byte loop); -1: unknown.
    let nextQuote = -1;
    let nextCr = -1;
    let nextNewline = -1;
    let nextDelimiter = -1;
    for (let i = 0; i < chunk.length; i++) {
      // Fast path: outside quotes, jump to the next quote or line end, counting the delimiters on the way.
      if (!inQuotes && skipping === 0 && !inComment && (comment < 0 || recordBytes > 0)) {
        if (nextQuote < i) nextQuote = after(chunk, quote, i);
        if (nextCr < i) nextCr = after(chunk, CARRIAGE_RETURN, i);
        if (nextNewline < i) nextNewline = after(chunk, NEWLINE, i);
        const stop = Math.min(nextQuote, nextCr, nextNewline, chunk.length);
        if (stop > i) {
          if (nextDelimiter < i) nextDelimiter = after(chunk, delimiter, i);
          while (nextDelimiter < stop) { fields++; nextDelimiter = after(chunk, delimiter, nextDelimiter + 1); }
          recordBytes += stop - i;
          previousWasCr = false;
          i = stop;
          if (i >= chunk.length) break;
        }
      }
      // Inside quotes with doubled-quote escapes: jump to the next quote, counting the lines a value spans.
      if (inQuotes && escape < 0) {
        if (nextQuote < i) nextQuote = after(chunk, quote, i);
        const stop = Math.min(nextQuote, chunk.length);
        if (stop > i) {
          if (nextNewline < i) nextNewline = after(chunk, NEWLINE, i);
          while (nextNewline < stop) { line++; nextNewline = after(chunk, NEWLINE, nextNewline + 1); }
          recordBytes += stop - i;
          previousWasCr = chunk[stop - 1] === CARRIAGE_RETURN;
          i = stop;
          if (i >= chunk.length) break;
        }
      }
      const byte = chunk[i]!;
      const wasCr = previousWasCr;
      previousWasCr = byte === CARRIAGE_RETURN;
      if (skipping > 0) {
        if (byte === NEWLINE || byte === CARRIAGE_RETURN) {
          if (!(byte === NEWLINE && wasCr)) { skipping--; line++; }
          recordLine = line;
        }
        continue;
      }
      if (inQuotes) {
        if (escaped) escaped = false;
        else if (byte === escape) escaped = true;
        else if (byte === quote) inQuotes = false;
        else if (byte === NEWLINE || byte === CARRIAGE_RETURN) { if (!(byte === NEWLINE && wasCr)) line++; }
        recordBytes++;
        continue;
      }
      if (byte === NEWLINE || byte === CARRIAGE_RETURN) {
        if (byte === NEWLINE && wasCr) { recordLine = line; continue; } // the \n of \r\n: already ended
        endRecord();
        line++;
        recordLine = line;
        continue;
      }
      if (recordBytes === 0 && byte === comment) inComment = true;
      recordBytes++;
      if (inComment) continue;
      if (byte === quote) inQuotes = true;
      else if (byte === delimiter) fields++;
    }
  }
  endRecord();
  if (!wrongCount || !expected) return;
  const firstWrong = wrong[0]!;
  const against = options.header ? `the header (line ${expected.line}) has ${expected.fields}` : `the first row (line ${expected.line}) has ${expected.fields}`;
  const more = wrongCount > 1 ? ` ${wrongCount} lines are wrong in all: ${wrong.map((w) => `line ${w.line} (${w.fields})`).join(', ')}${wrongCount > wrong.length ? ', …' : ''}.` : '';
  const fieldWord = (n: number) => `${n} field${n === 1 ? '' : 's'}`;
  throw new WeirError(`the csv file has rows with the wrong number of fields: line ${firstWrong.line} has ${fieldWord(firstWrong.fields)} where ${against}.${more}`, {
    code: 'CSV_WRONG_FIELD_COUNT',
    location: { file: path, line: firstWrong.line },
    hint: options.hint ?? `Nothing was loaded from it. Fix the export (a value holding the delimiter '${dialect.delimiter === '\t' ? '\\t' : dialect.delimiter}' needs quotes), or read short rows with NULLs: load.csv(path, { null_padding: true }).`,
  });
}

/** How many leading bytes of `bytes` form whole UTF-8 sequences (all but an incomplete one at the very end). */
function completeLength(bytes: Buffer): number {
  // Look back at most 3 bytes for the start of a multi-byte sequence.
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** The index of the first byte that breaks UTF-8 (the slow path, run only on a chunk known to be invalid). */
function firstInvalidByte(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const byte = bytes[i]!;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    if (length > 1 && !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return bytes.length - 1;
}

function countNewlines(bytes: Buffer, end: number): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at >= 0 && at < end; at = bytes.indexOf(NEWLINE, at + 1)) count++;
  return count;
}

function latin1Hint(byte: number): string {
  if (byte < 0x80) return '';
  try {
    const char = new TextDecoder('windows-1252').decode(Uint8Array.of(byte));
    return char.trim() ? ` (in Latin-1/Windows-1252 it is '${char}')` : '';
  } catch {
    return '';
  }
}

function fileEncodingError(path: string, kind: string, line: number, what: string, declare: string, hint?: string): WeirError {
  return new WeirError(`the ${kind} file is not UTF-8: ${what}`, {
    code: 'FILE_ENCODING',
    location: { file: path, line },
    hint: hint ?? `Nothing was loaded from it. Declare its encoding: ${declare}, or export it as UTF-8.`,
  });
}

// DuckDB's sniffer candidates, in its order of preference.
const DELIMITER_CANDIDATES = [',', '|', ';', '\t'];

/**
 * The dialect of a file DuckDB's sniffer could not make out: the candidate delimiter found most often, outside
 * double quotes, in the header line. Undefined when the line holds none (a file of one column).
 *
 * @example
 * guessCsvDialect('id;name;"a;b"', 0) // { delimiter: ';', quote: '"', escape: '', skipRows: 0, comment: '' }
 */
export function guessCsvDialect(headerLine: string, skipRows: number): CsvDialect | undefined {
  const outside = headerLine.replace(/"[^"]*"/g, '');
  let best: { delimiter: string; count: number } | undefined;
  for (const delimiter of DELIMITER_CANDIDATES) {
    const count = outside.split(delimiter).length - 1;
    if (count > 0 && (!best || count > best.count)) best = { delimiter, count };
  }
  return best && { delimiter: best.delimiter, quote: '"', escape: '', skipRows, comment: '' };
}
