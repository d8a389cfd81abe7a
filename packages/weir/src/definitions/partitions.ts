/**
 * Partitions: time periods, static lists and their combinations. A definition answers by index (count, key at an
 * index, index of a key, a period's window) in O(1), never by listing its keys, so 100,000 partitions cost nothing.
 */
import { WeirError, type SourceLocation } from '../shared/errors.js';
import { callerLocation } from '../shared/source-location.js';
import { plural } from '../shared/plural.js';
import {
  checkTimeZone, dateOfDayNumber, dayNumber, formatOffset, instantOfLocal, localTimeAt, type LocalTime,
} from './zoned-time.js';

/** Recognises a partitions definition from any copy of Weir in the process (as DEFINITION_BRAND does for assets). */
export const PARTITIONS_BRAND = Symbol.for('weir.partitions');

/** The run tag a run carries its partition in: `weir/partition: 2025-03`. */
export const PARTITION_TAG = 'weir/partition';

/** Separates the dimensions of a multi-dimensional key: `2025-03|be`. No key of a dimension may contain it. */
export const MULTI_KEY_SEPARATOR = '|';

export type TimeUnit = 'hour' | 'day' | 'week' | 'month';
export type PartitionsKind = 'time' | 'static' | 'multi';

/** The instants a time partition covers: `start` included, `end` excluded. */
export interface PartitionWindow { start: Date; end: Date }

/** What an asset's function sees as `ctx.partition`. */
export interface PartitionContext {
  key: string;
  /** For time partitions (or a multi-dimensional one with a time dimension): the period's first instant. */
  start?: Date;
  /** The period's end, excluded. */
  end?: Date;
  /** For multi-dimensional partitions: each dimension's own key, e.g. `{ month: '2025-03', region: 'be' }`. */
  dimensions?: Record<string, string>;
}

/** A definition as the API and the UI show it. */
export interface PartitionsDescription {
  kind: PartitionsKind;
  unit?: TimeUnit;
  timezone?: string;
  dimensions?: { name: string; kind: 'time' | 'static'; unit?: TimeUnit; timezone?: string; count: number }[];
  count: number;
}

/** What every partitions definition answers. `nowMs` matters only to time partitions, whose set grows with time. */
export interface PartitionsCommon {
  readonly [PARTITIONS_BRAND]: true;
  readonly kind: PartitionsKind;
  /** Equal for two definitions with the same keys: what `same` dependency mappings compare. */
  readonly signature: string;
  /** In words, for messages: "monthly partitions from 2025-01 (Europe/Brussels)". */
  readonly label: string;
  /** Where it was declared. */
  readonly location?: SourceLocation;
  /** How many partitions exist at `nowMs`. */
  count(nowMs: number): number;
  /** The key at an index (0 = first); throws when the index is outside 0 … count-1. */
  keyAt(index: number, nowMs: number): string;
  /** The index of a key, or undefined when it is no key of this definition at `nowMs`. */
  indexOf(key: string, nowMs: number): number | undefined;
  /** Like indexOf, but throws a WeirError naming the key, the definition and the valid range. */
  requireIndex(key: string, nowMs: number, where?: string): number;
  /** The indices from one key to another, both included; throws when either is outside or they are reversed. */
  indexRange(fromKey: string, toKey: string, nowMs: number, where?: string): { fromIndex: number; toIndex: number };
  /** The keys of indices `fromIndex` … `toIndex - 1` (default: all): for small slices, never for the whole set. */
  keys(nowMs: number, fromIndex?: number, toIndex?: number): string[];
  /** The window of a key's period for time partitions (and multi with a time dimension); undefined for static lists. */
  window(key: string): PartitionWindow | undefined;
  /** `ctx.partition` for a key (checked against the definition at `nowMs`). */
  context(key: string, nowMs: number): PartitionContext;
  describe(nowMs: number): PartitionsDescription;
}

