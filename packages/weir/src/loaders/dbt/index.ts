/** dbt projects as Weir data: load (parse), compile, build-statement generators and dbt's artefacts. */
export { loadDbtProject, type LoadDbtProjectOptions } from './load-dbt-project.js';
export { compileNode, compileProject, injectCtes, renderSnippet, testResultSql, type CompileOptions, type CompiledNode } from './compile.js';
export type { QueryResult } from './context.js';
export {
  tableSql, viewSql, type ExistingRelation, incrementalStageSql, incrementalApplySql, incrementalFirstBuildSql, incrementalStageRelation,
  nodeRelation, renderRelation, quoteIdent, type RelationParts, type IncrementalPlan, type Column,
} from './materializations.js';
export { readSeed, seedSql, parseCsv, type SeedTable, type SeedColumn, type SeedValue } from './seeds.js';
export { writeManifest, writeRunResults, writeCompiledFiles, writeRunFiles, writeRunFilesAsync, type DbtRunResult, type RunStatus } from './artifacts.js';
export { readTarget } from './profiles.js';
export type * from './types.js';
export { runUnitTest, unitTestChecks, type DbtUnitTest, type FixtureRows } from './unit-tests.js';
export { KIND_NOUN, VERBS_THAT_RUN, unsupportedMessage, type UnsupportedFeature, type UnsupportedKind } from './unsupported-features.js';
export { freshnessCriteria, freshnessSql, freshnessStatus, writeSourcesJson, type FreshnessResult, type FreshnessCriteria } from './source-freshness.js';
export { expandStateTerms } from './state-selection.js';
export { catalogJson, writeCatalog, type CatalogColumnRow } from './catalog.js';
