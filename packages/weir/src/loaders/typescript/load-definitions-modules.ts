/** Imports compiled definition modules and collects the asset and external definitions they export. */
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { WeirError, isWeirError, type SourceLocation } from '../../shared/errors.js';
import { brandOf } from '../../definitions/brand.js';
import type { AssetDefinition } from '../../definitions/asset.js';
import type { ExternalAssetDefinition } from '../../definitions/external-asset.js';
import type { ResourcesDefinition } from '../../definitions/resources.js';
import type { ScheduleDefinition } from '../../definitions/schedule.js';

export interface CollectedDefinitions {
  assets: AssetDefinition[];
  externals: ExternalAssetDefinition[];
  resources: ResourcesDefinition[];
  schedules: ScheduleDefinition[];
}

function collect(value: unknown, into: CollectedDefinitions, seen: Set<unknown>, depth = 0): void {
  if (seen.has(value) || depth > 2) return;
  const brand = brandOf(value);
  if (brand === 'asset') {
    seen.add(value);
    into.assets.push(value as AssetDefinition);
  } else if (brand === 'external') {
    seen.add(value);
    into.externals.push(value as ExternalAssetDefinition);
  } else if (brand === 'resources') {
    seen.add(value);
    into.resources.push(value as ResourcesDefinition);
  } else if (brand === 'schedule') {
    seen.add(value);
    into.schedules.push(value as ScheduleDefinition);
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, into, seen, depth + 1);
  } else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    // `export default { assets: [...] }` and similar plain containers.
    for (const item of Object.values(value)) collect(item, into, seen, depth + 1);
  }
}

/** The first stack frame inside one of the user's files, for errors thrown while a module loads. */
export function userFrame(error: unknown, userFiles: string[]): SourceLocation | undefined {
  const stack = (error as Error)?.stack ?? '';
  for (const line of stack.split('\n')) {
    const match = /\(?((?:file:\/\/)?\/[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!match) continue;
    const file = decodeURIComponent(match[1]!.replace(/^file:\/\//, ''));
    if (userFiles.includes(file)) return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

export async function loadDefinitionModules(modules: string[], sourceFiles: string[]): Promise<CollectedDefinitions> {
  const collected: CollectedDefinitions = { assets: [], externals: [], resources: [], schedules: [] };
  const seen = new Set<unknown>();
  for (const [index, modulePath] of modules.entries()) {
    let exports: Record<string, unknown>;
    try {
      // `?v=<mtime>`: a recompiled module has a new URL, so a process that loads the project again (`weir dev`
      // reloading on change) gets the new code; Node caches ES modules by URL for the life of the process.
      exports = (await import(`${pathToFileURL(modulePath).href}?v=${statSync(modulePath).mtimeMs}`)) as Record<string, unknown>;
    } catch (error) {
      if (isWeirError(error)) throw error;
      const location = userFrame(error, sourceFiles) ?? { file: sourceFiles[index] ?? modulePath };
      throw new WeirError(`loading definitions failed: ${(error as Error)?.message ?? String(error)}`, {
        code: 'DEFINITIONS_LOAD', location, cause: error,
        hint: 'Fix the code at that line; definitions run when the project loads, so they should only declare assets.',
      });
    }
    for (const value of Object.values(exports)) collect(value, collected, seen);
  }
  return collected;
}
