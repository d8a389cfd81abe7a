/** How checks write numbers, counts and values in their one-line messages. */

/**
 * A number without floating-point noise, with at least `minDecimals` decimals.
 *
 * @example
 * formatNumber(70568.60000000001)  // '70568.6'
 * formatNumber(70568.6, 2)         // '70568.60'
 * formatNumber(825)                // '825'
 */
export function formatNumber(value: number, minDecimals = 0): string {
  if (!Number.isFinite(value)) return String(value);
  // 12 significant digits: a double holds ~15.9, so this drops summation noise and keeps every digit people typed.
  const clean = Number(value.toPrecision(12));
  const text = String(clean);
  if (text.includes('e') || decimalsOf(clean) >= minDecimals) return text;
  return clean.toFixed(Math.min(minDecimals, 20));
}

/**
 * How many decimals a number shows once cleaned.
 *
 * @example
 * decimalsOf(0.01) // 2
 * decimalsOf(3)    // 0
 */
export function decimalsOf(value: number): number {
  const text = String(Number(value.toPrecision(12)));
  const exponent = /e-(\d+)$/.exec(text);
  if (exponent) return Number(exponent[1]);
  return text.split('.')[1]?.length ?? 0;
}

/**
 * A data value as people read it in a message: strings quoted, numbers cleaned.
 *
 * @example
 * formatValue('instok') // "'instok'"
 * formatValue(0.1 + 0.2) // '0.3'
 * formatValue(null)     // 'null'
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? String(value);
}

/**
 * A list of values, cut after `max` so a message stays one readable line.
 *
 * @example
 * formatList(['a', 'b', 'c'], 2) // "'a', 'b', … 1 more"
 */
export function formatList(values: unknown[], max = 10): string {
  const shown = values.slice(0, max).map(formatValue).join(', ');
  return values.length > max ? `${shown}, … ${values.length - max} more` : shown;
}

/**
 * An error's message on one line: DuckDB's caret diagram (`LINE 1: … ^`), its list of candidate functions and
 * any stack left out.
 *
 * @example
 * oneLine('Binder Error: Referenced column "skuu" not found!\nCandidate bindings: "sku"\n\nLINE 1: select skuu\n               ^')
 * // 'Binder Error: Referenced column "skuu" not found! Candidate bindings: "sku"'
 */
export function oneLine(message: string): string {
  // DuckDB's list of every overload of a function runs to a dozen lines that say nothing about the user's data.
  const withoutDiagram = message.split(/\n\s*LINE \d+:|\n\s*Candidate functions:/)[0] ?? message;
  return withoutDiagram.split('\n').map((line) => line.trim()).filter(Boolean).join(' ');
}
