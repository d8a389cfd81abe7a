// A `secret: true` setting never shows: not in the run's output, logs, run-info, validate, nor the stored events,
// even when user code logs it, prints it, or throws an error (its own or DuckDB's) containing it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempDirs, latestRun, weir, writeProject, type CliResult } from './cli-helper.js';

const SECRET = 'tok-9f3Kq2-e2e-SECRET';
const env = { X_TOKEN: SECRET };

const temp = new TempDirs();
after(() => temp.cleanup());

describe('secret settings are masked everywhere', () => {
  let dir = '';
  let run: CliResult;
  let runId = '';

  before(async () => {
    dir = writeProject(temp.make('weir-secrets-'), {
      'weir.yaml': `name: secrets
settings:
  x_token:
    env: X_TOKEN
    secret: true
    description: API token
`,
      'definitions/api.ts': `import { asset, projectSettings } from 'weir';

export const fetched = asset({ key: 'fetched' }, (_, ctx) => {
  ctx.log.info(\`calling the API with token \${ctx.settings.x_token}\`);
  console.log('console sees', projectSettings().x_token);
  return 'select 1 as n';
});

export const rejected = asset({ key: 'rejected' }, (_, ctx) => {
  ctx.log.warn(\`about to fail with \${ctx.settings.x_token}\`);
  throw new Error(\`401 Unauthorized for token \${ctx.settings.x_token}\`);
});

export const badSql = asset({ key: 'bad_sql' }, (_, ctx) => \`select * from "\${ctx.settings.x_token}"\`);
`,
    });
    run = await weir(['run', '--project', dir], { env });
    runId = (await latestRun(dir)).runId;
  });

  it('the run fails as the code says, and its output shows *** instead of the token', () => {
    assert.equal(run.code, 1);
    assert.ok(!run.stdout.includes(SECRET) && !run.stderr.includes(SECRET), `secret in run output:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /401 Unauthorized for token \*\*\*/);
    assert.match(run.stdout, /about to fail with \*\*\*/);
  });

  it('weir logs, logs --json and run-info --json mask it in log lines, errors and DuckDB errors', async () => {
    const [logs, logsJson, info, infoText] = await Promise.all([
      weir(['logs', runId.slice(0, 8), '--project', dir], { env }),
      weir(['logs', runId, '--json', '--project', dir], { env }),
      weir(['run-info', runId, '--json', '--project', dir], { env }),
      weir(['run-info', runId, '--project', dir], { env }),
    ]);
    for (const r of [logs, logsJson, info, infoText]) {
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes(SECRET), `secret shown:\n${r.stdout}`);
    }
    assert.match(logs.stdout, /LOG\s+calling the API with token \*\*\*/);
    assert.match(logs.stdout, /LOG\s+console sees \*\*\*/);
    assert.match(logs.stdout, /STEP_FAILURE\s+rejected failed: 401 Unauthorized for token \*\*\*/);
    assert.match(logs.stdout, /STEP_FAILURE\s+bad_sql failed: .*\*\*\*/, 'the DuckDB error names the table, masked');
    assert.match(info.stdout, /401 Unauthorized for token \*\*\*/);
  });

  it('weir validate shows the setting as *** (from env)', async () => {
    const r = await weir(['validate', '--project', dir], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(SECRET));
    assert.match(r.stdout, /x_token = \*\*\* \(env\)/);
  });

  it('the metadata store never received it', () => {
    const files = readdirSync(join(dir, '.weir')).filter((f) => f.startsWith('metadata.sqlite'));
    assert.ok(files.length > 0);
    for (const f of files) assert.ok(!readFileSync(join(dir, '.weir', f)).includes(SECRET), `${f} holds the secret`);
  });
});

// Regression: a secret holding a quote leaked through the "The SQL was: …" hint, because SQL doubles the quote and
// only the value as written was masked. Every encoded form a secret commonly takes must be masked as well.
describe('a secret with quotes, backslashes and spaces is masked in its quoted, escaped, URL-encoded and base64 forms', () => {
  const QUOTED = `it's a "Tok" \\Z9qW7/x+1&y=2`;
  const quotedEnv = { PW: QUOTED, SHORT_PW: 'abc12' };
  const users = ['', 'u', 'us', 'usr', 'user', 'admin'];
  // The forms that leaked before (or would have): each must appear in no output.
  const forms = [
    QUOTED, QUOTED.replace(/'/g, "''"), JSON.stringify(QUOTED).slice(1, -1), encodeURIComponent(QUOTED),
    new URLSearchParams({ t: QUOTED }).toString().slice(2),
    ...users.flatMap((u) => [Buffer.from(`${u}:${QUOTED}`).toString('base64'), Buffer.from(`${u}:${QUOTED}`).toString('base64url')]),
  ];
  const leaked = (text: string) => forms.filter((form) => text.includes(form));
  let dir = '';
  let run: CliResult;
  let runId = '';

  before(async () => {
    dir = writeProject(temp.make('weir-secrets-quoted-'), {
      'weir.yaml': `name: secrets_quoted
settings:
  pw:
    env: PW
    secret: true
  short_pw:
    env: SHORT_PW
    secret: true
`,
      'definitions/api.ts': `import { asset } from 'weir';

const sqlString = (s: string) => \`'\${s.replace(/'/g, "''")}'\`;

// The reported leak: the secret in a SQL string literal, and a query that fails.
export const login = asset({ key: 'login' }, (_, ctx) => \`select \${sqlString(String(ctx.settings.pw))} as pw from missing_table\`);

export const encoded = asset({ key: 'encoded' }, (_, ctx) => {
  const pw = String(ctx.settings.pw);
  ctx.log.info(\`json \${JSON.stringify({ password: pw })}\`);
  ctx.log.info(\`url https://api.example/login?pw=\${encodeURIComponent(pw)}&x=1\`);
  ctx.log.info(\`form \${new URLSearchParams({ pw, x: '1' }).toString()}\`);
  for (const user of ${JSON.stringify(users)}) {
    ctx.log.info(\`basic Authorization: Basic \${Buffer.from(\`\${user}:\${pw}\`).toString('base64')}\`);
    ctx.log.info(\`basic64url \${Buffer.from(\`\${user}:\${pw}\`).toString('base64url')}\`);
  }
  return 'select 1 as n';
});

export const thrown = asset({ key: 'thrown' }, (_, ctx) => {
  throw new Error(\`the API answered 401 to \${JSON.stringify({ body: \`password=\${encodeURIComponent(String(ctx.settings.pw))}\` })}\`);
});
`,
    });
    run = await weir(['run', '--project', dir], { env: quotedEnv });
    runId = (await latestRun(dir)).runId;
  });

  it('the SQL hint shows *** for the quoted secret (the reported leak), and the run output holds no form of it', () => {
    assert.equal(run.code, 1);
    assert.deepEqual(leaked(run.stdout + run.stderr), [], `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /The SQL was: select '\*\*\*' as pw from missing_table/);
  });

  it('weir logs, logs --json and run-info --json hold no form of it', async () => {
    const [logs, logsJson, info] = await Promise.all([
      weir(['logs', runId, '--project', dir], { env: quotedEnv }),
      weir(['logs', runId, '--json', '--project', dir], { env: quotedEnv }),
      weir(['run-info', runId, '--json', '--project', dir], { env: quotedEnv }),
    ]);
    for (const r of [logs, logsJson, info]) {
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(leaked(r.stdout), [], r.stdout);
      assert.ok(!r.stdout.includes('Z9qW7'));
    }
    assert.match(logs.stdout, /json \{"password":"\*\*\*"\}/);
    assert.match(logs.stdout, /url https:\/\/api\.example\/login\?pw=\*\*\*&x=1/);
    assert.match(logs.stdout, /form pw=\*\*\*&x=1/);
    assert.equal((logs.stdout.match(/basic Authorization: Basic \S*\*\*\*/g) ?? []).length, users.length);
    assert.match(logs.stdout, /401 to \{"body":"password=\*\*\*"\}/);
  });

  it('the metadata store holds no form of it', () => {
    for (const f of readdirSync(join(dir, '.weir')).filter((name) => name.startsWith('metadata.sqlite'))) {
      const bytes = readFileSync(join(dir, '.weir', f)).toString('latin1');
      assert.deepEqual(leaked(bytes), [], f);
      assert.ok(!bytes.includes('Z9qW7'), f);
    }
  });

  it('a secret shorter than 8 characters is a warning at load, naming the setting and what to do', async () => {
    assert.match(run.stderr, /warning weir\.yaml: secret setting 'short_pw' has a value of only 5 characters: .*Set SHORT_PW to a value of at least 8 characters/);
    assert.ok(!run.stderr.includes("'pw' has"), 'a long secret is not warned about');
    const validate = await weir(['validate', '--project', dir], { env: quotedEnv });
    assert.match(validate.stderr, /secret setting 'short_pw'/);
    assert.equal((validate.stderr.match(/secret setting 'short_pw'/g) ?? []).length, 1, 'said once');
  });
});

describe('a CLI error is masked', () => {
  it('an error thrown while the definitions load (before any run) shows *** for the secret', async () => {
    const dir = writeProject(temp.make('weir-secrets-load-'), {
      'weir.yaml': 'name: secrets_load\nsettings:\n  pw:\n    env: PW\n    secret: true\n',
      'definitions/connect.ts': `import { projectSettings } from 'weir';\nthrow new Error(\`cannot connect with \${JSON.stringify(projectSettings().pw)}\`);\n`,
    });
    for (const command of ['run', 'validate']) {
      const r = await weir([command, '--project', dir], { env: { PW: `it's-a-"Secret"-99` } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot connect with "\*\*\*"/);
      assert.ok(!r.stderr.includes('Secret'), r.stderr);
    }
  });
});
