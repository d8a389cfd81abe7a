/** Which assets each alert rule's `select`, `group` and `owner` filters match, and the rules that match nothing. */
import type { AlertRule } from '../../definitions/alerts-config.js';
import type { AssetGraph } from '../../graph/asset-graph.js';
import { selectAssets } from '../../graph/selection.js';

/**
 * Rules without an asset filter are absent from `assets` (they match every event). A filter that names an unknown
 * asset or matches nothing is a warning, not an error: the rule then matches nothing until the project changes.
 *
 * @example
 * ruleAssets([{ name: 'finance', on: ['run_failed'], channels: ['a'], group: 'finance' }], graph, root)
 * // { assets: Map { 'finance' => Set { 'revenue', 'margins' } }, warnings: [] }
 * // a filter matching nothing: warnings: [{ line: 14, message: "alert rule 'finance' matches no asset (group:finance): …" }]
 */
export function ruleAssets(rules: readonly AlertRule[], graph: AssetGraph, root: string): { assets: Map<string, Set<string>>; warnings: Array<{ line?: number; message: string }> } {
  const assets = new Map<string, Set<string>>();
  const warnings: Array<{ line?: number; message: string }> = [];
  for (const rule of rules) {
    const filters = [rule.select, rule.group && `group:${rule.group}`, rule.owner && `owner:${rule.owner}`].filter((f): f is string => !!f);
    if (!filters.length) continue;
    let matched: Set<string> | undefined;
    try {
      for (const filter of filters) {
        const selected = selectAssets(graph, { select: filter, root });
        matched = matched ? new Set([...matched].filter((key) => selected.has(key))) : new Set(selected);
      }
    } catch (error) {
      warnings.push({ line: rule.line, message: `alert rule '${rule.name}': ${(error as Error).message.split('\n')[0]}; the rule matches nothing` });
      matched = new Set();
    }
    if (matched && matched.size === 0 && !warnings.some((w) => w.message.startsWith(`alert rule '${rule.name}':`))) {
      warnings.push({ line: rule.line, message: `alert rule '${rule.name}' matches no asset (${filters.join(' and ')}): it sends nothing about runs, checks or freshness` });
    }
    assets.set(rule.name, matched ?? new Set());
  }
  return { assets, warnings };
}
