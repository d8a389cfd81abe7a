/** Counts with their noun, singular or plural, for every message that prints a count ("1 step", "3 rows"). */

/**
 * A count with its noun: singular for exactly 1, plural (noun + "s" unless given) otherwise.
 *
 * @example
 * plural(1, 'row')               // '1 row'
 * plural(3, 'row')               // '3 rows'
 * plural(0, 'check')             // '0 checks'
 * plural(2, 'match', 'matches')  // '2 matches'
 * plural(1234, 'row', undefined, (n) => n.toLocaleString('en-US')) // '1,234 rows'
 */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`, format: (count: number) => string = String): string {
  return `${format(count)} ${count === 1 ? noun : pluralNoun}`;
}
