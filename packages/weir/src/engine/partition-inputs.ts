/** What a partitioned asset's function receives for an input: the upstream partitions its mapping names, no more. */
import type { AssetDefinition, AssetInput } from '../definitions/asset.js';
import type { ExternalAssetDefinition } from '../definitions/external-asset.js';
import type { ProjectConfig } from '../definitions/project.js';
import { upstreamPartitions } from '../definitions/partition-mapping.js';
import { interpolatePartition } from '../definitions/partition-template.js';
import type { PartitionContext, PartitionsDefinition } from '../definitions/partitions.js';
import { qualified, quoteIdent } from '../connectors/duckdb/quote-identifier.js';
import { filePathOf, inputValueOf } from './published-location.js';
import { WeirError } from '../shared/errors.js';

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The value of one input: a partitioned table becomes a subquery over the mapped partitions (all of them: the
 * table itself), a partitioned file the mapped partition's path (several or all: a glob over the partition part).
 * An unpartitioned upstream is passed as always.
 *
 * @example
 * partitionInputValue(project, { name: 'prev', key: 'revenue', partitions: { kind: 'offset', from: -1, to: -1 } }, revenue, { key: '2025-03' }, revenue, nowMs)
 * // '(select * from "main"."revenue" where "weir_partition" in (\'2025-02\'))'
 */
export function partitionInputValue(
  project: ProjectConfig,
  input: AssetInput,
  downstream: AssetDefinition,
  partition: PartitionContext | undefined,
  upstream: AssetDefinition | ExternalAssetDefinition,
  nowMs: number,
): string {
  const upstreamPartitionsDef: PartitionsDefinition | undefined = 'io' in upstream ? upstream.partitions : undefined;
  if (!upstreamPartitionsDef || !('io' in upstream)) return inputValueOf(project, upstream);
  const mapped = upstreamPartitions(input.partitions, downstream.partitions, partition?.key, upstreamPartitionsDef, nowMs);
  const where = `asset '${downstream.key}', input '${input.name}'`;
  if (upstream.io.kind === 'table') {
    const table = qualified(upstream.io.schema, upstream.io.name);
    if (mapped.kind !== 'keys') return table;
    const keys = mapped.keys.length ? mapped.keys.map(sqlString).join(', ') : 'null';
    return `(select * from ${table} where ${quoteIdent(upstream.partitionColumn)} in (${keys}))`;
  }
  if (mapped.kind === 'keys' && mapped.keys.length === 1) {
    const context = upstreamPartitionsDef.context(mapped.keys[0]!, nowMs);
    return filePathOf(project, interpolatePartition(upstream.io.path, context, where), where);
  }
  if (mapped.kind === 'keys') {
    // A path names one file, or every partition's by a glob: a glob here would silently read partitions the mapping
    // excludes (the first month's "previous month" would be every month), so say what cannot be expressed.
    const what = mapped.keys.length === 0
      ? `no partition of '${upstream.key}' (${partition?.key ?? 'this partition'} has none before it)`
      : `${mapped.keys.length} partitions of '${upstream.key}' (${mapped.keys[0]} … ${mapped.keys.at(-1)})`;
    throw new WeirError(`${where}: the mapping gives ${what}, and a file input is one partition's path or all of them`, {
      code: 'PARTITION_INPUT_UNSUPPORTED', location: downstream.location,
      hint: `Make '${upstream.key}' a table asset (then the input reads exactly the mapped partitions, none for the first), or read it with partitions: 'all' and filter.`,
    });
  }
  // Every partition's files: DuckDB's read_* functions take a glob.
  return filePathOf(project, upstream.io.path.replace(/\$\{\s*partition\.[A-Za-z0-9_.]+\s*\}|\{\{\s*partition\.[A-Za-z0-9_.]+\s*\}\}/g, '*'), where);
}
