/**
 * The one selection syntax, dbt's node selection grammar, over the asset graph.
 *
 * Grammar (as in dbt's `--select` / `--exclude`):
 * - space-separated selectors are a union; several strings (`--select a --select b`) are a union too;
 * - comma-separated criteria are an intersection: `tag:daily,group:sales`;
 * - a criterion is `[@][n]+?[method:]value[+[n]]`: `+x` adds all ancestors, `x+` all descendants, `2+x` / `x+1`
 *   limit the generations, `@x` adds x's descendants and every ancestor of those (what a CI build of x needs);
 * - `*`, `?` and `[abc]` are wildcards in every value.
 *
 * Where Weir departs from dbt, and why:
 * - no method means `key:` (dbt guesses `path:` when the value has a `/`, but Weir keys contain `/` themselves);
 * - a selector that matches nothing is an error, not a warning, so typos are caught (`allowEmpty` turns it off);
 * - with no `select`, every node is selected, external assets included; otherwise only what matches
 *   (externals upstream of a selection come in only through graph operators such as `+x`).
 */
import { posix } from 'node:path';
import { WeirError, WeirErrors } from '../shared/errors.js';
import { closestNames, didYouMean } from '../shared/suggest.js';
import type { AssetKey } from '../definitions/asset-key.js';
import type { AssetGraph, AssetNode } from './asset-graph.js';

export const SELECTOR_METHODS = ['key', 'tag', 'group', 'kind', 'owner', 'path', 'origin', 'resource_type', 'source', 'config'] as const;
export type SelectorMethod = (typeof SELECTOR_METHODS)[number];

const ORIGINS = ['sql', 'typescript', 'yaml'];
// dbt's resource types name the nodes of a dbt project (`model`, `seed`, `source`); Weir's own nodes are `asset` or `external`.
const RESOURCE_TYPES = ['asset', 'external', 'model', 'seed', 'snapshot', 'source'];

/**
 * What a dbt project records on its nodes (`metadata.dbt`), read by `resource_type:`, `source:` and `config.*:`.
 * Models and seeds are assets; a source is an external asset with `sourceName` and `name`.
 */
interface DbtNodeMetadata { resourceType?: string; sources?: string[]; config?: Record<string, unknown>; sourceName?: string; name?: string }
const dbtMetadata = (node: AssetNode): DbtNodeMetadata | undefined =>
  (node.definition.metadata as { dbt?: DbtNodeMetadata } | undefined)?.dbt;
/** `raw.orders` for a dbt source node, else undefined. */
const dbtSourceName = (node: AssetNode): string | undefined => {
  const dbt = dbtMetadata(node);
  return dbt?.resourceType === 'source' && dbt.sourceName && dbt.name ? `${dbt.sourceName}.${dbt.name}` : undefined;
};

/** One criterion with its graph operators, e.g. `2+tag:nightly+`. Depths are absent when unlimited. */
export interface SelectorCriterion {
  readonly kind: 'criterion';
  /** As the user wrote it, for error messages. */
  readonly text: string;
  readonly method: SelectorMethod;
  readonly value: string;
  /** `+x`: add ancestors, within `parentsDepth` generations when set. */
  readonly parents: boolean;
  readonly parentsDepth?: number;
  /** `x+`: add descendants, within `childrenDepth` generations when set. */
  readonly children: boolean;
  readonly childrenDepth?: number;
  /** `@x`: add descendants and all their ancestors. */
  readonly childrensParents: boolean;
}

/** Criteria joined by commas: a node must match all of them. */
export interface SelectionIntersection {
  readonly kind: 'intersection';
  readonly criteria: readonly SelectorCriterion[];
}

/** Space-separated terms: a node matching any of them is selected. No terms means "everything". */
export interface SelectionAst {
  readonly kind: 'union';
  readonly terms: readonly SelectionIntersection[];
}

export interface SelectOptions {
  /** dbt `--select`: one string or several (their union). Empty or absent: every node. */
  select?: string | readonly string[];
  /** dbt `--exclude`: removed from the selection after it is computed. */
  exclude?: string | readonly string[];
  /** Allow a criterion that matches nothing instead of throwing (dbt's behaviour, which only warns). */
  allowEmpty?: boolean;
  /** Folder that relative `path:` values (and relative declaration files) are resolved against; default: the working directory. */
  root?: string;
}