export interface TimePartitionsDefinition extends PartitionsCommon {
  readonly kind: 'time';
  readonly unit: TimeUnit;
  readonly timezone: string;
  readonly format: string;
  /** The first partition's key. */
  readonly startKey: string;
  /** The key of the first period NOT included, when an end was given. */
  readonly endKey?: string;
  /** The index of the period containing an instant: negative before the start, ≥ count after the end. */
  indexAtInstant(ms: number): number;
  /** The window of the period at an index (any integer, also outside the range). */
  windowAt(index: number): PartitionWindow;
}

export interface StaticPartitionsDefinition extends PartitionsCommon {
  readonly kind: 'static';
  readonly list: readonly string[];
}

export interface PartitionDimension {
  readonly name: string;
  readonly definition: TimePartitionsDefinition | StaticPartitionsDefinition;
}

export interface MultiPartitionsDefinition extends PartitionsCommon {
  readonly kind: 'multi';
  /** In key order: the first dimension varies slowest (`2025-01|be`, `2025-01|nl`, `2025-02|be`, …). */
  readonly dimensions: readonly PartitionDimension[];
  /** A key's dimension keys, or undefined when it does not have one part per dimension. */
  split(key: string): Record<string, string> | undefined;
  /** The key made of one key per dimension. */
  join(parts: Record<string, string>): string;
}

export type PartitionsDefinition = TimePartitionsDefinition | StaticPartitionsDefinition | MultiPartitionsDefinition;

/** True for a value built by timePartitions(), staticPartitions() or multiPartitions(). */
export function isPartitionsDefinition(value: unknown): value is PartitionsDefinition {
  return !!value && typeof value === 'object' && (value as { [PARTITIONS_BRAND]?: unknown })[PARTITIONS_BRAND] === true;
}

function invalid(summary: string, location: SourceLocation | undefined, hint: string): WeirError {
  return new WeirError(summary, { code: 'INVALID_PARTITIONS', location, hint });
}

// ---------------------------------------------------------------------------------------------------------------
// Shared behaviour, built once from the three primitives each kind provides.

interface Core {
  kind: PartitionsKind;
  signature: string;
  label: string;
  location?: SourceLocation;
  count(nowMs: number): number;
  /** Only called with 0 ≤ index < count. */
  keyAtUnchecked(index: number, nowMs: number): string;
  indexOf(key: string, nowMs: number): number | undefined;
  window(key: string): PartitionWindow | undefined;
  /** What a key looks like, for an error about one that is not a key. */
  example: string;
  /** True when a key has the definition's shape (so an unknown one is outside the range rather than malformed). */
  wellFormed(key: string): boolean;
  describe(nowMs: number): PartitionsDescription;
  dimensions(key: string): Record<string, string> | undefined;
}

function validRange(core: Core, nowMs: number): string {
  const count = core.count(nowMs);
  if (count === 0) return 'there are no partitions yet (the first period is not complete)';
  const first = core.keyAtUnchecked(0, nowMs);
  if (count === 1) return `the only valid key is ${first}`;
  return `the valid keys are ${first} … ${core.keyAtUnchecked(count - 1, nowMs)} (${plural(count, 'partition', undefined, (n) => n.toLocaleString('en-US'))})`;
}

