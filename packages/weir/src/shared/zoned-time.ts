/** An instant as people read it in a given time zone, with the zone's offset: how schedule ticks are shown. */

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * @example
 * formatInZone(Date.parse('2026-03-01T05:00:00Z'), 'Europe/Brussels') // '2026-03-01 06:00 GMT+1'
 * formatInZone(Date.parse('2026-03-29T01:00:00Z'), 'Europe/Brussels') // '2026-03-29 03:00 GMT+2'
 */
export function formatInZone(ms: number, timezone: string): string {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
      hourCycle: 'h23', timeZoneName: 'short',
    });
    formats.set(timezone, format);
  }
  const part = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const seconds = part.second === '00' ? '' : `:${part.second}`;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}${seconds} ${part.timeZoneName === 'UTC' ? 'UTC' : part.timeZoneName}`;
}
