/** What `weir validate` (and every load) warns about in assets' declarative automation: nothing declared is ignored silently. */
import type { AssetDefinition } from '../../definitions/asset.js';
import { formatLocation } from '../../shared/errors.js';

/**
 * @example
 * automationWarnings([asset({ key: 'orders', automation: 'eager' }, fn)])
 * // ["definitions/shop.ts:3:22: asset 'orders' has automation: 'eager' but no upstream asset: nothing will trigger it …"]
 */
export function automationWarnings(assets: readonly AssetDefinition[]): string[] {
  const keys = new Set(assets.map((a) => a.key));
  return assets.flatMap((asset) => {
    if (asset.automation !== 'eager' || asset.upstream.some((key) => key !== asset.key && keys.has(key))) return [];
    const where = asset.location ? `${formatLocation(asset.location)}: ` : '';
    return [`${where}asset '${asset.key}' has automation: 'eager' but no upstream asset: nothing will trigger it (input files are not watched; use a file sensor, a schedule or { onCron })`];
  });
}
