// JSON bodies must say they are JSON: 415 otherwise (a page of another site can send text/plain or a form without
// asking first), before the route runs; an empty body needs no type.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isJsonContentType } from './api-route.js';
import { openServerFixture, type ServerFixture } from './server-fixture.js';

describe('JSON bodies need Content-Type: application/json', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture({ seed: false }); });
  after(() => f.close());
  const post = (path: string, body: string, type?: string) => f.app.request(path, { method: 'POST', body, headers: type ? { 'content-type': type } : {} });

  it('answers 415 to a body sent as text, a form, or with no type, and launches nothing', async () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', undefined]) {
      for (const path of ['/api/runs', '/api/session']) {
        const res = await post(path, JSON.stringify(path === '/api/runs' ? { select: 'orders' } : { token: 'x' }), type);
        assert.equal(res.status, 415, `${path} ${type}`);
        const body = await res.json() as any;
        assert.equal(body.error.code, 'UNSUPPORTED_MEDIA_TYPE');
        assert.match(body.error.message, /Content-Type: application\/json/);
      }
    }
    assert.equal(await f.storage.runs.countRuns(), 0);
  });

  it('accepts application/json with parameters or any case, and an empty body with no type', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/merge-patch+json']) {
      assert.equal((await post('/api/session', JSON.stringify({ token: 'x' }), type)).status, 200, type);
    }
    assert.equal((await f.app.request('/api/session', { method: 'POST', body: '' })).status, 400, 'an empty body is {} (no token): the schema answers');
  });

  it('the OpenAPI document lists the refusals every body route can give (403, 413, 415)', async () => {
    const doc = await (await f.app.request('/api/openapi.json')).json() as any;
    const launch = doc.paths['/api/runs'].post.responses;
    for (const status of ['403', '413', '415']) assert.ok(launch[status], status);
    assert.equal(doc.paths['/api/runs'].get.responses['413'], undefined, 'a GET has no body');
  });

  it('isJsonContentType', () => {
    assert.equal(isJsonContentType('application/json; charset=utf-8'), true);
    assert.equal(isJsonContentType('application/vnd.api+json'), true);
    assert.equal(isJsonContentType('text/json'), false);
    assert.equal(isJsonContentType(undefined), false);
  });
});
