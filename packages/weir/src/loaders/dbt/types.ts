/** The parsed dbt project as data: nodes, sources, macros, docs — what the engine maps to assets and checks. */
import type { UnsupportedFeature } from './unsupported-features.js';
import type { DbtUnitTest } from './unit-tests.js';
import type { SourceLocation } from '../../shared/errors.js';

export type DbtResourceType = 'model' | 'seed' | 'test' | 'source' | 'macro' | 'doc' | 'operation';
export type Materialization = 'table' | 'view' | 'ephemeral' | 'incremental' | (string & {});
export type IncrementalStrategy = 'append' | 'delete+insert' | 'merge' | (string & {});
export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';

/** A node's resolved config (dbt_project.yml folders < yml `config:` < `{{ config() }}` in the file). */
export interface DbtNodeConfig {
  enabled: boolean;
  materialized: Materialization;
  schema?: string | null;
  database?: string | null;
  alias?: string | null;
  tags: string[];
  meta: Record<string, unknown>;
  unique_key?: string | string[] | null;
  incremental_strategy?: IncrementalStrategy | null;
  on_schema_change?: OnSchemaChange | null;
  full_refresh?: boolean | null;
  pre_hook: DbtHook[];
  post_hook: DbtHook[];
  column_types?: Record<string, string>;
  quote_columns?: boolean | null;
  delimiter?: string;
  severity?: 'ERROR' | 'WARN' | string;
  where?: string | null;
  limit?: number | null;
  warn_if?: string;
  error_if?: string;
  fail_calc?: string;
  store_failures?: boolean | null;
  store_failures_as?: string | null;
  /** Every other key the user set, kept as written. */
  [key: string]: unknown;
}

export interface DbtHook { sql: string; transaction: boolean; index?: number }

export interface DbtColumn {
  name: string;
  description: string;
  data_type?: string | null;
  meta: Record<string, unknown>;
  tags: string[];
  quote?: boolean | null;
  constraints: unknown[];
}

/** A `ref()` call as written. */
export interface DbtRefCall { name: string; package?: string; version?: string | number; location?: SourceLocation }

interface DbtNodeBase {
  /** e.g. `model.jaffle.orders`, `test.jaffle.not_null_orders_id.2f1a3b4c5d`. */
  uniqueId: string;
  resourceType: 'model' | 'seed' | 'snapshot' | 'test';
  name: string;
  packageName: string;
  /** Path under the resource folder, e.g. `staging/stg_orders.sql`. */
  path: string;
  /** Path from the project root, e.g. `models/staging/stg_orders.sql`. */
  originalFilePath: string;
  /** Absolute path of the file. */
  absolutePath: string;
  fqn: string[];
  rawCode: string;
  description: string;
  columns: Record<string, DbtColumn>;
  config: DbtNodeConfig;
  tags: string[];
  meta: Record<string, unknown>;
  database: string | null;
  schema: string;
  alias: string;
  /** The quoted relation, e.g. `"dev"."main"."orders"`; null for ephemeral models and tests. */
  relationName: string | null;
  refs: DbtRefCall[];
  sources: Array<[string, string]>;
  dependsOn: { nodes: string[]; macros: string[] };
  /** Names of Weir (TypeScript) assets this node refs, outside the dbt project. */
  externalRefs?: string[];
  /** The file (and line) to point at in errors. */
  location: SourceLocation;
  checksum: string;
  patchPath?: string;
  docsBlocks?: string[];
  unrenderedConfig: Record<string, unknown>;
}

export interface DbtModelNode extends DbtNodeBase {
  resourceType: 'model';
  version?: string | number;
  latestVersion?: string | number;
}

export interface DbtSeedNode extends DbtNodeBase {
  resourceType: 'seed';
}

/** A snapshot: a select whose rows are kept as type-2 history (dbt_valid_from / dbt_valid_to) in a table. */
export interface DbtSnapshotNode extends DbtNodeBase {
  resourceType: 'snapshot';
}

export interface DbtTestMetadata { name: string; namespace: string | null; kwargs: Record<string, unknown> }

export interface DbtTestNode extends DbtNodeBase {
  resourceType: 'test';
  /** Generic tests have metadata; singular tests (tests/*.sql) do not. */
  testMetadata?: DbtTestMetadata;
  columnName?: string | null;
  /** The model/seed/source the test is attached to. */
  attachedNode?: string | null;
  fileKeyName?: string;
}

export type DbtNode = DbtModelNode | DbtSeedNode | DbtSnapshotNode | DbtTestNode;

export interface DbtSource {
  uniqueId: string;
  resourceType: 'source';
  name: string;
  sourceName: string;
  packageName: string;
  identifier: string;
  database: string | null;
  schema: string;
  relationName: string;
  description: string;
  sourceDescription: string;
  columns: Record<string, DbtColumn>;
  loader: string;
  meta: Record<string, unknown>;
  tags: string[];
  config: { enabled: boolean; [key: string]: unknown };
  freshness?: unknown;
  loadedAtField?: string | null;
  fqn: string[];
  path: string;
  originalFilePath: string;
  location: SourceLocation;
}

export interface DbtMacro {
  uniqueId: string;
  name: string;
  packageName: string;
  originalFilePath: string;
  path: string;
  absolutePath: string;
  /** The macro's source text, `{% macro … %}…{% endmacro %}`. */
  macroSql: string;
  description: string;
  /** The parsed macro statement. */
  node: unknown;
  line: number;
}

export interface DbtDoc {
  uniqueId: string;
  name: string;
  packageName: string;
  path: string;
  originalFilePath: string;
  blockContents: string;
}

/** A target from profiles.yml, with the keys dbt-duckdb reads. */
export interface DbtTarget {
  name: string;
  type: string;
  profileName: string;
  schema: string;
  database: string;
  /** The DuckDB file (':memory:' for none), as written in profiles.yml. */
  path: string;
  threads: number;
  /** Every key as written, `env_var()` rendered. */
  raw: Record<string, unknown>;
}

/** A local package from packages.yml. */
export interface DbtPackage { name: string; dir: string }

export interface DbtProject {
  name: string;
  dir: string;
  profileName: string;
  target: DbtTarget;
  vars: Record<string, unknown>;
  /** Root project + local packages, root first. */
  packages: DbtPackage[];
  nodes: Map<string, DbtNode>;
  sources: Map<string, DbtSource>;
  macros: Map<string, DbtMacro>;
  docs: Map<string, DbtDoc>;
  onRunStart: string[];
  onRunEnd: string[];
  /** Keys dbt knows and Weir keeps but does not use yet: unit_tests, semantic_models, metrics, saved_queries, exposures, groups. */
  unused: Record<string, Record<string, unknown>>;
  /** Snapshots, unit tests and enforced contracts the project declares and Weir does not run yet: each is said loudly. */
  unsupported: UnsupportedFeature[];
  /** `unit_tests:` of the yml files, resolved to the models they test. */
  unitTests: DbtUnitTest[];
  /** Nodes switched off with `enabled: false` (models): the manifest lists them under `disabled`. */
  disabled: Map<string, DbtNode>;
  /** dispatch search orders from dbt_project.yml (`dispatch:`). */
  dispatch: Record<string, string[]>;
  /** Quoting config, flags etc. from dbt_project.yml as written. */
  projectConfig: Record<string, unknown>;
  /** Files and lines of things skipped (not yet supported), for warnings. */
  warnings: string[];
}
