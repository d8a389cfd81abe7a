/** `GET /api/project`: the project's name, settings (secret values masked) and counts. */
import { addRoute } from '../api-route.js';
import type { ApiContext } from '../api-context.js';
import { errorBodySchema, projectSchema, type ApiProject } from '../api-schemas.js';

/** Shown instead of a secret setting's value. */
export const SECRET_MASK = '***';

/**
 * @example
 * // GET /api/project
 * // {"name":"shop","settings":[{"name":"api_key","value":"***","secret":true,"source":"env"}, …], "version":3,
 * //  "loadedAt":1716200000000, "loadError":{"message":"definitions/orders.ts:3:7: …","file":"definitions/orders.ts","line":3,…},
 * //  "warnings":["weir.yaml: secret setting 'pin' has a value of only 4 characters: …"]}
 */
export function addProjectRoutes(api: ApiContext): void {
  addRoute(api.app, api.book, {
    method: 'get', path: '/api/project', tag: 'project', summary: 'The project: name, description, settings (secrets masked), counts, the state of its definitions (version, load error) and its warnings',
    responses: { 200: { description: 'The project', schema: projectSchema }, 401: { description: 'No valid token', schema: errorBodySchema } },
  }, ({ c }) => {
    const { definitions, graph, loadError, version, loadedAt } = api.snapshot();
    const { project } = definitions;
    const names = [...new Set([...Object.keys(project.settingSources), ...Object.keys(project.settings)])].sort();
    const body: ApiProject = {
      name: project.name,
      description: project.description ?? null,
      concurrency: project.concurrency,
      settings: names.map((name) => {
        const secret = project.secretSettings.includes(name);
        const value = project.settings[name];
        return { name, value: value === undefined ? null : secret ? SECRET_MASK : value, secret, source: project.settingSources[name] ?? 'default' };
      }),
      counts: {
        assets: definitions.assets.length,
        externals: definitions.externals.length,
        checks: definitions.assets.reduce((n, a) => n + a.checks.length, 0),
      },
      graphHash: graph.hash(),
      version: version ?? 1,
      loadedAt: loadedAt ?? api.startedAt,
      // Redacted like every answer (api.json): a loader message may quote a line holding a secret.
      loadError: loadError ?? null,
      warnings: project.warnings ?? [],
    };
    return api.json(c, body);
  });
}
