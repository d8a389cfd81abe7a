// Secret settings in weir.yaml: their values (numbers too) are what output masks; one shorter than 8 characters is
// a warning at load naming the setting and what to do.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretValues } from '../../definitions/project.js';
import { loadProjectConfig } from './load-project-config.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-secret-settings-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'weir.yaml'), `name: s
settings:
  long_key: { env: LONG_KEY, secret: true }
  short_key: { env: SHORT_KEY, secret: true }
  tiny_key: { default: abc, secret: true }
  pin: { env: PIN, default: 0, secret: true }
  data_dir: in
`);

describe('secret settings', () => {
  const config = loadProjectConfig(dir, { LONG_KEY: 'k-0123456789abcdef', SHORT_KEY: 'abc12', PIN: '1234' });

  it('warns about each secret shorter than 8 characters, saying which and what to set', () => {
    const warnings = config.warnings ?? [];
    assert.equal(warnings.length, 3, warnings.join('\n'));
    assert.match(warnings[0]!, /^weir\.yaml: secret setting 'short_key' has a value of only 5 characters: only its exact text is masked.*Set SHORT_KEY to a value of at least 8 characters/);
    assert.match(warnings[1]!, /'tiny_key' has a value of only 3 characters: it is too short to be masked .* not masked at all\. Set settings\.tiny_key to a value of at least 8/);
    assert.match(warnings[2]!, /'pin' has a value of only 4 characters.*Set PIN/);
  });

  it('says nothing when every secret is long enough, or unset', () => {
    assert.equal(loadProjectConfig(dir, { LONG_KEY: 'x', SHORT_KEY: 'abcdefgh', PIN: '12345678' }).warnings?.some((w) => /short_key|pin/.test(w)), false);
    assert.ok(loadProjectConfig(dir, { LONG_KEY: 'k-0123456789abcdef', SHORT_KEY: 'abcdefgh', PIN: '12345678' }).warnings!.every((w) => w.includes('tiny_key')));
  });

  it('the values to mask are every secret, numbers as text, and no other setting', () => {
    assert.deepEqual(secretValues(config), ['k-0123456789abcdef', 'abc12', 'abc', '1234']);
  });
});
