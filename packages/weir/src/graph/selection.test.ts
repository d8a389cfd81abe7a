/** Tests for the dbt selection syntax: every selector form, set operators, graph operators and errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, type Origin } from '../definitions/asset.js';
import { externalFile } from '../definitions/external-asset.js';
import { WeirError, WeirErrors } from '../shared/errors.js';
import { buildAssetGraph } from './asset-graph.js';
import { parseSelection, selectAssets, type SelectOptions } from './selection.js';

interface Spec { deps?: string[]; tags?: string[]; group?: string; kinds?: string[]; owners?: string[]; origin?: Origin; file: string }

function asset(key: string, spec: Spec) {
  const { deps, tags, group, kinds, owners, origin = 'typescript', file } = spec;
  return defineAsset({ key, deps, tags, group, kinds, owners }, () => undefined, { origin, location: { file, line: 1 } });
}

/*
 *   erp (external) ─► stg_orders ─┐
 *                                  ├─► orders ─► revenue ─► report
 *   stg_products ─────────────────┤          ├─► sales/eu
 *        │                                   └─► sales/us
 *        └─► audit
 */
const graph = buildAssetGraph({
  assets: [
    asset('stg_orders', { deps: ['erp'], tags: ['daily'], group: 'staging', origin: 'sql', owners: ['alice'], file: '/proj/models/staging/stg_orders.sql' }),
    asset('stg_products', { tags: ['daily', 'pii'], group: 'staging', origin: 'sql', file: '/proj/models/staging/stg_products.sql' }),
    asset('orders', { deps: ['stg_orders', 'stg_products'], tags: ['nightly'], group: 'sales', owners: ['bob', 'alice'], file: '/proj/defs/orders.ts' }),
    asset('revenue', { deps: ['orders'], tags: ['nightly', 'finance'], group: 'sales', file: '/proj/defs/revenue.ts' }),
    asset('report', { deps: ['revenue'], group: 'reporting', kinds: ['xlsx'], origin: 'yaml', file: 'flows/report.yaml' }),
    asset('sales/eu', { deps: ['orders'], group: 'sales', file: '/proj/defs/sales/eu.ts' }),
    asset('sales/us', { deps: ['orders'], group: 'sales', file: '/proj/defs/sales/us.ts' }),
    asset('audit', { deps: ['stg_products'], tags: ['pii'], file: '/proj/defs/audit.ts' }),
  ],
  externals: [{ ...externalFile({ key: 'erp', path: 'data/erp.xlsx', tags: ['raw'], group: 'ingest' }), location: { file: '/proj/defs/sources.ts', line: 4 } }],
});

function select(options: SelectOptions | string): string[] {
  const selected = selectAssets(graph, typeof options === 'string' ? { select: options, root: '/proj' } : { root: '/proj', ...options });
  return [...selected].sort();
}