function finish<T extends PartitionsDefinition>(core: Core, extra: Omit<T, keyof PartitionsCommon>): T {
  const keyAt = (index: number, nowMs: number): string => {
    const count = core.count(nowMs);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new WeirError(`partition index ${index} is outside ${core.label}`, { code: 'UNKNOWN_PARTITION', hint: `Use 0 … ${count - 1}.` });
    }
    return core.keyAtUnchecked(index, nowMs);
  };
  const requireIndex = (key: string, nowMs: number, where?: string): number => {
    const index = core.indexOf(key, nowMs);
    if (index !== undefined) return index;
    const prefix = where ? `${where}: ` : '';
    const what = core.wellFormed(key) ? 'is outside' : 'is not a key of';
    throw new WeirError(`${prefix}partition key '${key}' ${what} ${core.label}`, {
      code: 'UNKNOWN_PARTITION',
      hint: `Keys look like ${core.example}; ${validRange(core, nowMs)}.`,
    });
  };
  const definition = {
    [PARTITIONS_BRAND]: true as const,
    kind: core.kind,
    signature: core.signature,
    label: core.label,
    ...(core.location ? { location: core.location } : {}),
    count: core.count,
    keyAt,
    indexOf: core.indexOf,
    requireIndex,
    indexRange(fromKey: string, toKey: string, nowMs: number, where?: string) {
      const fromIndex = requireIndex(fromKey, nowMs, where);
      const toIndex = requireIndex(toKey, nowMs, where);
      if (fromIndex > toIndex) {
        throw new WeirError(`${where ? `${where}: ` : ''}partition range ${fromKey} … ${toKey} is reversed`, {
          code: 'UNKNOWN_PARTITION', hint: `Give the earlier key first: ${toKey} … ${fromKey}.`,
        });
      }
      return { fromIndex, toIndex };
    },
    keys(nowMs: number, fromIndex = 0, toIndex?: number) {
      const end = Math.min(toIndex ?? Infinity, core.count(nowMs));
      if (!Number.isFinite(end)) {
        throw new WeirError(`keys() of ${core.label} without an end: there is no last partition at that time`, { code: 'UNBOUNDED_PARTITIONS', hint: 'Pass a finite nowMs, or a toIndex.' });
      }
      const out: string[] = [];
      for (let i = Math.max(0, fromIndex); i < end; i++) out.push(core.keyAtUnchecked(i, nowMs));
      return out;
    },
    window: core.window,
    context(key: string, nowMs: number): PartitionContext {
      requireIndex(key, nowMs);
      const window = core.window(key);
      const dimensions = core.dimensions(key);
      return { key, ...(window ? { start: window.start, end: window.end } : {}), ...(dimensions ? { dimensions } : {}) };
    },
    describe: core.describe,
    ...extra,
  };
  return Object.freeze(definition) as unknown as T;
}

// ---------------------------------------------------------------------------------------------------------------
// Key formats: YYYY MM DD HH mm Z (the UTC offset, ±HH:MM) and literal text.

const TOKEN = /YYYY|MM|DD|HH|mm|Z/g;
type Token = 'YYYY' | 'MM' | 'DD' | 'HH' | 'mm' | 'Z';
interface Fields extends LocalTime { offsetMinutes: number }

const DEFAULT_FORMATS: Record<TimeUnit, string> = { hour: 'YYYY-MM-DDTHH:mmZ', day: 'YYYY-MM-DD', week: 'YYYY-MM-DD', month: 'YYYY-MM' };
const NEEDED_TOKENS: Record<TimeUnit, Token[]> = { hour: ['YYYY', 'MM', 'DD', 'HH'], day: ['YYYY', 'MM', 'DD'], week: ['YYYY', 'MM', 'DD'], month: ['YYYY', 'MM'] };
const UNIT_ADJECTIVE: Record<TimeUnit, string> = { hour: 'hourly', day: 'daily', week: 'weekly', month: 'monthly' };

