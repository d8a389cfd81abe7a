/** IANA time zones: is a name one, and which real names is a misspelt one closest to. */
import { closestNames } from './suggest.js';

let knownZones: readonly string[] | undefined;

/** Every IANA zone name this Node knows (Intl's list, plus UTC, which some builds leave out). */
export function knownTimeZones(): readonly string[] {
  knownZones ??= [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort();
  return knownZones;
}

/**
 * True when `name` is a time zone Intl (and so croner) can compute with: IANA names and their aliases.
 *
 * @example
 * isTimeZone('Europe/Brussels') // true
 * isTimeZone('Europe/Brusels')  // false
 */
export function isTimeZone(name: string): boolean {
  if (!name || name !== name.trim()) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The IANA names closest to a wrong one: by the whole name, then by its city alone (so `Brussels`, `brussel` and
 * `Europe/Brusels` all find `Europe/Brussels`).
 *
 * @example
 * closestTimeZones('Europe/Brusels') // ['Europe/Brussels']
 * closestTimeZones('New York')       // ['America/New_York']
 */
export function closestTimeZones(name: string, max = 3): string[] {
  const zones = knownTimeZones();
  const normalized = name.trim().replace(/ /g, '_');
  const whole = closestNames(normalized, zones, max);
  if (whole.length) return whole;
  const city = normalized.split('/').pop()!.toLowerCase();
  const byCity = new Map<string, string[]>();
  for (const zone of zones) {
    const own = zone.split('/').pop()!.toLowerCase();
    byCity.set(own, [...(byCity.get(own) ?? []), zone]);
  }
  return closestNames(city, byCity.keys(), max).flatMap((c) => byCity.get(c)!).slice(0, max);
}

/**
 * A hint for an unknown zone, naming the closest real ones.
 *
 * @example
 * timeZoneHint('Europe/Brusels') // "Did you mean 'Europe/Brussels'? Time zones are IANA names such as Europe/Brussels, America/New_York or UTC."
 */
export function timeZoneHint(name: string): string {
  const close = closestTimeZones(name);
  const suggestion = close.length ? `Did you mean ${close.map((z) => `'${z}'`).join(' or ')}? ` : '';
  return `${suggestion}Time zones are IANA names such as Europe/Brussels, America/New_York or UTC.`;
}
