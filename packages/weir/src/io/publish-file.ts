/** Write-audit-publish for files: stage next to the final path, then rename into place atomically. */
import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WeirError } from '../shared/errors.js';

/**
 * Moves the staged file onto the final path (creating the folder), replacing any previous version in
 * one step: readers see the old file or the new one, never half of one.
 *
 * @example
 * await publishFile('out/.revenue.xlsx.weir-stage-01jd3k5v', 'out/revenue.xlsx')
 */
export async function publishFile(staged: string, final: string): Promise<void> {
  try {
    await stat(staged);
  } catch (error) {
    throw new WeirError(`cannot publish ${final}: the staged file ${staged} does not exist`, {
      code: 'STAGING_FILE_MISSING',
      location: { file: final },
      hint: 'The previous file was left unchanged. For io format raw, the asset must write ctx.outputPath.',
      cause: error,
    });
  }
  await mkdir(dirname(final), { recursive: true });
  await rename(staged, final);
}
