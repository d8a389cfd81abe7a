// weir.yaml errors on real files: the line of the bad key, the closest allowed key, the allowed keys of a nested
// setting, and what a value must be and was (never zod's bare "Invalid input").
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WeirErrors, type WeirError } from '../../shared/errors.js';
import { loadProjectConfig } from './load-project-config.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Loads a weir.yaml with this text and returns every error it gives (none: the test fails). */
function errorsOf(yaml: string): WeirError[] {
  const dir = mkdtempSync(join(tmpdir(), 'weir-config-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'weir.yaml'), yaml);
  try {
    loadProjectConfig(dir, {});
  } catch (error) {
    const errors = error instanceof WeirErrors ? error.errors : [error as WeirError];
    for (const e of errors) {
      assert.equal(e.code, 'INVALID_PROJECT_FILE', e.message);
      assert.equal(e.location?.file, join(dir, 'weir.yaml'));
      assert.doesNotMatch(e.message, /Invalid input/, 'more than zod says');
    }
    return errors;
  }
  assert.fail('the file loaded');
}

const one = (yaml: string) => {
  const errors = errorsOf(yaml);
  assert.equal(errors.length, 1, errors.map((e) => e.message).join('\n'));
  return errors[0]!;
};

describe('weir.yaml errors', () => {
  it('an unknown top-level key: its line, the closest key and every allowed key', () => {
    const e = one('name: shop\nconcurrency: 2\nwarehose: data.duckdb\n');
    assert.equal(e.location?.line, 3);
    assert.equal(e.summary, "unknown key 'warehose'");
    assert.match(e.hint!, /^Did you mean 'warehouse'\? Allowed keys: name, description, warehouse, metadata, definitions, concurrency, max_concurrent_runs, public_url, settings, dbt, schedules, sensors, webhooks, alerts\.$/);
  });

  it('an unknown key nested in dbt: its line (not the mapping\'s) and the keys of dbt', () => {
    const e = one('name: shop\ndbt:\n  project_dir: transform\n  targt: dev\n');
    assert.equal(e.location?.line, 4);
    assert.equal(e.summary, "unknown key 'targt' in dbt");
    assert.match(e.hint!, /Did you mean 'target'\? Allowed keys in dbt: project_dir, target, profiles_dir, vars, audit\./);
  });

  it('a typo in a setting lists the keys a setting takes', () => {
    const e = one('name: shop\nsettings:\n  data_dir:\n    default: data\n    evn: SHOP_DATA\n');
    assert.equal(e.location?.line, 5);
    assert.equal(e.summary, "unknown key 'evn' in setting 'data_dir'");
    assert.match(e.hint!, /Did you mean 'env'\? Allowed keys in setting 'data_dir': default, env, secret, description\./);
  });

  it('an unknown key with nothing close still lists the allowed keys', () => {
    const e = one('name: shop\ncadence: daily\n'); // (not 'schedule:', now close to 'schedules:')
    assert.equal(e.location?.line, 2);
    assert.doesNotMatch(e.hint!, /Did you mean/);
    assert.match(e.hint!, /^Allowed keys: name, /);
  });

  it('a wrong type says what it must be and what was found', () => {
    const e = one('name: shop\nconcurrency: four\n');
    assert.equal(e.location?.line, 2);
    assert.equal(e.summary, "'concurrency' must be a whole number from 1 to 64, found the text \"four\"");
  });

  it('a number out of range', () => {
    const e = one('name: shop\nconcurrency: 0\n');
    assert.equal(e.summary, "'concurrency' must be a whole number from 1 to 64, found the number 0");
  });

  it('a bad enum value gives the allowed values and the closest', () => {
    const e = one('name: shop\ndbt:\n  project_dir: t\n  audit: publish-then-test\n');
    assert.equal(e.location?.line, 4);
    assert.equal(e.summary, "'dbt.audit' is \"publish-then-test\"; allowed values: staged, publish_then_test");
    assert.equal(e.hint, "Did you mean 'publish_then_test'?");
  });

  it('a missing required key, at the top and inside dbt', () => {
    const top = one('description: no name\n');
    assert.equal(top.summary, "'name' is required");
    assert.match(top.hint!, /Add name: the project name \(letters, digits, _ and -\)\./);
    const nested = one('name: shop\ndbt:\n  target: dev\n');
    assert.equal(nested.location?.line, 2, 'points at dbt:');
    assert.equal(nested.summary, "'dbt' needs 'project_dir'");
  });

  it('a setting of the wrong shape (a list), and a setting whose default is a list', () => {
    const list = one('name: shop\nsettings:\n  regions: [eu, us]\n');
    assert.equal(list.location?.line, 3);
    assert.equal(list.summary, "'settings.regions' must be a value (text, a number, true or false) or { default, env, secret, description }, found a list");
    assert.match(list.hint!, /regions: \{ default: some value, env: SOME_VARIABLE \}/);
    const nested = one('name: shop\nsettings:\n  regions:\n    default: [eu, us]\n');
    assert.equal(nested.location?.line, 4);
    assert.equal(nested.summary, "'settings.regions.default' must be text, a number, true or false, found a list");
  });

  it("a typo of a required key is one problem, not also 'missing'", () => {
    const e = one('name: shop\ndbt:\n  projectdir: transform\n');
    assert.equal(e.location?.line, 3);
    assert.equal(e.summary, "unknown key 'projectdir' in dbt");
    assert.match(e.hint!, /^Did you mean 'project_dir'\?/);
    const top = one('nmae: shop\n');
    assert.equal(top.summary, "unknown key 'nmae'");
    assert.match(top.hint!, /^Did you mean 'name'\?/);
  });

  it('a bad name says what it was and what is allowed', () => {
    const e = one('name: my shop\n');
    assert.equal(e.summary, "'name' is \"my shop\": letters, digits, _ and - only");
  });

  it('a file that is a list, not a mapping', () => {
    const e = one('- name: shop\n');
    assert.match(e.summary, /^'weir\.yaml' must be a mapping of keys \(name, description, /);
    assert.match(e.summary, /found a list$/);
  });

  it('several problems are all reported, each on its line', () => {
    const errors = errorsOf('name: shop\nwarehose: w.duckdb\nconcurrency: many\n');
    assert.deepEqual(errors.map((e) => e.location?.line), [2, 3], 'in file order');
  });

  it('a valid file still loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-config-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'weir.yaml'), 'name: shop\nsettings:\n  data_dir: { default: data, env: SHOP_DATA }\n');
    assert.equal(loadProjectConfig(dir, { SHOP_DATA: 'in' }).settings.data_dir, 'in');
  });
});
