// Sizes of what a run stores: a launch with too many or too long tags, selections or step keys is refused with 400
// naming the field, and nothing is stored (a 115 MB tag was once stored and served back in every runs page).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RUN_FIELD_LIMITS as L, launchRequestSchema, reexecuteRequestSchema } from './api-schemas.js';
import { openServerFixture, type ServerFixture } from './server-fixture.js';

const tags = (n: number, value = 'v') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, value]));

describe('run field limits', () => {
  it('accept what a real launch sends, at the limits', () => {
    assert.ok(launchRequestSchema.safeParse({ select: 'x'.repeat(L.selectionChars), exclude: Array(L.selectionParts).fill('a'), tags: tags(L.tags, 'v'.repeat(L.tagValueChars)) }).success);
    assert.ok(launchRequestSchema.safeParse({ stepKeys: Array(L.stepKeys).fill('k'.repeat(L.keyChars)) }).success);
    assert.ok(reexecuteRequestSchema.safeParse({ mode: 'selected', stepKeys: ['a'] }).success);
  });

  it('refuse one more', () => {
    const cases: Array<[string, unknown]> = [
      ['select', { select: 'x'.repeat(L.selectionChars + 1) }],
      ['select', { select: Array(L.selectionParts + 1).fill('a') }],
      ['exclude', { exclude: ['x'.repeat(L.selectionChars + 1)] }],
      ['stepKeys', { stepKeys: Array(L.stepKeys + 1).fill('k') }],
      ['stepKeys', { stepKeys: ['k'.repeat(L.keyChars + 1)] }],
      ['tags', { tags: tags(L.tags + 1) }],
      ['tags', { tags: { ['n'.repeat(L.tagNameChars + 1)]: 'v' } }],
      ['tags', { tags: { note: 'v'.repeat(L.tagValueChars + 1) } }],
    ];
    for (const [field, body] of cases) {
      const result = launchRequestSchema.safeParse(body);
      assert.equal(result.success, false, field);
      assert.equal(String(result.error!.issues[0]!.path[0]), field);
    }
    assert.equal(reexecuteRequestSchema.safeParse({ mode: 'selected', stepKeys: Array(L.stepKeys + 1).fill('k') }).success, false);
  });
});

describe('POST /api/runs with oversized fields', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture({ seed: false }); });
  after(() => f.close());

  it('answers 400 naming the field and stores nothing', async () => {
    for (const body of [{ select: 'orders', tags: { note: 'x'.repeat(500_000) } }, { select: 'orders', tags: tags(1000) }, { select: `orders ${'x'.repeat(5000)}` }]) {
      const res = await f.request('/api/runs', { method: 'POST', body: JSON.stringify(body) });
      assert.equal(res.status, 400);
      assert.equal((await res.json() as any).error.code, 'INVALID_BODY');
    }
    assert.equal(await f.storage.runs.countRuns(), 0);
  });
});
