/** A tick as people read it in the schedule's own time zone, with the zone's offset (the server sends UTC instants). */

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * @example
 * formatInZone('2026-03-01T05:00:00.000Z', 'Europe/Brussels') // '2026-03-01 06:00 GMT+1'
 */
export function formatInZone(iso: string, timezone: string): string {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
    });
    formats.set(timezone, format);
  }
  const part = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} ${part.timeZoneName}`;
}

/** How long until an instant, roughly: 'in 3 h', 'in 12 days'. */
export function formatUntil(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (ms < 60_000) return 'in under a minute';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 90) return `in ${minutes} min`;
  const hours = Math.round(ms / 3_600_000);
  if (hours < 36) return `in ${hours} h`;
  return `in ${Math.round(ms / 86_400_000)} days`;
}
