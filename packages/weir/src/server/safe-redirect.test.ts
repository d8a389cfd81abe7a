// Redirect targets: same-origin paths pass; `//`, `/\`, their encoded forms and control characters are refused,
// through the validation of GET /api/session?next=… and on their own.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSameOriginPath } from './safe-redirect.js';
import { openServerFixture, type ServerFixture } from './server-fixture.js';

const TOKEN = 'tok-5f1e0c9a8b7d-redirect-0123456789';
const SAFE = ['/', '/runs', '/runs?status=FAILURE&limit=10', '/assets/sales%2Forders', '/#/runs/abc', '/a/b/../c'];
const UNSAFE = [
  '//evil.example', '/\\evil.example', '/%5Cevil.example', '/%5cevil.example', '%2F%2Fevil.example', '/%2Fevil.example',
  '/%252F/evil.example', '/%255Cevil.example', '/\tevil.example', '/\n/evil.example', '/%09/evil.example', '/%0A/evil.example',
  '\\/evil.example', 'https://evil.example', 'evil.example', 'javascript:alert(1)', '', ' /runs', '/ /evil', '/%E0%A4%A',
  '/%25252525252F/evil.example',
];

describe('isSameOriginPath', () => {
  for (const next of SAFE) it(`accepts ${JSON.stringify(next)}`, () => assert.equal(isSameOriginPath(next), true));
  for (const next of UNSAFE) it(`refuses ${JSON.stringify(next)}`, () => assert.equal(isSameOriginPath(next), false));
});

describe('GET /api/session?token=…&next=…', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture({ seed: false, security: { token: TOKEN } }); });
  after(() => f.close());

  it('redirects to a same-origin path', async () => {
    const res = await f.app.request(`/api/session?token=${TOKEN}&next=${encodeURIComponent('/runs?status=FAILURE')}`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/runs?status=FAILURE');
  });

  it('answers 400, sets no cookie and redirects nowhere for every off-site form', async () => {
    for (const next of UNSAFE.filter(Boolean)) {
      const res = await f.app.request(`/api/session?token=${TOKEN}&next=${encodeURIComponent(next)}`);
      assert.equal(res.status, 400, next);
      assert.equal(res.headers.get('location'), null, next);
      assert.equal(res.headers.get('set-cookie'), null, next);
      assert.equal((await res.json() as any).error.code, 'INVALID_QUERY', next);
    }
    // As the report had it, with the backslash sent encoded in the query string.
    assert.equal((await f.app.request(`/api/session?token=${TOKEN}&next=/%5Cevil.example`)).status, 400);
  });
});
