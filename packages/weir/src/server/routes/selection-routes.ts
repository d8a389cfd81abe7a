/** `GET /api/selection`: a selection resolved by the server's parser, so the UI never restates the grammar. */
import { selectAssets } from '../../graph/selection.js';
import { isWeirError, WeirErrors, type WeirError } from '../../shared/errors.js';
import { ApiError } from '../api-error.js';
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import { errorBodySchema, selectionQuerySchema, selectionSchema, type Selection } from '../api-schemas.js';

/**
 * @example
 * // GET /api/selection?select=tag:daily+
 * // 200 {"keys":["orders","quality","report"],"unmatched":[]}
 * // GET /api/selection?select=ordrs%20report
 * // 200 {"keys":["report"],"unmatched":[{"selector":"ordrs","message":"selector 'ordrs' matches no asset. Did you mean 'orders'? …"}]}
 * // GET /api/selection?select=colour:red
 * // 400 {"error":{"code":"INVALID_SELECTION","message":"selector 'colour:red' uses unknown method 'colour'. Methods: key, tag, …"}}
 */
export function addSelectionRoutes(api: ApiContext): void {
  addRoute(api.app, api.book, {
    method: 'get', path: '/api/selection', tag: 'assets',
    summary: "The asset keys a selection picks (dbt syntax, as `weir run --select/--exclude` takes it), and the selectors that match nothing",
    query: selectionQuerySchema,
    responses: {
      200: { description: 'The keys, upstream before downstream', schema: selectionSchema },
      400: { description: 'The selection does not parse (unknown method, empty value…)', schema: errorBodySchema },
    },
  }, ({ c, query }) => {
    const { definitions, graph } = api.snapshot();
    const options = { select: query.select ?? '', exclude: query.exclude ?? '', root: definitions.project.root };
    let unmatched: Selection['unmatched'] = [];
    try {
      selectAssets(graph, options);
    } catch (error) {
      const problems = error instanceof WeirErrors ? error.errors : isWeirError(error) ? [error] : undefined;
      if (!problems) throw error;
      // Parse errors come alone; a selector that matches nothing still leaves the others' keys to show.
      if (!problems.every((p) => p.code === 'EMPTY_SELECTOR')) throw new ApiError(400, 'INVALID_SELECTION', error instanceof Error ? error.message : String(error));
      unmatched = problems.map((p: WeirError) => ({ selector: /selector '([^']*)'/.exec(p.summary)?.[1] ?? p.summary, message: p.message }));
    }
    const body: Selection = { keys: [...selectAssets(graph, { ...options, allowEmpty: true })], unmatched };
    return api.json(c, body);
  });
}