interface KeyFormat {
  format(fields: Fields): string;
  parse(key: string): Partial<Fields> | undefined;
  tokens: Set<Token>;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function compileFormat(format: string): KeyFormat {
  const tokens: Token[] = [];
  let pattern = '^';
  let last = 0;
  const pieces: (string | Token)[] = [];
  for (const match of format.matchAll(TOKEN)) {
    const literal = format.slice(last, match.index);
    if (literal) { pieces.push(literal); pattern += literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }
    const token = match[0] as Token;
    tokens.push(token);
    pieces.push(token);
    pattern += token === 'YYYY' ? '(\\d{4})' : token === 'Z' ? '([+-]\\d{2}:\\d{2})' : '(\\d{2})';
    last = match.index! + token.length;
  }
  const tail = format.slice(last);
  if (tail) { pieces.push(tail); pattern += tail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }
  const regex = new RegExp(`${pattern}$`);
  const render: Record<Token, (f: Fields) => string> = {
    YYYY: (f) => pad(f.year, 4), MM: (f) => pad(f.month), DD: (f) => pad(f.day), HH: (f) => pad(f.hour), mm: (f) => pad(f.minute),
    Z: (f) => formatOffset(f.offsetMinutes),
  };
  return {
    tokens: new Set(tokens),
    format: (fields) => pieces.map((p) => (p in render ? render[p as Token](fields) : p)).join(''),
    parse(key) {
      const match = regex.exec(key);
      if (!match) return undefined;
      const out: Partial<Fields> = {};
      tokens.forEach((token, i) => {
        const text = match[i + 1]!;
        if (token === 'Z') {
          const sign = text.startsWith('-') ? -1 : 1;
          out.offsetMinutes = sign * (Number(text.slice(1, 3)) * 60 + Number(text.slice(4, 6)));
        } else {
          const field = ({ YYYY: 'year', MM: 'month', DD: 'day', HH: 'hour', mm: 'minute' } as const)[token];
          out[field] = Number(text);
        }
      });
      return out;
    },
  };
}

// Characters no key may hold: the multi-dimensional separator, and path separators (keys go into file paths).
const FORBIDDEN_IN_KEY = /[|/\\]/;

// ---------------------------------------------------------------------------------------------------------------
// Time partitions.

export interface TimePartitionsOptions {
  unit: TimeUnit;
  /** The first period: '2025-01' (month), '2025-01-06' (day, week), '2025-01-01T00:00' (hour), wall-clock in `timezone`. */
  start: string | Date;
  /** The first period NOT included, written like `start`. Without it the last partition is the last complete period. */
  end?: string | Date;
  /** IANA time zone of the periods' boundaries; default UTC. */
  timezone?: string;
  /** Key format from YYYY, MM, DD, HH, mm and Z (the UTC offset); default YYYY-MM-DDTHH:mmZ, YYYY-MM-DD or YYYY-MM. */
  format?: string;
}

const BOUNDARY = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2}))?)?$/;

function parseBoundary(value: string | Date, name: string, unit: TimeUnit, timezone: string, location?: SourceLocation): LocalTime {
  let local: LocalTime;
  const example = unit === 'month' ? "'2025-01'" : unit === 'hour' ? "'2025-01-01T00:00'" : "'2025-01-06'";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalid(`timePartitions(): ${name} is an invalid Date`, location, `Write it as ${example}.`);
    local = localTimeAt(value.getTime(), timezone);
  } else {
    const match = typeof value === 'string' ? BOUNDARY.exec(value) : null;
    if (!match) throw invalid(`timePartitions(): ${name} '${String(value)}' is not a date`, location, `Write it as ${example} (wall-clock time in ${timezone}).`);
    local = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3] ?? 1), hour: Number(match[4] ?? 0), minute: Number(match[5] ?? 0) };
    const check = dateOfDayNumber(dayNumber(local.year, local.month, local.day));
    if (check.month !== local.month || check.day !== local.day || local.hour > 23 || local.minute > 59) {
      throw invalid(`timePartitions(): ${name} '${value}' is not a real date`, location, `Write it as ${example}.`);
    }
  }
  const misaligned = local.minute !== 0 || (unit !== 'hour' && local.hour !== 0) || (unit === 'month' && local.day !== 1);
  if (misaligned) {
    const what = unit === 'month' ? 'the first of a month at 00:00' : unit === 'hour' ? 'a whole hour' : 'a midnight';
    throw invalid(`timePartitions(): ${name} '${value instanceof Date ? value.toISOString() : value}' is not the start of a ${unit}`, location,
      `A ${unit} partition starts at ${what} in ${timezone}; write it as ${example}.`);
  }
  return local;
}

