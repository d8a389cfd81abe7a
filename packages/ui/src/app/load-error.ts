/**
 * The project's definitions load error as message, file and line. The server sends an object (ApiProjectLoadError);
 * a plain string is accepted too, as older servers sent.
 */
export interface LoadError {
  message: string;
  file?: string;
  line?: number;
  column?: number;
  hint?: string;
}

/**
 * @example
 * loadErrorOf('definitions/orders.ts:3: unknown input') // { message: 'definitions/orders.ts:3: unknown input' }
 * loadErrorOf({ message: 'x', file: 'a.ts', line: 3 })    // { message: 'x', file: 'a.ts', line: 3 }
 * loadErrorOf(null)                                       // undefined
 */
export function loadErrorOf(value: unknown): LoadError | undefined {
  if (!value) return undefined;
  if (typeof value === 'string') return { message: value };
  if (typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    const v = value as { message: string; file?: unknown; line?: unknown; column?: unknown; hint?: unknown };
    return {
      message: v.message,
      ...(typeof v.file === 'string' ? { file: v.file } : {}),
      ...(typeof v.line === 'number' ? { line: v.line } : {}),
      ...(typeof v.column === 'number' ? { column: v.column } : {}),
      ...(typeof v.hint === 'string' ? { hint: v.hint } : {}),
    };
  }
  return { message: String(value) };
}