function selectError(options: SelectOptions | string): WeirError {
  try {
    select(options);
  } catch (error) {
    assert.ok(error instanceof WeirError, `expected a WeirError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected selectAssets to throw');
}

const ALL = ['audit', 'erp', 'orders', 'report', 'revenue', 'sales/eu', 'sales/us', 'stg_orders', 'stg_products'];

test('parseSelection: unions of intersections of criteria with their operators', () => {
  assert.deepEqual(parseSelection('2+tag:daily,@orders  sales/eu+1'), {
    kind: 'union',
    terms: [
      { kind: 'intersection', criteria: [
        { kind: 'criterion', text: '2+tag:daily', method: 'tag', value: 'daily', parents: true, parentsDepth: 2, children: false, childrensParents: false },
        { kind: 'criterion', text: '@orders', method: 'key', value: 'orders', parents: false, children: false, childrensParents: true },
      ] },
      { kind: 'intersection', criteria: [
        { kind: 'criterion', text: 'sales/eu+1', method: 'key', value: 'sales/eu', parents: false, children: true, childrenDepth: 1, childrensParents: false },
      ] },
    ],
  });
  assert.deepEqual(parseSelection(['a', 'b c']).terms.map((t) => t.criteria[0]!.value), ['a', 'b', 'c']);
  assert.deepEqual(parseSelection('  ').terms, []);
});

test('no selection selects every node, externals included', () => {
  assert.deepEqual(select({}), ALL);
  assert.deepEqual(select(''), ALL);
  assert.deepEqual(select({ select: [] }), ALL);
});

test('the result comes back in topological order', () => {
  assert.deepEqual([...selectAssets(graph, { select: '+revenue' })], ['erp', 'stg_orders', 'stg_products', 'orders', 'revenue']);
});

test('key: is the default method; a leading part of a key selects the keys under it', () => {
  assert.deepEqual(select('orders'), ['orders']);
  assert.deepEqual(select('key:orders'), ['orders']);
  assert.deepEqual(select('sales/eu'), ['sales/eu']);
  assert.deepEqual(select('sales'), ['sales/eu', 'sales/us']);
  assert.deepEqual(select('erp'), ['erp']);
});

test('wildcards * ? and [ ] in names', () => {
  assert.deepEqual(select('stg_*'), ['stg_orders', 'stg_products']);
  assert.deepEqual(select('sales/??'), ['sales/eu', 'sales/us']);
  assert.deepEqual(select('sales/?s'), ['sales/us']);
  assert.deepEqual(select('*s/e*'), ['sales/eu']); // * spans '/' in keys, like fnmatch
  assert.deepEqual(select('sales/[e]u'), ['sales/eu']);
  assert.deepEqual(select('sales/[!e]*'), ['sales/us']);
  assert.deepEqual(select('tag:fin*'), ['revenue']);
  assert.deepEqual(select('group:sal?s'), ['orders', 'revenue', 'sales/eu', 'sales/us']);
});

test('tag:, group:, kind:, owner:, origin: and resource_type:', () => {
  assert.deepEqual(select('tag:daily'), ['stg_orders', 'stg_products']);
  assert.deepEqual(select('tag:raw'), ['erp']);
  assert.deepEqual(select('group:staging'), ['stg_orders', 'stg_products']);
  assert.deepEqual(select('group:default'), ['audit']);
  assert.deepEqual(select('kind:xlsx'), ['erp', 'report']);
  assert.deepEqual(select('owner:alice'), ['orders', 'stg_orders']);
  assert.deepEqual(select('origin:sql'), ['stg_orders', 'stg_products']);
  assert.deepEqual(select('origin:yaml'), ['report']);
  assert.deepEqual(select('origin:typescript'), ['audit', 'orders', 'revenue', 'sales/eu', 'sales/us']); // externals have no origin
  assert.deepEqual(select('resource_type:external'), ['erp']);
  assert.deepEqual(select('resource_type:asset'), ALL.filter((k) => k !== 'erp'));
});

test('path: relative or absolute, a file or a folder, with globs', () => {
  assert.deepEqual(select('path:models/staging'), ['stg_orders', 'stg_products']);
  assert.deepEqual(select('path:./models/staging/'), ['stg_orders', 'stg_products']);
  assert.deepEqual(select('path:/proj/models/staging/stg_orders.sql'), ['stg_orders']);
  assert.deepEqual(select('path:defs/sales'), ['sales/eu', 'sales/us']);
  assert.deepEqual(select('path:defs/s*'), ['erp', 'sales/eu', 'sales/us']); // defs/sources.ts and the defs/sales folder
  assert.deepEqual(select('path:defs/*.ts'), ['audit', 'erp', 'orders', 'revenue']); // * stays within one folder
  assert.deepEqual(select('path:defs/**/*.ts'), ['audit', 'erp', 'orders', 'revenue', 'sales/eu', 'sales/us']);
  assert.deepEqual(select('path:/proj/**/*.sql'), ['stg_orders', 'stg_products']);
  assert.deepEqual(select('path:flows'), ['report']); // a relative declaration file is resolved against root too
  // 'models/stag' is not a folder prefix of 'models/staging'
  assert.match(selectError('path:models/stag').message, /selector 'path:models\/stag' matches no asset/);
});

test('+x selects x and all its ancestors; x+ x and all its descendants', () => {
  assert.deepEqual(select('+revenue'), ['erp', 'orders', 'revenue', 'stg_orders', 'stg_products']);
  assert.deepEqual(select('stg_products+'), ['audit', 'orders', 'report', 'revenue', 'sales/eu', 'sales/us', 'stg_products']);
  assert.deepEqual(select('+orders+'), ['erp', 'orders', 'report', 'revenue', 'sales/eu', 'sales/us', 'stg_orders', 'stg_products']);
});

test('n+x and x+n limit the generations', () => {
  assert.deepEqual(select('1+revenue'), ['orders', 'revenue']);
  assert.deepEqual(select('2+revenue'), ['orders', 'revenue', 'stg_orders', 'stg_products']);
  assert.deepEqual(select('3+revenue'), select('+revenue'));
  assert.deepEqual(select('erp+2'), ['erp', 'orders', 'stg_orders']);
  assert.deepEqual(select('1+orders+1'), ['orders', 'revenue', 'sales/eu', 'sales/us', 'stg_orders', 'stg_products']);
  assert.deepEqual(select('0+orders'), ['orders']);
});

test('graph operators apply to every node a method matches', () => {
  assert.deepEqual(select('+tag:nightly'), ['erp', 'orders', 'revenue', 'stg_orders', 'stg_products']);
  assert.deepEqual(select('tag:daily+1'), ['audit', 'orders', 'stg_orders', 'stg_products']);
  // Depth counts from the nearest matched node.
  assert.deepEqual(select('1+group:sales'), ['orders', 'revenue', 'sales/eu', 'sales/us', 'stg_orders', 'stg_products']);
});

test('@x selects x, its descendants and every ancestor of those', () => {
  // stg_orders' descendants need stg_products (through orders), but not audit.
  assert.deepEqual(select('@stg_orders'), ['erp', 'orders', 'report', 'revenue', 'sales/eu', 'sales/us', 'stg_orders', 'stg_products']);
  assert.deepEqual(select('@audit'), ['audit', 'stg_products']);
  assert.deepEqual(select('@tag:pii'), ['audit', 'erp', 'orders', 'report', 'revenue', 'sales/eu', 'sales/us', 'stg_orders', 'stg_products']);
});

test('spaces are a union, commas an intersection', () => {
  assert.deepEqual(select('report audit'), ['audit', 'report']);
  assert.deepEqual(select({ select: ['report', 'audit sales/eu'] }), ['audit', 'report', 'sales/eu']);
  assert.deepEqual(select('tag:daily,tag:pii'), ['stg_products']);
  assert.deepEqual(select('tag:nightly,group:sales,owner:bob'), ['orders']);
  assert.deepEqual(select('tag:daily,tag:nightly'), []); // both exist; their intersection is empty, which is not an error
});

test('intersections of unions and unions of intersections', () => {
  // Common ancestors of report and audit: each +x is a union of x and its ancestors.
  assert.deepEqual(select('+report,+audit'), ['stg_products']);
  // Everything downstream of stg_orders that is also upstream of revenue.
  assert.deepEqual(select('stg_orders+,+revenue'), ['orders', 'revenue', 'stg_orders']);
  // (tag:pii ∩ group:default) ∪ (@erp ∩ origin:yaml)
  assert.deepEqual(select('tag:pii,group:default @erp,origin:yaml'), ['audit', 'report']);
});

test('exclude removes after selection and takes the same grammar', () => {
  assert.deepEqual(select({ select: '+revenue', exclude: 'resource_type:external' }), ['orders', 'revenue', 'stg_orders', 'stg_products']);
  assert.deepEqual(select({ select: 'stg_products+', exclude: 'revenue+ audit' }), ['orders', 'sales/eu', 'sales/us', 'stg_products']);
  assert.deepEqual(select({ exclude: ['group:sales', 'tag:daily,tag:pii'] }), ['audit', 'erp', 'report', 'stg_orders']);
  assert.deepEqual(select({ select: 'orders', exclude: 'orders' }), []);
});

test('an unknown method is an error that lists the methods', () => {
  const error = selectError('tga:daily');
  assert.equal(error.code, 'UNKNOWN_SELECTOR_METHOD');
  assert.equal(error.message,
    "selector 'tga:daily' uses unknown method 'tga'. Did you mean 'tag'? Methods: key, tag, group, kind, owner, path, origin, resource_type, source, config (no method means key).");
  // dbt's config.<key>: is known; on a graph without dbt models it matches nothing.
  assert.match(selectError('config.materialized:table').message, /selector 'config\.materialized:table' matches no asset/);
});

test('a selector that matches nothing is an error with suggestions for its method', () => {
  assert.equal(selectError('ordrs').message,
    "selector 'ordrs' matches no asset. Did you mean 'orders'? (known: audit, erp, orders, report, revenue, sales/eu, sales/us, stg_orders, stg_products)");
  assert.equal(selectError('+tag:nighlty').message,
    "selector '+tag:nighlty' matches no asset. Did you mean 'nightly'? (known: daily, finance, nightly, pii, raw)");
  assert.equal(selectError('path:model/staging').hint,
    "Did you mean 'models/staging'? (known: defs, defs/audit.ts, defs/orders.ts, defs/revenue.ts, defs/sales, defs/sales/eu.ts, defs/sales/us.ts, defs/sources.ts, flows, flows/report.yaml, models, models/staging, … 2 more)");
  assert.equal(selectError({ select: 'orders', exclude: 'audt' }).summary, "exclude selector 'audt' matches no asset");
  assert.equal(selectError('owner:carol').hint, '(known: alice, bob)');
});

test('several empty selectors are reported together', () => {
  assert.throws(() => select('ordrs tag:nope'), (error: unknown) => {
    assert.ok(error instanceof WeirErrors);
    assert.deepEqual(error.errors.map((e) => e.summary), ["selector 'ordrs' matches no asset", "selector 'tag:nope' matches no asset"]);
    return true;
  });
});

test('allowEmpty lets a selector match nothing, as dbt does', () => {
  assert.deepEqual(select({ select: 'ordrs orders', allowEmpty: true }), ['orders']);
  assert.deepEqual(select({ select: 'orders', exclude: 'tag:nope', allowEmpty: true }), ['orders']);
});

test('malformed selectors are errors even with allowEmpty', () => {
  assert.equal(selectError({ select: 'tag:', allowEmpty: true }).message, "selector 'tag:' has no value. Write method:value, e.g. 'tag:nightly', or an asset key.");
  assert.match(selectError('@+orders').message, /selector '@\+orders' combines '@' and a leading '\+'/);
  assert.match(selectError('a,,b').message, /selector 'a,,b' has an empty part between commas/);
  assert.match(selectError('orders,').message, /has an empty part between commas/);
  assert.match(selectError('+').message, /selector '\+' has no value/);
  assert.equal(selectError('origin:python').message, "selector 'origin:python' names unknown origin 'python'. Origins: sql, typescript, yaml.");
  assert.equal(selectError('resource_type:bogus').code, 'INVALID_SELECTOR');
});
