/**
 * Definitions are recognised by a brand, not `instanceof`: a project may resolve its own copy of Weir, and a
 * Symbol.for() key is shared by every copy in the process.
 */
export const DEFINITION_BRAND = Symbol.for('weir.definition');

export type DefinitionKind = 'asset' | 'external' | 'check' | 'resources' | 'schedule';

export function brandOf(value: unknown): DefinitionKind | undefined {
  if (!value || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  return (value as { [DEFINITION_BRAND]?: DefinitionKind })[DEFINITION_BRAND];
}
