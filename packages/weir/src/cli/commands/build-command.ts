/**
 * `weir run` / `weir build`: a project with dbt in it builds the dbt way (dbt-command.ts), any other runs its assets
 * (run-command.ts). Decided from weir.yaml / dbt_project.yml alone, so a TypeScript project never loads the dbt code.
 */
import { loadProjectConfig } from '../../loaders/index.js';
import type { DbtCommandOptions } from './dbt-command.js';

export async function buildCommand(options: DbtCommandOptions & { partition?: string }): Promise<number> {
  const { partition, ...dbtOptions } = options;
  if (loadProjectConfig(options.project).dbt) return (await import('./dbt-command.js')).dbtCommand(dbtOptions);
  const { runCommand } = await import('./run-command.js');
  return runCommand({
    project: options.project, select: options.select, exclude: options.exclude, concurrency: options.concurrency ?? options.threads, skipUnchanged: options.skipUnchanged, json: options.json,
    ...(partition !== undefined ? { partition } : {}),
  });
}