// dbt's own criterion pattern (core/dbt/graph/selector_spec.py), with Weir's method names.
const CRITERION = /^(@)?(?:(\d*)\+)?(?:([A-Za-z_][\w.]*):)?(.*?)(?:\+(\d*))?$/;

function invalid(text: string, problem: string, hint: string): WeirError {
  return new WeirError(`selector '${text}' ${problem}`, { code: 'INVALID_SELECTOR', hint });
}

function parseCriterion(text: string): SelectorCriterion {
  const match = CRITERION.exec(text)!; // every group is optional: the pattern matches any string
  const [, at, parentsDepth, written = 'key', rawValue = '', childrenDepth] = match;
  // dbt's `config.materialized:table` is the config method with the key in the value: `config:materialized=table`.
  const method = written.startsWith('config.') ? 'config' : written;
  const value = written.startsWith('config.') ? `${written.slice('config.'.length)}=${rawValue}` : rawValue;
  const hasParents = parentsDepth !== undefined;
  if (!(SELECTOR_METHODS as readonly string[]).includes(method)) {
    const close = closestNames(method, SELECTOR_METHODS);
    throw new WeirError(`selector '${text}' uses unknown method '${method}'`, {
      code: 'UNKNOWN_SELECTOR_METHOD',
      hint: `${close.length ? `Did you mean '${close[0]}'? ` : ''}Methods: ${SELECTOR_METHODS.join(', ')} (no method means key).`,
    });
  }
  if (!value) throw invalid(text, 'has no value', `Write method:value, e.g. 'tag:nightly', or an asset key.`);
  if (at && hasParents) throw invalid(text, "combines '@' and a leading '+'", "'@x' already includes the ancestors it needs; use '@x' or '+x', not both.");
  if (method === 'origin' && !ORIGINS.includes(value)) throw invalid(text, `names unknown origin '${value}'`, `Origins: ${ORIGINS.join(', ')}.`);
  if (method === 'resource_type' && !RESOURCE_TYPES.includes(value)) throw invalid(text, `names unknown resource type '${value}'`, `Resource types: ${RESOURCE_TYPES.join(', ')}.`);
  return {
    kind: 'criterion', text, method: method as SelectorMethod, value,
    parents: hasParents, ...(parentsDepth ? { parentsDepth: Number(parentsDepth) } : {}),
    children: childrenDepth !== undefined, ...(childrenDepth ? { childrenDepth: Number(childrenDepth) } : {}),
    childrensParents: at !== undefined,
  };
}

/**
 * Parses dbt selection syntax. Several strings are joined as a union, like repeated `--select` flags.
 *
 * @example
 * parseSelection('+orders,tag:daily stg_*')
 * // { kind: 'union', terms: [
 * //   { kind: 'intersection', criteria: [{ method: 'key', value: 'orders', parents: true, … }, { method: 'tag', value: 'daily', … }] },
 * //   { kind: 'intersection', criteria: [{ method: 'key', value: 'stg_*', … }] } ] }
 *
 * @throws WeirError for an unknown method, a missing value, an empty comma part, or '@' with a leading '+'.
 */
export function parseSelection(text: string | readonly string[]): SelectionAst {
  const words = (typeof text === 'string' ? [text] : text).flatMap((t) => t.split(/\s+/)).filter(Boolean);
  const terms = words.map((word): SelectionIntersection => {
    const parts = word.split(',');
    if (parts.some((p) => !p)) throw invalid(word, 'has an empty part between commas', "Join criteria with single commas and no spaces, e.g. 'tag:daily,group:sales'.");
    return { kind: 'intersection', criteria: parts.map(parseCriterion) };
  });
  return { kind: 'union', terms };
}

/**
 * The keys a dbt-style selection picks out of the graph, in topological order.
 *
 * @example
 * // erp_export → orders → revenue, orders tagged 'daily'
 * selectAssets(graph, { select: '+revenue', exclude: 'resource_type:external' }) // Set { 'orders', 'revenue' }
 * selectAssets(graph, { select: 'tag:daily+' })                                 // Set { 'orders', 'revenue' }
 * selectAssets(graph, { select: 'ordrs' })
 * // throws WeirError: "selector 'ordrs' matches no asset. Did you mean 'orders'? (known: erp_export, orders, revenue)"
 */
