/**
 * dbt's state selectors against an earlier run's artefacts (`--state DIR`): `state:new`, `state:modified` (and its
 * `.body`, `.configs`, `.relation`, `.persisted_descriptions`), `result:<status>`. Each is rewritten into the nodes it
 * names, so the rest of the selection grammar (`+`, `,`, `--exclude`) applies unchanged: a CI job builds what changed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WeirError } from '../../shared/errors.js';
import { nodeJson } from './artifacts.js';
import type { DbtNode, DbtProject } from './types.js';

const STATE_METHODS = ['new', 'modified', 'modified.body', 'modified.configs', 'modified.relation', 'modified.persisted_descriptions', 'unmodified', 'old'] as const;
const TERM = /^(\d*\+)?(state|result):([A-Za-z_.]+)(\+\d*)?$/;

interface StateNode { checksum?: { checksum?: string }; config?: Record<string, unknown>; database?: string | null; schema?: string; alias?: string; description?: string }

/** Keys in order, so two configs that differ only in key order compare equal. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value ?? null);
}

function readJson(path: string, what: string): any {
  if (!existsSync(path)) {
    throw new WeirError(`--state: ${path} does not exist`, { code: 'DBT_STATE_MISSING', hint: `Point --state at the target/ folder of an earlier run (it must hold ${what}).` });
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new WeirError(`--state: ${path} is not valid JSON (${(error as Error).message})`, { code: 'DBT_STATE_INVALID', hint: 'Use the artefacts dbt or Weir wrote, unchanged.' });
  }
}

/**
 * Whether the node differs from the state's copy in the way `method` names.
 *
 * @example
 * nodeChanged(node, stateNode, 'modified.body') // true when the SQL file changed
 */
function nodeChanged(node: DbtNode, state: StateNode | undefined, method: string): boolean {
  if (method === 'new') return state === undefined;
  if (method === 'old' || method === 'unmodified') return state !== undefined && !nodeChanged(node, state, 'modified');
  if (state === undefined) return method === 'modified'; // dbt's state:modified includes new nodes
  const now = nodeJson(node) as StateNode;
  const body = (now.checksum?.checksum ?? '') !== (state.checksum?.checksum ?? '');
  const configs = stable(now.config) !== stable(state.config);
  const relation = (now.database ?? null) !== (state.database ?? null) || now.schema !== state.schema || now.alias !== state.alias;
  const descriptions = (now.description ?? '') !== (state.description ?? '');
  switch (method) {
    case 'modified.body': return body;
    case 'modified.configs': return configs;
    case 'modified.relation': return relation;
    case 'modified.persisted_descriptions': return descriptions;
    default: return body || configs || relation || descriptions;
  }
}

/**
 * Rewrites the state and result terms of a selection into the nodes they name (asset keys as `key:` terms with the
 * term's graph operators; tests by name). A term that names nothing is dropped and returned in `unmatched`.
 *
 * @example
 * expandStateTerms(['state:modified+', 'tag:nightly'], { project, stateDir: 'prod-target', keyOf })
 * // { terms: ['key:orders+', 'key:customers+', 'tag:nightly'], unmatched: [] }
 */
export function expandStateTerms(terms: readonly string[], options: { project: DbtProject; stateDir?: string; keyOf: ReadonlyMap<string, string> }): { terms: string[]; unmatched: string[] } {
  const out: string[] = [];
  const unmatched: string[] = [];
  let manifest: { nodes?: Record<string, StateNode> } | undefined;
  let results: Map<string, string> | undefined;
  for (const term of terms) {
    if (!/(^|[,+])(state|result):/.test(term)) { out.push(term); continue; }
    const match = TERM.exec(term);
    if (!match) {
      throw new WeirError(`selector '${term}': a state: or result: selector can take graph operators (+) but not be part of an intersection here`, { code: 'INVALID_SELECTOR', hint: 'Write it as its own term, e.g. -s state:modified+ tag:nightly.' });
    }
    const [, before = '', method, value, after = ''] = match;
    if (!options.stateDir) throw new WeirError(`selector '${term}' needs --state DIR (the target/ folder of the run to compare with)`, { code: 'DBT_STATE_MISSING', hint: 'e.g. weir dbt build -s state:modified+ --state prod-artifacts/' });
    let ids: string[];
    if (method === 'state') {
      if (!(STATE_METHODS as readonly string[]).includes(value!)) {
        throw new WeirError(`selector '${term}': state:${value} is not a state selector`, { code: 'INVALID_SELECTOR', hint: `Use one of: ${STATE_METHODS.map((m) => `state:${m}`).join(', ')}.` });
      }
      manifest ??= readJson(join(options.stateDir, 'manifest.json'), 'manifest.json');
      ids = [...options.project.nodes.values()].filter((n) => nodeChanged(n, manifest!.nodes?.[n.uniqueId], value!)).map((n) => n.uniqueId);
    } else {
      results ??= new Map((readJson(join(options.stateDir, 'run_results.json'), 'run_results.json').results ?? []).map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]));
      ids = [...options.project.nodes.keys()].filter((id) => results!.get(id) === value);
    }
    const expanded = ids.flatMap((id) => {
      const node = options.project.nodes.get(id)!;
      if (node.resourceType === 'test') return [node.name];
      const key = options.keyOf.get(id);
      return key ? [`${before}key:${key}${after}`] : [];
    });
    if (!expanded.length) unmatched.push(term);
    out.push(...expanded);
  }
  return { terms: out, unmatched };
}
