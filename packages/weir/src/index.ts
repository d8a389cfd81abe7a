/**
 * Weir's public API for definition files:
 * `import { asset, externalFile, load, rowCount, notNull, unique, value } from 'weir'`.
 */
export { asset, type AssetDefinition, type AssetOptions, type AssetRef } from './definitions/asset.js';
export { externalFile, type ExternalAssetDefinition } from './definitions/external-asset.js';
export { defineResources, type ResourcesDefinition } from './definitions/resources.js';
export { load, type AssetContext, type AssetResult, type Loadable, type Logger, type QueryRunner } from './definitions/asset-context.js';
export {
  acceptedValues, check, noRows, notNull, relationships, rowCount, unique, value, zScoreOutliers,
  type CheckSpec, type Severity, type CustomCheckContext, type CustomCheckOutcome,
} from './definitions/check.js';
export { projectRoot, projectSettings } from './definitions/loading-project.js';
export {
  timePartitions, staticPartitions, multiPartitions,
  type PartitionsDefinition, type TimePartitionsDefinition, type StaticPartitionsDefinition, type MultiPartitionsDefinition,
  type TimePartitionsOptions, type PartitionContext, type PartitionWindow, type TimeUnit,
} from './definitions/partitions.js';
export type { PartitionMappingOption } from './definitions/partition-mapping.js';
export { WeirError } from './shared/errors.js';
