/** Converts DuckDB values to JSON-safe JavaScript values, and JavaScript parameters to DuckDB values. */
import type { DuckDBValue, DuckDBValueConverter } from '@duckdb/node-api';
import { duckDbApi } from './node-api.js';

// This module is loaded with the first session, once the warehouse (and so DuckDB) is open.
const {
  DuckDBBlobValue, DuckDBTimestampValue, DuckDBTypeId, JsonDuckDBValueConverter, arrayFromArrayValue, arrayFromListValue,
  bigintFromBigIntValue, doubleFromDecimalValue, objectArrayFromMapValue, objectFromStructValue, objectFromUnionValue,
} = duckDbApi();

/** A value that survives `JSON.stringify` and means the same thing on both sides. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function exactNumberOrString(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
}

// DuckDB prints '2024-01-02 03:04:05.123456'; ISO 8601 wants the 'T'. A TIMESTAMP has no zone, so none is
// invented (no 'Z'); this also keeps the microseconds a JS Date would drop. 'infinity' passes through.
function isoTimestamp(text: string): string {
  return text.replace(' ', 'T');
}

/**
 * The converter behind `DuckDbSession.query()`: the same as node-api's JSON converter except that
 * integers and decimals stay numbers when exact (BIGINT/HUGEINT beyond 2^53 become strings), and
 * timestamps are ISO strings.
 *
 * @example
 * // select 42::bigint a, 1.25::decimal(5,2) b, date '2024-01-02' c, timestamp '2024-01-02 03:04:05' d
 * // -> { a: 42, b: 1.25, c: '2024-01-02', d: '2024-01-02T03:04:05' }
 */
export const jsonValueConverter: DuckDBValueConverter<JsonValue> = (value, type, converter) => {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return exactNumberOrString(bigintFromBigIntValue(value, type));
    case DuckDBTypeId.DECIMAL:
      return doubleFromDecimalValue(value);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return isoTimestamp(String(value));
    case DuckDBTypeId.TIMESTAMP_TZ:
      // node-api prints TIMESTAMPTZ in UTC as '… +00'; ISO spells that 'Z'.
      return isoTimestamp(String(value)).replace(/\+00$/, 'Z');
    // Nested types recurse through this converter, not node-api's, so their leaves get the rules above.
    case DuckDBTypeId.LIST:
      return arrayFromListValue(value, type, converter);
    case DuckDBTypeId.ARRAY:
      return arrayFromArrayValue(value, type, converter);
    case DuckDBTypeId.STRUCT:
      return objectFromStructValue(value, type, converter);
    case DuckDBTypeId.MAP:
      return objectArrayFromMapValue(value, type, converter) as unknown as JsonValue;
    case DuckDBTypeId.UNION:
      return objectFromUnionValue(value, type, converter) as unknown as JsonValue;
    default:
      return JsonDuckDBValueConverter(value, type, JsonDuckDBValueConverter) as JsonValue;
  }
};

/**
 * Turns a query parameter into something DuckDB can bind: `undefined` binds NULL, a Date binds a
 * TIMESTAMP (UTC), bytes bind a BLOB, and any other object binds its JSON text.
 *
 * @example
 * toDuckDbParam(new Date('2024-01-02T00:00:00Z')) // DuckDBTimestampValue 2024-01-02 00:00:00
 */
export function toDuckDbParam(value: unknown): DuckDBValue {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value;
    default:
      break;
  }
  if (value instanceof Date) return new DuckDBTimestampValue(BigInt(value.getTime()) * 1000n);
  if (value instanceof Uint8Array) return new DuckDBBlobValue(value);
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

