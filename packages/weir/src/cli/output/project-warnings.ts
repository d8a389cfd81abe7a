/** Prints a project's load warnings (a secret too short to mask) on stderr, each once per process. */
import type { ProjectConfig } from '../../definitions/project.js';
import { style } from './style.js';

// A command may load weir.yaml twice (to find a serving process, then the whole project): say each thing once.
const printed = new Set<string>();

/**
 * @example
 * printProjectWarnings(loadProjectConfig('.'))
 * // stderr: warning weir.yaml: secret setting 'api_key' has a value of only 5 characters: … Set API_KEY to …
 */
export function printProjectWarnings(project: Pick<ProjectConfig, 'warnings'>): void {
  for (const warning of project.warnings ?? []) {
    if (printed.has(warning)) continue;
    printed.add(warning);
    process.stderr.write(`${style.yellow('warning')} ${warning}\n`);
  }
}