export function selectAssets(graph: AssetGraph, options: SelectOptions = {}): Set<AssetKey> {
  const context = new SelectionContext(graph, options.root ?? process.cwd());
  const problems: WeirError[] = [];
  const select = parseSelection(options.select ?? []);
  const exclude = parseSelection(options.exclude ?? []);
  const selected = select.terms.length ? context.evaluate(select, '', problems) : new Set(graph.keys());
  const excluded = context.evaluate(exclude, 'exclude ', problems);
  if (problems.length && !options.allowEmpty) throw problems.length === 1 ? problems[0]! : new WeirErrors(problems);
  return new Set(graph.topologicalOrder().filter((key) => selected.has(key) && !excluded.has(key)));
}

class SelectionContext {
  constructor(private readonly graph: AssetGraph, private readonly root: string) {}

  evaluate(ast: SelectionAst, label: string, problems: WeirError[]): Set<AssetKey> {
    const result = new Set<AssetKey>();
    for (const term of ast.terms) {
      let common: Set<AssetKey> | undefined;
      for (const criterion of term.criteria) {
        const matched = this.criterion(criterion, label, problems);
        common = common ? new Set([...common].filter((k) => matched.has(k))) : matched;
      }
      for (const key of common ?? []) result.add(key);
    }
    return result;
  }

  private criterion(criterion: SelectorCriterion, label: string, problems: WeirError[]): Set<AssetKey> {
    const matches = this.matcher(criterion);
    const base = new Set(this.graph.keys().filter((key) => matches(this.graph.get(key)!)));
    if (!base.size) {
      const known = this.knownValues(criterion.method);
      problems.push(new WeirError(`${label}selector '${criterion.text}' matches no asset`, {
        code: 'EMPTY_SELECTOR',
        hint: known.length ? didYouMean(criterion.value, known) : `No asset has a ${criterion.method.replace('_', ' ')}.`,
      }));
    }
    const result = new Set(base);
    if (criterion.parents) for (const k of this.expand(base, 'upstream', criterion.parentsDepth)) result.add(k);
    if (criterion.children) for (const k of this.expand(base, 'downstream', criterion.childrenDepth)) result.add(k);
    if (criterion.childrensParents) {
      const family = new Set([...base, ...this.expand(base, 'downstream')]);
      for (const k of [...family, ...this.expand(family, 'upstream')]) result.add(k);
    }
    return result;
  }

  /** Multi-source breadth-first walk: a node is within `depth` if it is that close to any seed. */
  private expand(seeds: Set<AssetKey>, direction: 'upstream' | 'downstream', depth?: number): Set<AssetKey> {
    const found = new Set<AssetKey>();
    let frontier = [...seeds];
    for (let generation = 0; frontier.length && (depth === undefined || generation < depth); generation++) {
      const next: AssetKey[] = [];
      for (const key of frontier) {
        for (const neighbour of this.graph.get(key)![direction]) {
          if (found.has(neighbour) || seeds.has(neighbour)) continue;
          found.add(neighbour);
          next.push(neighbour);
        }
      }
      frontier = next;
    }
    return found;
  }

  private matcher({ method, value }: SelectorCriterion): (node: AssetNode) => boolean {
    switch (method) {
      case 'key': {
        // dbt's fqn method: exact name, a leading part of the path selects everything under it
        // (`sales` selects `sales/orders`), and wildcards span `/` as fnmatch spans dbt's `.`.
        if (hasWildcard(value)) {
          const pattern = globToRegExp(value, false);
          return (node) => pattern.test(node.key);
        }
        return (node) => node.key === value || node.key.startsWith(`${value}/`);
      }
      case 'tag': return anyOf(value, (node) => node.definition.tags);
      case 'owner': return anyOf(value, (node) => node.definition.owners);
      case 'kind': return anyOf(value, (node) => node.definition.kinds);
      case 'group': return anyOf(value, (node) => [node.definition.group]);
      // External files have no origin: they are declared, not built from TypeScript, SQL or YAML. dbt sources are
      // declared by the dbt project: origin 'sql', so `weir dbt …` (scoped to origin:sql) selects them.
      case 'origin': return (node) => node.definition.origin === value;
      case 'resource_type': return (node) => node.kind === value || dbtMetadata(node)?.resourceType === value;
      // dbt's source:name / source:name.table: the source nodes (observed, with their tests as checks); `source:raw+`
      // adds what reads them, as in dbt.
      case 'source': {
        const pattern = globToRegExp(value.includes('.') ? value : `${value}.*`, false);
        return (node) => {
          const name = dbtSourceName(node);
          return name !== undefined && pattern.test(name);
        };
      }
      case 'config': {
        const [key = '', wanted = ''] = value.split('=');
        const pattern = globToRegExp(wanted, false);
        return (node) => {
          const configured = dbtMetadata(node)?.config?.[key];
          return configured !== undefined && [configured].flat().some((v) => pattern.test(String(v)));
        };
      }
      case 'path': {
        const matches = pathMatcher(value, this.root);
        return (node) => !!node.definition.location && matches(this.absolute(node.definition.location.file));
      }
    }
  }

