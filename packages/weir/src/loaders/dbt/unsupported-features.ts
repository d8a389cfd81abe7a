/**
 * What a dbt project declares that Weir does not run yet (unit tests). Nothing a
 * project declares may be skipped without a word: each is a load warning naming its file and line, and the verbs
 * that dbt would run it with exit non-zero, so CI is never green while a unit test is not run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DbtProjectFile } from './project-file.js';
import type { DbtNode } from './types.js';

export type UnsupportedKind = 'unit_test';

export interface UnsupportedFeature {
  kind: UnsupportedKind;
  name: string;
  /** Relative to the dbt project, as dbt prints paths. */
  file: string;
  line?: number;
  /** One line for the terminal, with the file relative to the dbt project: `snapshots/orders.sql:1: snapshot 'orders' is not built: …`. */
  message: string;
}

/**
 * The message with its file relative to another folder (the Weir project holding the dbt project in `dbtDir`).
 *
 * @example
 * unsupportedMessage(feature, 'dbt') // "dbt/models/schema.yml:12: unit test 'test_email' is not run: …"
 */
export function unsupportedMessage(feature: UnsupportedFeature, dbtDir: string): string {
  if (!dbtDir) return feature.message;
  return `${join(dbtDir, feature.file).split('\\').join('/')}${feature.message.slice(feature.file.length)}`;
}

/** The verbs that would run each kind (dbt's): there, skipping it fails the command. */
export const VERBS_THAT_RUN: Record<UnsupportedKind, readonly string[]> = {
  unit_test: ['build', 'test'],
};

const WHAT: Record<UnsupportedKind, string> = {
  unit_test: 'is not run: Weir does not run dbt unit tests yet',
};

const KIND_LABEL: Record<UnsupportedKind, string> = { unit_test: 'unit test' };

interface Inputs {
  packages: readonly DbtProjectFile[];
  /** dbt's yml keys Weir parses but does not run, as the loader collected them (`unused.snapshots`, `unused.unit_tests`). */
  unused: Record<string, Record<string, unknown>>;
  nodes: Iterable<DbtNode>;
  listFiles: (dir: string, extensions: string[]) => string[];
  display: (pkg: DbtProjectFile, rel: string) => string;
}

/**
 * @example
 * findUnsupportedFeatures({ packages, unused, nodes, listFiles, display })
 * // [{ kind: 'unit_test', name: 'test_is_valid_email', file: 'models/schema.yml', line: 12,
 * //    message: "models/schema.yml:12: unit test 'test_is_valid_email' is not run: Weir does not run dbt unit tests yet" }]
 */
export function findUnsupportedFeatures(inputs: Inputs): UnsupportedFeature[] {
  const found: UnsupportedFeature[] = [];
  const add = (kind: UnsupportedKind, name: string, file: string, line?: number) =>
    found.push({ kind, name, file, line, message: `${file}${line ? `:${line}` : ''}: ${KIND_LABEL[kind]} '${name}' ${WHAT[kind]}` });
  for (const [key, kind] of [['unit_tests', 'unit_test']] as const) {
    for (const item of Object.values(inputs.unused[key] ?? {}) as Array<Record<string, unknown>>) {
      const file = String(item.original_file_path ?? '');
      const name = String(item.name ?? '?');
      add(kind, name, file, lineOfName(inputs, item, name));
    }
  }
  return found;
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** The line of `name: <name>` in the yml file the item came from (paths are relative to the root project, packages[0]). */
function lineOfName(inputs: Inputs, item: Record<string, unknown>, name: string): number | undefined {
  const root = inputs.packages[0];
  if (!root || typeof item.original_file_path !== 'string') return undefined;
  try {
    const text = readFileSync(join(root.dir, item.original_file_path), 'utf8');
    const match = new RegExp(`name:\\s*['"]?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]?\\s*$`, 'm').exec(text);
    return match ? lineAt(text, match.index) : undefined;
  } catch {
    return undefined;
  }
}