/**
 * Partitions by time period: hour, day, week (7 days from `start`) or month, in a time zone (DST-correct).
 * Hourly keys carry the UTC offset, so the two 02:00 hours of a night when clocks go back never collide.
 *
 * @example
 * const months = timePartitions({ unit: 'month', start: '2025-01', timezone: 'Europe/Brussels' });
 * months.keyAt(2, Date.parse('2026-01-15'))   // '2025-03'
 * months.count(Date.parse('2025-04-15'))      // 3 (2025-01 … 2025-03; April is not complete)
 * months.window('2025-03')                    // { start: 2025-02-28T23:00Z, end: 2025-03-31T22:00Z }
 * timePartitions({ unit: 'hour', start: '2026-10-25', timezone: 'Europe/Brussels' }).keys(Infinity, 2, 4)
 * // ['2026-10-25T02:00+02:00', '2026-10-25T02:00+01:00']
 */
export function timePartitions(options: TimePartitionsOptions): TimePartitionsDefinition {
  const location = callerLocation();
  if (!options || typeof options !== 'object') throw invalid('timePartitions() needs options', location, "Write timePartitions({ unit: 'month', start: '2025-01' }).");
  const { unit } = options;
  if (!(unit in DEFAULT_FORMATS)) {
    throw invalid(`timePartitions(): unit '${String(unit)}' is not a time unit`, location, "Use 'hour', 'day', 'week' or 'month'.");
  }
  const unknown = Object.keys(options).filter((k) => !['unit', 'start', 'end', 'timezone', 'format'].includes(k));
  if (unknown.length) throw invalid(`timePartitions(): unknown option ${unknown.map((k) => `'${k}'`).join(', ')}`, location, 'Allowed options: unit, start, end, timezone, format.');
  const timezone = checkTimeZone(options.timezone ?? 'UTC', 'timePartitions()', location);
  const formatText = options.format ?? DEFAULT_FORMATS[unit];
  const keyFormat = compileFormat(formatText);
  const missing = NEEDED_TOKENS[unit].filter((t) => !keyFormat.tokens.has(t));
  if (missing.length) throw invalid(`timePartitions(): format '${formatText}' lacks ${missing.join(', ')} for ${unit} keys`, location, `Use e.g. '${DEFAULT_FORMATS[unit]}'.`);
  if (unit === 'hour' && !keyFormat.tokens.has('Z') && timezone !== 'UTC') {
    throw invalid(`timePartitions(): hourly format '${formatText}' has no UTC offset (Z)`, location,
      `Keys of hours in ${timezone} must carry the offset so the two hours of a night when clocks go back never collide: use '${DEFAULT_FORMATS.hour}'.`);
  }
  if (FORBIDDEN_IN_KEY.test(formatText.replace(TOKEN, ''))) {
    throw invalid(`timePartitions(): format '${formatText}' contains |, / or \\`, location, 'Keys go into file paths and multi-dimensional keys: use - or _ instead.');
  }
  const start = parseBoundary(options.start, 'start', unit, timezone, location);
  const end = options.end === undefined ? undefined : parseBoundary(options.end, 'end', unit, timezone, location);

  // Every unit counts periods from its own origin: hours from the start instant, days and weeks from the start date,
  // months from year 0. These are O(1) both ways, which is what keeps 100,000 partitions free.
  const startMs = instantOfLocal(start, timezone);
  const startDay = dayNumber(start.year, start.month, start.day);
  const startMonth = start.year * 12 + start.month - 1;
  const HOUR_MS = 3_600_000;

  const periodIndex = (local: LocalTime, ms: number): number => {
    if (unit === 'hour') return Math.floor((ms - startMs) / HOUR_MS);
    if (unit === 'day') return dayNumber(local.year, local.month, local.day) - startDay;
    if (unit === 'week') return Math.floor((dayNumber(local.year, local.month, local.day) - startDay) / 7);
    return local.year * 12 + local.month - 1 - startMonth;
  };
  const indexAtInstant = (ms: number): number => !Number.isFinite(ms) ? ms : periodIndex(unit === 'hour' ? start : localTimeAt(ms, timezone), ms);
  const localStartAt = (index: number): LocalTime => {
    if (unit === 'month') {
      const m = startMonth + index;
      return { year: Math.floor(m / 12), month: (m % 12 + 12) % 12 + 1, day: 1, hour: 0, minute: 0 };
    }
    const date = dateOfDayNumber(startDay + index * (unit === 'week' ? 7 : 1));
    return { ...date, hour: 0, minute: 0 };
  };
  const windowAt = (index: number): PartitionWindow => {
    if (unit === 'hour') return { start: new Date(startMs + index * HOUR_MS), end: new Date(startMs + (index + 1) * HOUR_MS) };
    return { start: new Date(instantOfLocal(localStartAt(index), timezone)), end: new Date(instantOfLocal(localStartAt(index + 1), timezone)) };
  };
  const keyOfIndex = (index: number): string => {
    if (unit === 'hour') {
      const ms = startMs + index * HOUR_MS;
      return keyFormat.format(localTimeAt(ms, timezone));
    }
    return keyFormat.format({ ...localStartAt(index), offsetMinutes: 0 });
  };
  const endCount = end === undefined ? Infinity : Math.max(0, indexAtInstant(instantOfLocal(end, timezone)));
  // Without an end the last partition is the last complete period; with one, also never a period still running.
  // Memoized for the last clock: a status page asks for the index of many keys at one instant.
  let lastNow = NaN;
  let lastCount = 0;
  const count = (nowMs: number): number => {
    if (nowMs !== lastNow) { lastCount = Math.min(endCount, Math.max(0, indexAtInstant(nowMs))); lastNow = nowMs; }
    return lastCount;
  };
  // The index a well-formed key names, before checking that it is inside the range.
  const parsedIndex = (key: string): number | undefined => {
    const f = keyFormat.parse(key);
    if (!f) return undefined;
    let index: number;
    if (unit === 'hour') {
      const ms = Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute ?? 0) - (f.offsetMinutes ?? 0) * 60_000;
      if ((ms - startMs) % HOUR_MS !== 0) return undefined;
      index = (ms - startMs) / HOUR_MS;
    } else {
      index = periodIndex({ year: f.year!, month: f.month!, day: f.day ?? 1, hour: 0, minute: 0 }, 0);
    }
    // A key is canonical or it is not a key: '2025-02-30', a wrong offset or a day inside a week all fail here.
    return keyOfIndex(index) === key ? index : undefined;
  };
  const startKey = keyOfIndex(0);
  const endKey = end === undefined ? undefined : keyOfIndex(endCount);
  const label = `${UNIT_ADJECTIVE[unit]} partitions from ${startKey}${endKey ? ` to ${endKey} (excluded)` : ''} (${timezone})`;
  const core: Core = {
    kind: 'time',
    signature: `time:${unit}:${timezone}:${startKey}:${endKey ?? ''}:${formatText}`,
    label,
    location,
    count,
    keyAtUnchecked: keyOfIndex,
    indexOf(key, nowMs) {
      const index = parsedIndex(key);
      return index !== undefined && index >= 0 && index < count(nowMs) ? index : undefined;
    },
    window(key) {
      const index = parsedIndex(key);
      if (index === undefined || index < 0 || index >= endCount) {
        throw new WeirError(`partition key '${key}' is not a key of ${label}`, { code: 'UNKNOWN_PARTITION', hint: `Keys look like ${startKey}.` });
      }
      return windowAt(index);
    },
    example: startKey,
    wellFormed: (key) => keyFormat.parse(key) !== undefined,
    describe: (nowMs) => ({ kind: 'time', unit, timezone, count: count(nowMs) }),
    dimensions: () => undefined,
  };
  return finish<TimePartitionsDefinition>(core, {
    kind: 'time', unit, timezone, format: formatText, startKey, ...(endKey ? { endKey } : {}), indexAtInstant, windowAt,
  } as Omit<TimePartitionsDefinition, keyof PartitionsCommon>);
}

