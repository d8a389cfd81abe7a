/**
 * dbt source freshness: how long ago a source's `loaded_at_field` last moved, against its `warn_after` /
 * `error_after`, and `target/sources.json` in dbt's shape. The SQL is built here; the CLI runs it.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { WeirError } from '../../shared/errors.js';
import type { DbtSource } from './types.js';

export interface FreshnessThreshold { count: number; period: 'minute' | 'hour' | 'day' }

export interface FreshnessCriteria {
  warnAfter?: FreshnessThreshold;
  errorAfter?: FreshnessThreshold;
  filter?: string;
}

const PERIOD_SECONDS = { minute: 60, hour: 3600, day: 86400 } as const;

function threshold(value: unknown, where: string): FreshnessThreshold | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value as { count?: unknown; period?: unknown };
  const count = Number(v.count);
  const period = String(v.period);
  if (!Number.isFinite(count) || count <= 0 || !(period in PERIOD_SECONDS)) {
    throw new WeirError(`${where}: freshness needs count (a positive number) and period (minute, hour or day)`, { code: 'DBT_FRESHNESS_INVALID', location: { file: where.split(':')[0]! }, hint: 'e.g. warn_after: {count: 12, period: hour}' });
  }
  return { count, period: period as FreshnessThreshold['period'] };
}

/**
 * The source's freshness rule, or undefined when it has none (or no loaded_at_field, which dbt skips too).
 *
 * @example
 * freshnessCriteria(source) // { warnAfter: { count: 12, period: 'hour' }, errorAfter: { count: 24, period: 'hour' } }
 */
export function freshnessCriteria(source: DbtSource): FreshnessCriteria | undefined {
  const spec = source.freshness as { warn_after?: unknown; error_after?: unknown; filter?: unknown } | null | undefined;
  if (!spec || !source.loadedAtField) return undefined;
  const where = `${source.originalFilePath}:${source.location.line ?? 1}`;
  const criteria: FreshnessCriteria = { warnAfter: threshold(spec.warn_after, where), errorAfter: threshold(spec.error_after, where) };
  if (typeof spec.filter === 'string' && spec.filter.trim()) criteria.filter = spec.filter;
  return criteria.warnAfter || criteria.errorAfter ? criteria : undefined;
}

/** The query: when the newest row was loaded, as epoch milliseconds (null when the source is empty). */
export function freshnessSql(source: DbtSource, relation: string, criteria: FreshnessCriteria): string {
  return `select epoch_ms(cast(max(${source.loadedAtField}) as timestamp)) as max_loaded_at_ms from ${relation}${criteria.filter ? ` where ${criteria.filter}` : ''}`;
}

export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

/**
 * @example
 * freshnessStatus({ warnAfter: { count: 1, period: 'hour' } }, 2 * 3600) // 'warn'
 */
export function freshnessStatus(criteria: FreshnessCriteria, ageSeconds: number | null): FreshnessStatus {
  if (ageSeconds === null) return criteria.errorAfter ? 'error' : 'warn';
  const over = (t?: FreshnessThreshold) => t !== undefined && ageSeconds > t.count * PERIOD_SECONDS[t.period];
  return over(criteria.errorAfter) ? 'error' : over(criteria.warnAfter) ? 'warn' : 'pass';
}

export interface FreshnessResult {
  source: DbtSource;
  criteria: FreshnessCriteria;
  status: FreshnessStatus;
  maxLoadedAtMs: number | null;
  snapshottedAtMs: number;
  startedAtMs: number;
  completedAtMs: number;
  error?: string;
}

const threshold_ = (t?: FreshnessThreshold) => ({ count: t?.count ?? null, period: t?.period ?? null });

/** Writes `target/sources.json` as dbt does (schema v3). */
export function writeSourcesJson(results: readonly FreshnessResult[], path: string, options: { invocationId?: string; elapsedMs: number; redact?: (text: string) => string }): Record<string, unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const document = {
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json', dbt_version: '1.10.0', generated_at: new Date().toISOString(), invocation_id: options.invocationId ?? null, env: {} },
    results: results.map((r) => (r.status === 'runtime error'
      ? { unique_id: r.source.uniqueId, error: r.error ?? 'error', status: 'runtime error' }
      : {
        unique_id: r.source.uniqueId,
        max_loaded_at: iso(r.maxLoadedAtMs),
        snapshotted_at: iso(r.snapshottedAtMs),
        max_loaded_at_time_ago_in_s: r.maxLoadedAtMs === null ? null : (r.snapshottedAtMs - r.maxLoadedAtMs) / 1000,
        status: r.status,
        criteria: { warn_after: threshold_(r.criteria.warnAfter), error_after: threshold_(r.criteria.errorAfter), filter: r.criteria.filter ?? null },
        adapter_response: {},
        timing: [{ name: 'execute', started_at: iso(r.startedAtMs), completed_at: iso(r.completedAtMs) }],
        thread_id: 'Thread-1',
        execution_time: (r.completedAtMs - r.startedAtMs) / 1000,
      })),
    elapsed_time: options.elapsedMs / 1000,
  };
  mkdirSync(dirname(path), { recursive: true });
  const text = `${JSON.stringify(document, null, 2)}\n`;
  writeFileSync(path, options.redact ? options.redact(text) : text);
  return document;
}
