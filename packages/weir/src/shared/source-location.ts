/** Finds where a user called a Weir constructor, so validation errors can point at the declaration. */
import type { SourceLocation } from './errors.js';

/** A path inside Weir itself, whichever way it runs: sources, dist/ or the CLI bundle, in the repository or installed. */
export const WEIR_OWN_FILE = /[\\/](packages[\\/]weir|node_modules[\\/]weir)[\\/](src|dist|bundle)[\\/]/;

// Frames from Weir's own files are skipped: the first other frame is the user's declaration.
const OWN_FRAME = new RegExp(`${WEIR_OWN_FILE.source}|node:internal|node_modules[\\\\/]tsx[\\\\/]`);

/**
 * The file, line and column of the first stack frame outside Weir itself.
 * Source maps are honoured when enabled (`process.setSourceMapsEnabled(true)`), so a compiled
 * definitions file still reports the user's `.ts` file and line.
 */
export function callerLocation(): SourceLocation | undefined {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!match) continue;
    const file = match[1]!.replace(/^file:\/\//, '');
    if (OWN_FRAME.test(file)) continue;
    return { file: decodeURIComponent(file), line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}
