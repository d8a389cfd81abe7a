/** Everything a project defines, as one immutable value: what the graph is built from. */
import type { AssetDefinition } from './asset.js';
import type { ExternalAssetDefinition } from './external-asset.js';
import type { ProjectConfig } from './project.js';
import type { ScheduleDefinition } from './schedule.js';

export interface Definitions {
  project: ProjectConfig;
  assets: readonly AssetDefinition[];
  externals: readonly ExternalAssetDefinition[];
  /** From `defineResources()` in the definition files: what asset functions get as `ctx.resources`. */
  resources?: Readonly<Record<string, unknown>>;
  /** `schedule()` exports, weir.yaml's `schedules:` and the assets' `automation: { cron }`, by unique name. */
  schedules?: readonly ScheduleDefinition[];
}
