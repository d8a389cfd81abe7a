/** JSON that survives DuckDB values: BIGINT arrives as bigint, which JSON.stringify rejects. */

/** Converts bigints to numbers when exact, otherwise to strings; Dates to ISO strings. */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value && typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSafe(v)]));
  }
  return value;
}

/**
 * JSON.stringify with toJsonSafe's conversions. On the path of every stored event (a million log lines), so the
 * usual payload, which holds no bigint, takes JSON.stringify's fast path: a replacer function or a converted copy
 * cost about a microsecond a line. Only a payload it rejects (a bigint) is converted first.
 *
 * @example
 * stringifyJson({ rows: 12n, at: new Date(0) }) // '{"rows":12,"at":"1970-01-01T00:00:00.000Z"}'
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error instanceof TypeError) return JSON.stringify(toJsonSafe(value));
    throw error;
  }
}