  private knownValues(method: SelectorMethod): string[] {
    const values = new Set<string>();
    for (const node of this.graph.nodes.values()) {
      const d = node.definition;
      const add = (list: readonly string[]) => list.forEach((v) => values.add(v));
      if (method === 'key') add([node.key]);
      else if (method === 'tag') add(d.tags);
      else if (method === 'owner') add(d.owners);
      else if (method === 'kind') add(d.kinds);
      else if (method === 'group') add([d.group]);
      else if (method === 'origin' && node.definition.origin) add([node.definition.origin]);
      else if (method === 'resource_type') add([node.kind, ...(dbtMetadata(node)?.resourceType ? [dbtMetadata(node)!.resourceType!] : [])]);
      else if (method === 'source' && dbtSourceName(node)) add([dbtSourceName(node)!, dbtSourceName(node)!.split('.')[0]!]);
      else if (method === 'config') for (const [k, v] of Object.entries(dbtMetadata(node)?.config ?? {})) add([`${k}=${String(v)}`]);
      else if (method === 'path' && d.location) {
        // The file and its folders under the root: `path:model/staging` should suggest `models/staging`.
        for (let p = posix.relative(toPosix(this.root), this.absolute(d.location.file)); p !== '.' && !p.startsWith('..'); p = posix.dirname(p)) add([p]);
      }
    }
    return [...values];
  }

  private absolute(file: string): string {
    const path = toPosix(file);
    return isAbsolute(path) ? posix.normalize(path) : posix.join(toPosix(this.root), path);
  }
}

function anyOf(value: string, values: (node: AssetNode) => readonly string[]): (node: AssetNode) => boolean {
  if (!hasWildcard(value)) return (node) => values(node).includes(value);
  const pattern = globToRegExp(value, false);
  return (node) => values(node).some((v) => pattern.test(v));
}

function toPosix(path: string): string {
  return path.replaceAll('\\', '/');
}

function isAbsolute(path: string): boolean {
  return /^(?:[A-Za-z]:)?\//.test(path);
}

function hasWildcard(value: string): boolean {
  return /[*?[]/.test(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A glob as a regular expression. For names, `*` spans anything (fnmatch); for paths, `*` and `?` stay within
 * one folder and `**` spans folders (pathlib glob, which dbt's `path:` method uses).
 */
function globToRegExp(glob: string, isPath: boolean): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && isPath && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += isPath ? '[^/]*' : '.*';
    else if (c === '?') source += isPath ? '[^/]' : '.';
    else if (c === '[' && glob.indexOf(']', i + 2) > 0) {
      const end = glob.indexOf(']', i + 2);
      const body = glob.slice(i + 1, end);
      const negated = body.startsWith('!');
      source += `[${negated ? '^' : ''}${(negated ? body.slice(1) : body).replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`);
}

/** dbt's `path:`: the declaration file is the path, or lies under it; with a glob, the file or one of its folders matches. */
function pathMatcher(value: string, root: string): (file: string) => boolean {
  const base = posix.normalize(toPosix(root)).replace(/\/+$/, '');
  const wanted = toPosix(value).replace(/(.)\/+$/, '$1');
  const absolute = isAbsolute(wanted) ? posix.normalize(wanted) : posix.join(base, wanted);
  if (!hasWildcard(wanted)) return (file) => file === absolute || file.startsWith(`${absolute}/`);
  // The root is literal text even if it holds glob characters; only what the user wrote is a pattern.
  const pattern = !isAbsolute(wanted) && absolute.startsWith(`${base}/`)
    ? new RegExp(`^${escapeRegExp(base)}/${globToRegExp(absolute.slice(base.length + 1), true).source.slice(1)}`)
    : globToRegExp(absolute, true);
  return (file) => {
    for (let path = file; ; path = posix.dirname(path)) {
      if (pattern.test(path)) return true;
      if (path === posix.dirname(path)) return false;
    }
  };
}
