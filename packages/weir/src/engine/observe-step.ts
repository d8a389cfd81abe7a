/**
 * The observe step: records what an external input was when the run read it. A file is hashed; a relation (a dbt
 * source) must exist, and its row count, columns and a hash of its rows are recorded; then its checks run on it.
 */
import { stat } from 'node:fs/promises';
import type { DuckDbSession } from '../connectors/duckdb/duckdb-session.js';
import { quoteIdent } from '../connectors/duckdb/quote-identifier.js';
import type { ExternalAssetDefinition, ExternalRelation } from '../definitions/external-asset.js';
import type { ProjectConfig } from '../definitions/project.js';
import { CheckOutcome, type CheckEvaluationData, type ObservationData } from '../events/index.js';
import { evaluateCheck } from '../checks/index.js';
import { WeirError, formatLocation } from '../shared/errors.js';
import { hashFile, hashText } from '../shared/hash.js';
import { filePathOf } from './published-location.js';
import { plural } from '../shared/plural.js';

export async function observeExternalFile(project: ProjectConfig, definition: ExternalAssetDefinition): Promise<ObservationData> {
  const path = filePathOf(project, definition.path, `external file '${definition.key}'`);
  const info = await stat(path).catch(() => undefined);
  if (!info || !info.isFile()) {
    const declared = definition.location ? ` (declared at ${formatLocation(definition.location)})` : '';
    throw new WeirError(`input file '${definition.key}' is missing: ${path} does not exist${declared}`, {
      code: 'MISSING_INPUT',
      hint: 'Put the file there, or point the project at the right folder (check the settings in weir.yaml and their environment variables).',
    });
  }
  return { assetKey: definition.key, path, hash: await hashFile(path), bytes: info.size, modifiedAt: info.mtimeMs };
}

/**
 * The SQL name of an observed relation: `"dev"."landing"."orders"`, or `"landing"."orders"` in the warehouse's catalog.
 *
 * @example
 * externalRelationSql({ schema: 'landing', table: 'orders' }) // '"landing"."orders"'
 */
export function externalRelationSql(relation: ExternalRelation): string {
  return [...(relation.catalog ? [relation.catalog] : []), relation.schema, relation.table].map(quoteIdent).join('.');
}

/** What an external relation says about itself in messages: the dbt source and its yml line, or the key. */
function describeExternal(definition: ExternalAssetDefinition): string {
  const dbt = (definition.metadata?.dbt ?? undefined) as { sourceName?: string; name?: string } | undefined;
  const name = dbt?.sourceName && dbt.name ? `source ${dbt.sourceName}.${dbt.name}` : `external relation '${definition.key}'`;
  return definition.location ? `${name} (${formatLocation(definition.location)})` : name;
}

/**
 * Observes a relation: it must exist; its row count, columns and content hash are recorded. The hash covers every
 * row (an order-independent sum of row hashes), so a downstream asset is rebuilt when the source's data changes,
 * not only its size; it costs one scan, as a `unique` test does.
 *
 * @example
 * await observeExternalRelation(session, rawOrders)
 * // { assetKey: 'raw/orders', path: '"dev"."landing"."orders"', hash: '9c1e…', bytes: 0, modifiedAt: 1718000000000, rowCount: 3, columns: [{ name: 'id', type: 'INTEGER' }] }
 *
 * @throws WeirError MISSING_INPUT: "source raw.orders (models/sources.yml:5) does not exist in the warehouse: …"
 */
export async function observeExternalRelation(session: DuckDbSession, definition: ExternalAssetDefinition, options: { signal?: AbortSignal } = {}): Promise<ObservationData> {
  const relation = definition.relation!;
  const sql = externalRelationSql(relation);
  const found = await session.query<{ n: number }>(
    `select count(*)::integer as n from information_schema.tables where lower(table_schema) = lower(?) and lower(table_name) = lower(?)${relation.catalog ? ' and lower(table_catalog) = lower(?)' : ' and table_catalog = current_database()'}`,
    [relation.schema, relation.table, ...(relation.catalog ? [relation.catalog] : [])], options,
  );
  if (!found[0]?.n) {
    throw new WeirError(`${describeExternal(definition)} does not exist in the warehouse (${sql} not found): load it first or fix database/schema/identifier`, {
      code: 'MISSING_INPUT',
      hint: definition.metadata?.dbt
        ? 'Weir reads sources, it does not build them: create the table before the build (its loader, an on-run-start hook), or correct database:, schema: or identifier: in its yml entry.'
        : "Create the table before the run, or correct the relation's schema and table.",
    });
  }
  const columns = (await session.query<{ column_name: string; column_type: string }>(`describe select * from ${sql}`, [], options))
    .map((c) => ({ name: c.column_name, type: c.column_type }));
  const [shape] = await session.query<{ n: unknown; h: unknown }>(`select count(*)::bigint as n, coalesce(sum(hash(t)::hugeint), 0)::varchar as h from ${sql} t`, [], options);
  const rowCount = Number(shape?.n ?? 0);
  const hash = hashText(sql, JSON.stringify(columns), String(rowCount), String(shape?.h ?? ''));
  return { assetKey: definition.key, path: sql, hash, bytes: 0, modifiedAt: Date.now(), rowCount, columns };
}

/**
 * The log line of an observation.
 *
 * @example
 * observationMessage({ assetKey: 'raw/orders', rowCount: 3, columns: [id, amount], … }) // 'Observed raw/orders: 3 rows, 2 columns'
 * observationMessage({ assetKey: 'erp', bytes: 2048, hash: '9c1e2f…', … })             // 'Observed erp: 2048 bytes, sha256 9c1e2f…'
 */
export function observationMessage(observation: ObservationData): string {
  if (observation.rowCount !== undefined) {
    const n = observation.columns?.length ?? 0;
    return `Observed ${observation.assetKey}: ${plural(observation.rowCount, 'row')}, ${plural(n, 'column')}`;
  }
  return `Observed ${observation.assetKey}: ${plural(observation.bytes, 'byte')}, sha256 ${observation.hash.slice(0, 12)}`;
}

export interface ExternalAudit {
  session: DuckDbSession;
  signal?: AbortSignal;
  /** Published relation of another asset, for relationships checks. */
  relationOfKey: (key: string) => string;
  onCheck: (evaluation: CheckEvaluationData) => Promise<void>;
}

/**
 * Runs an observed relation's checks on it in place (nothing is staged: Weir does not write sources) and returns
 * the blocking failures; each evaluation is reported through `onCheck` as it completes.
 *
 * @example
 * await auditExternalRelation(rawOrders, { session, relationOfKey, onCheck }) // [] when every error check passed
 */
export async function auditExternalRelation(definition: ExternalAssetDefinition, audit: ExternalAudit): Promise<CheckEvaluationData[]> {
  const failed: CheckEvaluationData[] = [];
  for (const spec of definition.checks ?? []) {
    if (audit.signal?.aborted) break;
    const evaluation = await evaluateCheck(spec, {
      assetKey: definition.key, runner: audit.session, relation: externalRelationSql(definition.relation!), resolveRelation: audit.relationOfKey,
    });
    if (evaluation.outcome === CheckOutcome.COULD_NOT_RUN && definition.location) {
      evaluation.message += ` Declared with ${describeExternal(definition)}.`;
    }
    await audit.onCheck(evaluation);
    if (evaluation.blocking) failed.push(evaluation);
  }
  return failed;
}
