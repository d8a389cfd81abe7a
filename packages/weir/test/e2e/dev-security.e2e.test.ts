// `weir dev` beyond loopback: refused at startup without WEIR_TOKEN or with one shorter than 32 characters, with
// the command that generates one; nothing is served.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TempDirs, freePort, weir, writeProject } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

describe('weir dev --host 0.0.0.0', () => {
  const dir = writeProject(temp.make('weir-dev-security-'), {
    'weir.yaml': 'name: dev_security\n',
    'definitions/a.ts': "import { asset } from 'weir';\nexport const a = asset({ key: 'a' }, () => 'select 1 as n');\n",
  });

  for (const [what, token, message] of [
    ['no token', undefined, /Serving on 0\.0\.0\.0 makes the API reachable from other machines; set WEIR_TOKEN/],
    ['a 1-character token', 'a', /WEIR_TOKEN has 1 character; serving on 0\.0\.0\.0 needs a token of at least 32 characters/],
    ['a 31-character token', 'x'.repeat(31), /WEIR_TOKEN has 31 characters/],
  ] as const) {
    it(`refuses to start with ${what}, saying how to generate a token`, async () => {
      const port = await freePort();
      const r = await weir(['dev', dir, '--host', '0.0.0.0', '--port', String(port)], { env: { WEIR_TOKEN: token }, timeoutMs: 20_000 });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /openssl rand -hex 32/);
      assert.doesNotMatch(r.stdout, /serving/);
      assert.ok(!r.stderr.includes('    at '), 'no stack trace');
    });
  }
});
