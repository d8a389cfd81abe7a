/** What compiling needs from loading, kept beside a parsed project (not part of its public data). */
import type { MacroRegistry } from './macro-registry.js';
import type { Template } from './jinja/template.js';
import type { DbtProject, DbtRefCall, DbtNode } from './types.js';
import type { JsRelation } from './jinja/values.js';

export interface ProjectInternals {
  registry: MacroRegistry;
  /** Parsed templates by node unique id. */
  templates: Map<string, Template>;
  varsFor(pkg: string): (name: string) => { found: boolean; value?: unknown };
  /** The node a ref() points at, or undefined. */
  resolveRef(call: DbtRefCall, fromPackage: string): DbtNode | undefined;
  relationOf(node: DbtNode): JsRelation;
  makeRelation(database: string | null, schema: string | null, identifier: string, type?: string | null): JsRelation;
  docs(name: string, pkg?: string): string | undefined;
  /** The relation of a Weir asset outside the project that `ref(name)` points at, if any. */
  externalRelation(name: string): JsRelation | undefined;
}

const internals = new WeakMap<DbtProject, ProjectInternals>();

export function setInternals(project: DbtProject, value: ProjectInternals): void {
  internals.set(project, value);
}

export function getInternals(project: DbtProject): ProjectInternals {
  const found = internals.get(project);
  if (!found) throw new Error('not a project made by loadDbtProject()');
  return found;
}
