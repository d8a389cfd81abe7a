/**
 * One route = one spec (method, path, zod schemas for params, query, body and answers) and one handler. The same
 * spec validates the request and describes the route in /api/openapi.json, so the two cannot disagree.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from './api-error.js';

export interface RouteResponse {
  description: string;
  /** A registered schema (see api-schemas.ts); absent for answers without a JSON body. */
  schema?: z.ZodType;
  /** Default `application/json`; `text/event-stream` for streams. */
  contentType?: string;
  /** Other media types the same answer comes in, chosen by the request's Accept header. */
  alternatives?: Array<{ contentType: string; schema?: z.ZodType }>;
}

export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'delete';
  /** Hono syntax: `/api/runs/:id`, `/api/assets/:key{.+}`. */
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Request headers the route reads, for the document (e.g. Last-Event-ID). */
  headers?: Array<{ name: string; description: string }>;
  responses: Record<number, RouteResponse>;
}

export interface RouteInput<P, Q, B> {
  c: Context;
  params: P;
  query: Q;
  body: B;
}

/** Where routes are recorded as they are added: the OpenAPI document is built from this list. */
export type RouteBook = RouteSpec[];

/**
 * Adds a route whose params, query and JSON body are parsed with the spec's schemas before the handler runs; a
 * parse failure answers 400 with each problem (`details: [{ in: 'query', path: 'limit', message }]`).
 *
 * @example
 * addRoute(app, book, { method: 'get', path: '/api/runs/:id', tag: 'runs', summary: 'A run', params: runIdParamsSchema,
 *   responses: { 200: { description: 'the run', schema: runDetailSchema } } },
 *   async ({ c, params }) => c.json(await runDetail(params.id)));
 */
export function addRoute<P extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(
  app: Hono,
  book: RouteBook,
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => Response | Promise<Response>,
): void {
  book.push(spec as unknown as RouteSpec);
  app.on(spec.method.toUpperCase(), spec.path, async (c) => {
    const params = spec.params ? parse(spec.params, c.req.param(), 'path', 'INVALID_PARAMS') : undefined;
    const query = spec.query ? parse(spec.query, queryObject(c, spec.query), 'query', 'INVALID_QUERY') : undefined;
    const body = spec.body ? parse(spec.body, await readJson(c), 'body', 'INVALID_BODY') : undefined;
    return handler({ c, params, query, body } as RouteInput<z.output<P>, z.output<Q>, z.output<B>>);
  });
}

function parse<T extends z.ZodType>(schema: T, value: unknown, where: 'path' | 'query' | 'body', code: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({ in: where, path: issue.path.join('.'), message: issue.message }));
  // e.g. "Invalid request: query 'limit': Too big: expected number to be <=200."
  const message = details.map((d) => `${where}${d.path ? ` '${d.path}'` : ''}: ${d.message}`).join('; ');
  throw new ApiError(400, code, `Invalid request: ${message}.`, details);
}

/**
 * The query string as an object: a key the schema declares as an array collects every occurrence and splits on
 * commas (`status=FAILURE&status=CANCELED` = `status=FAILURE,CANCELED`); any other key takes its last value.
 */
function queryObject(c: Context, schema: z.ZodType): Record<string, unknown> {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const url = new URL(c.req.url);
  const out: Record<string, unknown> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    out[key] = shape[key] && isArraySchema(shape[key]) ? values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean) : values[values.length - 1];
  }
  return out;
}

function isArraySchema(schema: z.ZodType): boolean {
  let def = schema._zod.def as { type: string; innerType?: z.ZodType };
  while ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) def = def.innerType._zod.def as typeof def;
  return def.type === 'array';
}

/**
 * The JSON body; an empty body counts as `{}` so `POST /api/runs` with no body launches everything. A body must
 * say it is JSON: a page of another site can send `text/plain` or a form without asking first, never JSON.
 */
async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  if (!isJsonContentType(c.req.header('content-type'))) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `The request body must be JSON sent with \`Content-Type: application/json\` (got ${c.req.header('content-type') ? `'${c.req.header('content-type')}'` : 'none'}).`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'INVALID_JSON', `The request body is not valid JSON: ${(error as Error).message}.`);
  }
}

/**
 * @example
 * isJsonContentType('application/json; charset=utf-8') // true
 * isJsonContentType('text/plain')                      // false
 */
export function isJsonContentType(header: string | undefined): boolean {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type !== undefined && /^application\/[a-z0-9.+-]+\+json$/.test(type));
}
