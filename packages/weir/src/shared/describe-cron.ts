/** A cron pattern in words, with its time zone: what `weir schedules` and the Automation page show. */
import cronstrue from 'cronstrue';

/**
 * @example
 * describeCron('0 6 1 * *', 'Europe/Brussels') // 'At 06:00, on day 1 of the month, Europe/Brussels'
 * describeCron('@daily', 'UTC')               // 'At 00:00, UTC'
 */
export function describeCron(pattern: string, timezone: string): string {
  let words: string;
  try {
    words = cronstrue.toString(pattern, { use24HourTimeFormat: true, throwExceptionOnParseError: true });
  } catch {
    // cronstrue reads fewer forms than croner (which decides the ticks): show the pattern itself then.
    words = `On '${pattern}'`;
  }
  return `${words}, ${timezone}`;
}
