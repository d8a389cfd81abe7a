/** Counts with their noun in the right number: what every line Weir prints about "1 step" or "3 rows" uses. */

/**
 * `1 step`, `3 steps`; with `max`, a count that stopped there reads `1,000+ runs`.
 *
 * @example
 * plural(1, 'run') // '1 run'
 * plural(1000, 'run', { max: 1000 }) // '1,000+ runs'
 */
export function plural(count: number, noun: string, options: { max?: number } = {}): string {
  const shown = `${count.toLocaleString('en-US')}${options.max !== undefined && count >= options.max ? '+' : ''}`;
  return `${shown} ${count === 1 ? noun : `${noun}s`}`;
}