// ---------------------------------------------------------------------------------------------------------------
// Static partitions.

/**
 * Partitions from a fixed list of keys, in the order given.
 *
 * @example
 * const regions = staticPartitions(['be', 'nl', 'lu']);
 * regions.indexOf('nl', 0) // 1
 * regions.indexOf('fr', 0) // undefined; regions.requireIndex('fr', 0) throws "… the valid keys are be … lu (3 partitions)"
 */
export function staticPartitions(keys: readonly string[]): StaticPartitionsDefinition {
  const location = callerLocation();
  if (!Array.isArray(keys) || keys.length === 0) throw invalid('staticPartitions() needs a non-empty list of keys', location, "Write staticPartitions(['be', 'nl', 'lu']).");
  const index = new Map<string, number>();
  keys.forEach((key, i) => {
    if (typeof key !== 'string' || key.trim() === '' || key !== key.trim()) {
      throw invalid(`staticPartitions(): key ${JSON.stringify(key)} is not a non-empty string without surrounding spaces`, location, 'Use short names such as be, nl, lu.');
    }
    if (FORBIDDEN_IN_KEY.test(key) || key === '.' || key === '..') {
      throw invalid(`staticPartitions(): key '${key}' contains |, / or \\ (or is . or ..)`, location, 'Keys go into file paths and multi-dimensional keys: use - or _ instead.');
    }
    if (index.has(key)) throw invalid(`staticPartitions(): key '${key}' is listed twice`, location, 'List each key once.');
    index.set(key, i);
  });
  const list = Object.freeze([...keys]);
  const core: Core = {
    kind: 'static',
    signature: `static:${JSON.stringify(list)}`,
    label: `static partitions ${list.length <= 5 ? `[${list.join(', ')}]` : `[${list.slice(0, 3).join(', ')}, … ${list.at(-1)}]`}`,
    location,
    count: () => list.length,
    keyAtUnchecked: (i) => list[i]!,
    indexOf: (key) => index.get(key),
    window: () => undefined,
    example: list[0]!,
    wellFormed: () => false,
    describe: () => ({ kind: 'static', count: list.length }),
    dimensions: () => undefined,
  };
  return finish<StaticPartitionsDefinition>(core, { kind: 'static', list } as Omit<StaticPartitionsDefinition, keyof PartitionsCommon>);
}

