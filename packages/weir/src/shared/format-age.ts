/** Ages and delays in the units people say them in: '45s', '12m', '5h 12m', '2d 3h'. */

/**
 * @example
 * formatAge(31 * 3600_000)           // '31h'
 * formatAge(5 * 3600_000 + 12 * 60_000) // '5h 12m'
 * formatAge(50 * 3600_000)           // '2d 2h'
 */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  // Up to two days, hours read better than days: a 26h max lag is violated at "31h", not "1d 7h".
  if (hours < 48) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}
