// GET /api/openapi.json: an OpenAPI 3.1 document for every route, generated from the same zod schemas.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openServerFixture, type ServerFixture } from '../server-fixture.js';

describe('GET /api/openapi.json', () => {
  let f: ServerFixture;
  let doc: any;
  before(async () => {
    f = await openServerFixture({ seed: false });
    doc = await (await f.request('/api/openapi.json')).json() as any;
  });
  after(() => f.close());

  it('describes every route the app serves', () => {
    assert.equal(doc.openapi, '3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods as object).map((m) => `${m.toUpperCase()} ${path}`));
    assert.deepEqual(operations.sort(), [
      'DELETE /api/session', 'GET /api/alerts', 'GET /api/assets', 'GET /api/assets/{key}', 'GET /api/assets/{key}/checks',
      'GET /api/assets/{key}/materializations', 'GET /api/assets/{key}/partitions', 'GET /api/backfills', 'GET /api/backfills/{id}',
      'GET /api/checks', 'GET /api/events/stream', 'GET /api/lineage', 'GET /api/openapi.json', 'GET /api/overview', 'GET /api/project',
      'GET /api/runs', 'GET /api/runs/{id}', 'GET /api/runs/{id}/events', 'GET /api/runs/{id}/events/stream', 'GET /api/schedules',
      'GET /api/schedules/{name}/ticks', 'GET /api/selection', 'GET /api/sensors', 'GET /api/session', 'POST /api/backfills',
      'POST /api/backfills/{id}/cancel', 'POST /api/backfills/{id}/retry-failed', 'POST /api/runs', 'POST /api/runs/{id}/cancel',
      'POST /api/runs/{id}/reexecute', 'POST /api/schedules/{name}/pause', 'POST /api/schedules/{name}/resume', 'POST /api/schedules/{name}/run',
      'POST /api/sensors/{name}/pause', 'POST /api/sensors/{name}/resume', 'POST /api/session', 'POST /api/webhooks/{name}',
    ]);
    const ids = Object.values(doc.paths).flatMap((methods) => Object.values(methods as Record<string, { operationId: string }>).map((o) => o.operationId));
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  });

  it('references registered schemas, and every reference resolves', () => {
    const runs = doc.paths['/api/runs'].get;
    assert.deepEqual(runs.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/RunPage' });
    assert.deepEqual(runs.responses['400'].content['application/json'].schema, { $ref: '#/components/schemas/ErrorBody' });
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z]+/g)!;
    for (const ref of new Set(refs)) assert.ok(doc.components.schemas[ref.split('/').pop()!], `${ref} resolves`);
    assert.ok(doc.components.schemas.EventRecord.oneOf?.length === 15 || doc.components.schemas.EventRecord.anyOf?.length === 15);
  });

  it('lists query and path parameters with their constraints', () => {
    const params = doc.paths['/api/runs'].get.parameters as Array<{ name: string; in: string; schema: any }>;
    assert.deepEqual(params.map((p) => p.name), ['status', 'asset', 'trigger', 'since', 'until', 'cursor', 'limit']);
    const limit = params.find((p) => p.name === 'limit')!;
    assert.deepEqual([limit.schema.minimum, limit.schema.maximum, limit.schema.default], [1, 200, 50]);
    assert.equal(params.find((p) => p.name === 'status')!.schema.type, 'array');
    const stream = doc.paths['/api/runs/{id}/events/stream'].get;
    assert.ok(stream.parameters.some((p: { name: string; in: string }) => p.name === 'Last-Event-ID' && p.in === 'header'));
    assert.ok(stream.responses['200'].content['text/event-stream']);
    // GET /api/runs/{id}/events: a JSON page or, by Accept, the live stream; both documented, with Last-Event-ID.
    const events = doc.paths['/api/runs/{id}/events'].get;
    assert.deepEqual(Object.keys(events.responses['200'].content).sort(), ['application/json', 'text/event-stream']);
    assert.deepEqual(events.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/EventPage' });
    assert.ok(events.parameters.some((p: { name: string; in: string }) => p.name === 'Last-Event-ID' && p.in === 'header'));
    assert.ok(doc.components.schemas.ProjectChange && doc.components.schemas.ProjectLoadError);
    assert.deepEqual(doc.paths['/api/runs'].post.requestBody.content['application/json'].schema, { $ref: '#/components/schemas/LaunchRequest' });
  });
});