// ---------------------------------------------------------------------------------------------------------------
// Multi-dimensional partitions.

/**
 * Partitions over two (or more) dimensions, e.g. month × region; a key joins the dimension keys with `|`, the first
 * dimension varying slowest. At most one dimension may be a time dimension.
 *
 * @example
 * const monthRegion = multiPartitions({ month: months, region: staticPartitions(['be', 'nl']) });
 * monthRegion.keys(Date.parse('2025-03-15'), 0, 3)   // ['2025-01|be', '2025-01|nl', '2025-02|be']
 * monthRegion.context('2025-02|nl', Date.parse('2025-03-15')).dimensions // { month: '2025-02', region: 'nl' }
 */
export function multiPartitions(dimensions: Record<string, TimePartitionsDefinition | StaticPartitionsDefinition>): MultiPartitionsDefinition {
  const location = callerLocation();
  const entries = Object.entries(dimensions ?? {});
  if (entries.length < 2) throw invalid(`multiPartitions() needs at least two dimensions (got ${entries.length})`, location, 'Write multiPartitions({ month: months, region: regions }).');
  for (const [name, def] of entries) {
    if (!isPartitionsDefinition(def)) throw invalid(`multiPartitions(): dimension '${name}' is not a partitions definition`, location, 'Build each with timePartitions() or staticPartitions().');
    if ((def as PartitionsDefinition).kind === 'multi') throw invalid(`multiPartitions(): dimension '${name}' is itself multi-dimensional`, location, 'List every dimension in one multiPartitions({ … }).');
  }
  const dims: PartitionDimension[] = entries.map(([name, definition]) => Object.freeze({ name, definition }));
  const timeDims = dims.filter((d) => d.definition.kind === 'time');
  if (timeDims.length > 1) throw invalid(`multiPartitions(): ${timeDims.map((d) => `'${d.name}'`).join(' and ')} are both time dimensions`, location, 'Use at most one time dimension.');
  const timeDim = timeDims[0];
  const counts = (nowMs: number) => dims.map((d) => d.definition.count(nowMs));
  const count = (nowMs: number) => counts(nowMs).reduce((a, b) => a * b, 1);
  const split = (key: string): Record<string, string> | undefined => {
    const parts = key.split(MULTI_KEY_SEPARATOR);
    if (parts.length !== dims.length) return undefined;
    return Object.fromEntries(dims.map((d, i) => [d.name, parts[i]!]));
  };
  const join = (parts: Record<string, string>): string => dims.map((d) => parts[d.name]).join(MULTI_KEY_SEPARATOR);
  const label = `partitions ${dims.map((d) => `${d.name} (${d.definition.label})`).join(' × ')}`;
  const core: Core = {
    kind: 'multi',
    signature: `multi:${JSON.stringify(dims.map((d) => [d.name, d.definition.signature]))}`,
    label,
    location,
    count,
    keyAtUnchecked(index, nowMs) {
      const sizes = counts(nowMs);
      const parts: string[] = new Array(dims.length);
      let rest = index;
      for (let i = dims.length - 1; i >= 0; i--) {
        parts[i] = dims[i]!.definition.keyAt(rest % sizes[i]!, nowMs);
        rest = Math.floor(rest / sizes[i]!);
      }
      return parts.join(MULTI_KEY_SEPARATOR);
    },
    indexOf(key, nowMs) {
      const parts = key.split(MULTI_KEY_SEPARATOR);
      if (parts.length !== dims.length) return undefined;
      const sizes = counts(nowMs);
      let index = 0;
      for (let i = 0; i < dims.length; i++) {
        const at = dims[i]!.definition.indexOf(parts[i]!, nowMs);
        if (at === undefined) return undefined;
        index = index * sizes[i]! + at;
      }
      return index;
    },
    window(key) {
      if (!timeDim) return undefined;
      const parts = split(key);
      if (!parts) throw new WeirError(`partition key '${key}' is not a key of ${label}`, { code: 'UNKNOWN_PARTITION', hint: `Keys have one part per dimension, joined by |: ${dims.map((d) => (d.definition.kind === 'time' ? d.definition.startKey : d.definition.list[0])).join('|')}.` });
      return timeDim.definition.window(parts[timeDim.name]!);
    },
    example: dims.map((d) => (d.definition.kind === 'time' ? d.definition.startKey : d.definition.list[0])).join(MULTI_KEY_SEPARATOR),
    wellFormed: (key) => {
      const parts = split(key);
      return !!parts && dims.every((d) => d.definition.indexOf(parts[d.name]!, Infinity) !== undefined || d.definition.kind === 'time');
    },
    describe: (nowMs) => ({
      kind: 'multi',
      count: count(nowMs),
      dimensions: dims.map((d) => ({
        name: d.name, kind: d.definition.kind,
        ...(d.definition.kind === 'time' ? { unit: d.definition.unit, timezone: d.definition.timezone } : {}),
        count: d.definition.count(nowMs),
      })),
    }),
    dimensions: split,
  };
  return finish<MultiPartitionsDefinition>(core, { kind: 'multi', dimensions: Object.freeze(dims), split, join } as Omit<MultiPartitionsDefinition, keyof PartitionsCommon>);
}
