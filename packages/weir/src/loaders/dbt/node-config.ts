/** Node configs in dbt's precedence: folder configs in dbt_project.yml < yml `config:` < `{{ config() }}` in the file. */
import type { DbtHook, DbtNodeConfig } from './types.js';

// Keys that are configs even without a `+` prefix under `models:` / `seeds:` / `data_tests:` in dbt_project.yml.
const CONFIG_KEYS = new Set([
  'materialized', 'enabled', 'tags', 'meta', 'schema', 'alias', 'database', 'pre-hook', 'post-hook', 'pre_hook', 'post_hook',
  'unique_key', 'incremental_strategy', 'on_schema_change', 'full_refresh', 'persist_docs', 'docs', 'column_types',
  'quote_columns', 'delimiter', 'severity', 'where', 'limit', 'warn_if', 'error_if', 'fail_calc', 'store_failures',
  'store_failures_as', 'contract', 'grants', 'group', 'access', 'sql_header', 'quoting', 'event_time', 'batch_size',
  'lookback', 'begin', 'concurrent_batches', 'indexes', 'on_configuration_change', 'packages', 'docs', 'location',
  'format', 'options', 'file_format', 'partition_by', 'cluster_by', 'incremental_predicates', 'merge_update_columns',
  'merge_exclude_columns', 'unique_key', 'persist_docs', 'transient', 'plugin', 'external_location',
  'strategy', 'updated_at', 'check_cols', 'target_schema', 'target_database', 'invalidate_hard_deletes', 'hard_deletes',
  'dbt_valid_to_current', 'snapshot_meta_column_names',
]);
// Dict-valued configs: a dict under these keys is a value, not a subfolder.
const DICT_CONFIGS = new Set(['meta', 'column_types', 'persist_docs', 'docs', 'quoting', 'contract', 'grants', 'options', 'partition_by']);
// Merged rather than replaced when a more specific level sets them.
const ADDITIVE = new Set(['tags', 'pre_hook', 'post_hook']);

/** `pre-hook` → `pre_hook`; the `+` prefix dropped. */
export function normalizeKey(key: string): string {
  return key.replace(/^\+/, '').replace(/-/g, '_');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits one level of a dbt_project.yml config tree into its own configs and its subfolders. */
function levelConfigs(level: Record<string, unknown>): { configs: Record<string, unknown>; children: Record<string, Record<string, unknown>> } {
  const configs: Record<string, unknown> = {};
  const children: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(level)) {
    if (key.startsWith('+') || (CONFIG_KEYS.has(key) && (!isPlainObject(value) || DICT_CONFIGS.has(key)))) configs[normalizeKey(key)] = value;
    else if (isPlainObject(value)) children[key] = value;
  }
  return { configs, children };
}

/**
 * The configs dbt_project.yml gives a node, from the least to the most specific folder.
 *
 * @example
 * folderConfigs({ shop: { '+materialized': 'view', marts: { '+materialized': 'table' } } }, ['shop', 'marts', 'orders'])
 * // [{ materialized: 'view' }, { materialized: 'table' }]
 */
export function folderConfigs(tree: unknown, fqn: string[]): Record<string, unknown>[] {
  if (!isPlainObject(tree)) return [];
  const out: Record<string, unknown>[] = [];
  const top = levelConfigs(tree);
  out.push(top.configs);
  let level: Record<string, unknown> | undefined = top.children[fqn[0]!];
  for (let i = 1; level; i++) {
    const { configs, children } = levelConfigs(level);
    out.push(configs);
    level = i < fqn.length ? children[fqn[i]!] : undefined;
  }
  return out.filter((c) => Object.keys(c).length > 0);
}

/** Normalizes a hook config (string, list, or `{sql, transaction}`) to a list. */
export function toHooks(value: unknown): DbtHook[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => (isPlainObject(item)
    ? { sql: String(item.sql ?? ''), transaction: item.transaction !== false }
    : { sql: String(item), transaction: true }));
}

function asList(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

/** Merges config layers, least specific first: tags and hooks accumulate, meta merges, the rest is replaced. */
export function mergeConfigs(layers: Array<Record<string, unknown> | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [rawKey, value] of Object.entries(layer)) {
      const key = normalizeKey(rawKey);
      if (ADDITIVE.has(key)) out[key] = [...asList(out[key]), ...asList(value)];
      else if (key === 'meta' && isPlainObject(value)) out[key] = { ...(out[key] as object | undefined), ...value };
      else if (key === 'column_types' && isPlainObject(value)) out[key] = { ...(out[key] as object | undefined), ...value };
      else out[key] = value;
    }
  }
  return out;
}

const DEFAULTS: Record<string, Record<string, unknown>> = {
  model: { materialized: 'view', on_schema_change: 'ignore' },
  seed: { materialized: 'seed', quote_columns: null, delimiter: ',' },
  snapshot: { materialized: 'snapshot' },
  test: { materialized: 'test', severity: 'ERROR', fail_calc: 'count(*)', warn_if: '!= 0', error_if: '!= 0', store_failures: null, where: null, limit: null },
};

/** The final config of a node: defaults, then the merged layers, typed. */
export function resolveConfig(resourceType: 'model' | 'seed' | 'snapshot' | 'test', layers: Array<Record<string, unknown> | undefined>): DbtNodeConfig {
  const merged = mergeConfigs([DEFAULTS[resourceType], ...layers]);
  const tags = asList(merged.tags).map(String);
  const config: DbtNodeConfig = {
    ...merged,
    enabled: merged.enabled === undefined ? true : merged.enabled !== false && merged.enabled !== 'false',
    materialized: String(merged.materialized),
    tags: [...new Set(tags)],
    meta: (merged.meta as Record<string, unknown>) ?? {},
    pre_hook: toHooks(merged.pre_hook),
    post_hook: toHooks(merged.post_hook),
  };
  if (typeof config.severity === 'string') config.severity = config.severity.toUpperCase();
  if (resourceType === 'model' && config.materialized === 'incremental' && !config.incremental_strategy) config.incremental_strategy = null;
  return config;
}
