/** All the schedules of a project (TypeScript, weir.yaml, assets' `automation: { cron }`), checked against its assets. */
import { relative } from 'node:path';
import { WeirError, WeirErrors, formatLocation } from '../../shared/errors.js';
import { assetSchedule, type ScheduleDefinition } from '../../definitions/schedule.js';
import type { AssetDefinition } from '../../definitions/asset.js';
import type { ExternalAssetDefinition } from '../../definitions/external-asset.js';
import type { ProjectConfig } from '../../definitions/project.js';
import { buildAssetGraph } from '../../graph/asset-graph.js';
import { selectAssets } from '../../graph/selection.js';

/**
 * The project's schedules by unique name; throws every problem at once: two schedules of one name, a selection that
 * matches no asset (with the selector's own "did you mean").
 *
 * @example
 * projectSchedules(project, assets, externals, [monthly]).map((s) => s.name) // ['monthly_report', 'asset:revenue']
 */
export function projectSchedules(
  project: ProjectConfig, assets: readonly AssetDefinition[], externals: readonly ExternalAssetDefinition[], fromTypescript: readonly ScheduleDefinition[],
): ScheduleDefinition[] {
  const fromAssets = assets.flatMap((a) => assetSchedule(a) ?? []);
  // The same schedule object exported twice (under two names, or re-exported) is one declaration.
  const all = [...new Set([...(project.schedules ?? []), ...fromTypescript, ...fromAssets])];
  if (!all.length) return [];
  const errors: WeirError[] = [];
  const shown = (s: ScheduleDefinition) => (s.location ? formatLocation({ ...s.location, file: relative(project.root, s.location.file) || s.location.file }) : s.origin);
  const byName = new Map<string, ScheduleDefinition>();
  for (const schedule of all) {
    const first = byName.get(schedule.name);
    if (first) {
      errors.push(new WeirError(`schedule '${schedule.name}' is declared twice: ${shown(first)} and ${shown(schedule)}`, {
        code: 'DUPLICATE_SCHEDULE', location: schedule.location, hint: 'Give each schedule its own name.',
      }));
    } else byName.set(schedule.name, schedule);
  }
  const graph = buildAssetGraph({ assets, externals });
  for (const schedule of byName.values()) {
    try {
      const selected = selectAssets(graph, { select: schedule.select, root: project.root });
      if (!selected.size) throw new WeirError('it selects no asset', { code: 'EMPTY_SELECTION' });
    } catch (error) {
      const problems = error instanceof WeirErrors ? error.errors : [error as WeirError];
      for (const problem of problems) {
        errors.push(new WeirError(`schedule '${schedule.name}': selection '${[schedule.select].flat().join(' ')}' matches no asset: ${(problem as WeirError).summary ?? String(problem)}`, {
          code: 'SCHEDULE_SELECTS_NOTHING', location: schedule.location,
          hint: (problem as WeirError).hint ?? 'Fix `select:` (the selection syntax of `weir run -s`); `weir assets` lists the assets.',
        }));
      }
    }
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new WeirErrors(errors);
  return [...byName.values()];
}
