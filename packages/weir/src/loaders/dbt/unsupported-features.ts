/**
 * What a dbt project declares that Weir does not run yet (Python models). Nothing a project declares may be skipped
 * without a word: each is a load warning naming its file, and the verbs that dbt would run it with exit non-zero, so
 * CI is never green while a model was silently left out.
 */
import { join } from 'node:path';
import type { DbtProjectFile } from './project-file.js';

export type UnsupportedKind = 'python_model';

export interface UnsupportedFeature {
  kind: UnsupportedKind;
  name: string;
  /** Relative to the dbt project, as dbt prints paths. */
  file: string;
  line?: number;
  /** One line for the terminal, with the file relative to the dbt project: `models/forecast.py: Python model 'forecast' is not built: …`. */
  message: string;
}

/**
 * The message with its file relative to another folder (the Weir project holding the dbt project in `dbtDir`).
 *
 * @example
 * unsupportedMessage(feature, 'dbt') // "dbt/models/forecast.py: Python model 'forecast' is not built: …"
 */
export function unsupportedMessage(feature: UnsupportedFeature, dbtDir: string): string {
  if (!dbtDir) return feature.message;
  return `${join(dbtDir, feature.file).split('\\').join('/')}${feature.message.slice(feature.file.length)}`;
}

/** The verbs that would run each kind (dbt's): there, skipping it fails the command. */
export const VERBS_THAT_RUN: Record<UnsupportedKind, readonly string[]> = {
  python_model: ['build', 'run'],
};

/** How each kind is counted in the command's last line. */
export const KIND_NOUN: Record<UnsupportedKind, string> = { python_model: 'Python model' };

const WHAT: Record<UnsupportedKind, string> = {
  python_model: 'is not built: Weir runs SQL models only, so this model and what reads it are missing from the graph',
};

interface Inputs {
  packages: readonly DbtProjectFile[];
  listFiles: (dir: string, extensions: string[]) => string[];
  display: (pkg: DbtProjectFile, rel: string) => string;
}

/**
 * @example
 * findUnsupportedFeatures({ packages, listFiles, display })
 * // [{ kind: 'python_model', name: 'forecast', file: 'models/forecast.py',
 * //    message: "models/forecast.py: Python model 'forecast' is not built: Weir runs SQL models only, …" }]
 */
export function findUnsupportedFeatures(inputs: Inputs): UnsupportedFeature[] {
  const found: UnsupportedFeature[] = [];
  for (const pkg of inputs.packages) {
    for (const base of pkg.modelPaths) {
      for (const rel of inputs.listFiles(join(pkg.dir, base), ['.py'])) {
        const file = inputs.display(pkg, join(base, rel)).split('\\').join('/');
        const name = rel.split(/[\\/]/).pop()!.replace(/\.py$/, '');
        found.push({ kind: 'python_model', name, file, message: `${file}: ${KIND_NOUN.python_model} '${name}' ${WHAT.python_model}` });
      }
    }
  }
  return found;
}
