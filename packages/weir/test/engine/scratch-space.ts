/** Temporary folders and materialized results for an engine test file, removed and closed after its tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { MaterializeResult } from '../../src/testing/index.js';

/**
 * Registers the clean-up once per test file; push results to `open` so they are closed.
 *
 * @example
 * const { open, tempDir } = scratchSpace('weir-engine-');
 * const r = await materialize([...], { projectDir: tempDir() }); open.push(r);
 */
export function scratchSpace(prefix: string): { open: MaterializeResult[]; tempDir: () => string } {
  const open: MaterializeResult[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const r of open) await r.close().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return {
    open,
    tempDir() {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
  };
}
