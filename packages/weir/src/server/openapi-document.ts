/** The OpenAPI 3.1 document, generated from the routes' own zod schemas (api-schemas.ts), never written by hand. */
import { z } from 'zod';
import type { RouteBook, RouteSpec } from './api-route.js';
import { apiSchemas, errorBodySchema } from './api-schemas.js';

type JsonSchema = Record<string, unknown>;

/**
 * @example
 * const doc = openApiDocument(book, { title: 'Weir API: shop', version: '0.1.0' });
 * doc.paths['/api/runs/{id}'].get.responses['200'].content['application/json'].schema
 * // { $ref: '#/components/schemas/RunDetail' }
 */
export function openApiDocument(book: RouteBook, info: { title: string; version: string; description?: string }): JsonSchema {
  const components = z.toJSONSchema(apiSchemas, { uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' }).schemas;
  for (const schema of Object.values(components)) {
    delete schema.$schema;
    delete schema.$id;
  }
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of book) (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Only when the server has an access token (WEIR_TOKEN).' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'weir_token', description: 'Set by /api/session; what the browser and EventSource use.' },
      },
    },
    security: [{}, { bearer: [] }, { cookie: [] }],
    paths,
  };
}

/** `/api/assets/:key{.+}` → `/api/assets/{key}` */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]\w*)(\{[^}]*\})?/g, '{$1}');
}

function operation(route: RouteSpec): JsonSchema {
  const parameters = [
    ...parametersOf(route.params, 'path'),
    ...parametersOf(route.query, 'query'),
    ...(route.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } })),
  ];
  const responses: Record<string, JsonSchema> = Object.fromEntries(Object.entries(route.responses).map(([status, response]) => {
    const media = [
      ...(response.schema || response.contentType ? [{ contentType: response.contentType ?? 'application/json', schema: response.schema }] : []),
      ...(response.alternatives ?? []),
    ];
    const content = Object.fromEntries(media.map((m) => [m.contentType, { schema: m.schema ? schemaRef(m.schema, 'output') : { type: 'string' } }]));
    return [status, { description: response.description, ...(media.length ? { content } : {}) }];
  }));
  // Answers the middleware gives before any route runs (security.ts, body-limit.ts, api-route.ts).
  const error = { content: { 'application/json': { schema: schemaRef(errorBodySchema, 'output') } } };
  const refusals: Record<string, JsonSchema> = {
    ...(route.method !== 'get' ? { 403: { description: 'From a page of another origin, or without an Origin header from another machine', ...error } } : {}),
    ...(route.body ? {
      413: { description: 'The body is larger than 1 MB', ...error },
      415: { description: 'The body is not sent as `Content-Type: application/json`', ...error },
    } : {}),
  };
  for (const [status, answer] of Object.entries(refusals)) responses[status] ??= answer;
  return {
    operationId: operationId(route),
    summary: route.summary,
    tags: [route.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: false, content: { 'application/json': { schema: schemaRef(route.body, 'input') } } } } : {}),
    responses,
  };
}

/** `get /api/runs/:id/events` → `getRunsIdEvents`: stable names for generated clients. */
function operationId(route: RouteSpec): string {
  const words = route.path.replace(/^\/api\//, '').replace(/\{[^}]*\}/g, '').split(/[/:]+/).filter(Boolean);
  return route.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** A registered schema as a $ref; any other inline, with the registered schemas inside it as $refs. */
function schemaRef(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const id = apiSchemas.get(schema)?.id;
  if (id) return { $ref: `#/components/schemas/${id}` };
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  // Request parameters are inlined (no registry), so each parameter's schema stands alone.
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', metadata: z.registry() }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name, in: where, required: where === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      ...(rest.type === 'array' ? { style: 'form', explode: true } : {}),
      schema: rest,
    };
  });
}
