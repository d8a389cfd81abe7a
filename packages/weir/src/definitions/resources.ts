/**
 * `defineResources()`: the things asset functions share and should not build themselves — API clients, database
 * pools, configuration objects — declared once in a definitions file and handed to every asset as `ctx.resources`,
 * as Dagster's resources are. A test (or `materialize()`) can pass others in their place.
 */
import { WeirError, type SourceLocation } from '../shared/errors.js';
import { callerLocation } from '../shared/source-location.js';
import { DEFINITION_BRAND } from './brand.js';

export interface ResourcesDefinition {
  readonly [DEFINITION_BRAND]: 'resources';
  readonly values: Readonly<Record<string, unknown>>;
  readonly location?: SourceLocation;
}

/**
 * @example
 * // definitions/resources.ts
 * export const shared = defineResources({ shop: new ShopApi(projectSettings().shop_url) });
 * // definitions/orders.ts
 * export const orders = asset({ key: 'orders' }, async (_, ctx) => (ctx.resources.shop as ShopApi).orders());
 */
export function defineResources(values: Record<string, unknown>): ResourcesDefinition {
  const location = callerLocation();
  if (!values || typeof values !== 'object' || Array.isArray(values)) {
    throw new WeirError('defineResources() takes an object of named resources', {
      code: 'BAD_RESOURCES', location, hint: 'Write defineResources({ name: value, … }).',
    });
  }
  return Object.freeze({ [DEFINITION_BRAND]: 'resources' as const, values: Object.freeze({ ...values }), location });
}
