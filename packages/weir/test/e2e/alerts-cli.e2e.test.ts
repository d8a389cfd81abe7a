// `weir alert test <channel>` against real receivers on 127.0.0.1 (DELIVERED, ACCEPTED, FAILED and why, never a
// secret), and `weir validate`'s warnings about alert rules and channels.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startRecordingReceiver } from '../../src/notifications/recording-http-receiver.js';
import { TempDirs, weir, writeProject } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

const TEAMS_SIG = 'sig_Qw3rTy8uIo2pAs5dFg7hJk';
const NTFY_TOKEN = 'tk_e2e_4f9a1c7b3d8e2f6a';

function project(): string {
  return writeProject(temp.make('weir-alerts-cli-'), {
    'weir.yaml': `name: shop
settings:
  teams_url: { env: TEAMS_URL, secret: true }
  ntfy_url: { env: NTFY_URL }
  ntfy_token: { env: NTFY_TOKEN, secret: true }
  slack_url: { env: SLACK_URL, secret: true }
alerts:
  channels:
    team_teams: { type: teams, url: { setting: teams_url } }
    team_ntfy: { type: ntfy, url: { setting: ntfy_url }, topic: weir-shop, token: { setting: ntfy_token } }
    team_slack: { type: slack, url: { setting: slack_url } }
  rules:
    - name: failures
      on: [run_failed, check_failed]
      channels: [team_teams, team_ntfy, team_slak]
    - name: finance
      on: [run_failed]
      channels: [team_ntfy]
      group: finance
`,
    'definitions/orders.ts': `import { asset } from 'weir';\nexport const orders = asset({ key: 'orders', group: 'sales' }, () => 'select 1 as id');\n`,
  });
}

describe('weir alert test', () => {
  it('prints ACCEPTED for Teams (Workflows answers 202), DELIVERED for ntfy, and the receiver got the test message', async () => {
    const receiver = await startRecordingReceiver({ status: 202 });
    const ntfy = await startRecordingReceiver({ status: 200 });
    try {
      const dir = project();
      const env = { TEAMS_URL: `${receiver.url}/workflows/abc/triggers?sig=${TEAMS_SIG}`, NTFY_URL: ntfy.url, NTFY_TOKEN };
      const teams = await weir(['alert', 'test', 'team_teams', '--project', dir], { env });
      assert.equal(teams.code, 0, teams.stderr);
      assert.match(teams.stdout, /ACCEPTED {2}team_teams \(teams\): HTTP 202/);
      assert.equal(JSON.parse(receiver.requests[0]!.body).attachments[0].content.body[0].text, 'Test alert from Weir (shop)');
      const sent = await weir(['alert', 'test', 'team_ntfy', '--project', dir, '--json'], { env });
      assert.equal(sent.code, 0, sent.stderr);
      assert.deepEqual(JSON.parse(sent.stdout), { channel: 'team_ntfy', type: 'ntfy', status: 'DELIVERED', detail: 'HTTP 200' });
      assert.equal(ntfy.requests[0]!.headers.authorization, `Bearer ${NTFY_TOKEN}`);
      for (const out of [teams, sent]) assert.ok(!`${out.stdout}${out.stderr}`.includes(TEAMS_SIG) && !`${out.stdout}${out.stderr}`.includes(NTFY_TOKEN));
    } finally {
      await receiver.close();
      await ntfy.close();
    }
  });

  it('prints FAILED and why for an unreachable or refusing receiver (exit 1), never the URL\'s token; a disabled or unknown channel says so', async () => {
    const receiver = await startRecordingReceiver({ status: 403 });
    const dir = project();
    try {
      const refused = await weir(['alert', 'test', 'team_teams', '--project', dir], { env: { TEAMS_URL: `${receiver.url}/workflows/abc/triggers?sig=${TEAMS_SIG}` } });
      assert.equal(refused.code, 1);
      assert.match(refused.stdout, /FAILED {2}team_teams \(teams\): HTTP 403 from http:\/\/127\.0\.0\.1:\d+/);
      assert.ok(!refused.stdout.includes(TEAMS_SIG), refused.stdout);
      await receiver.close();
      const down = await weir(['alert', 'test', 'team_teams', '--project', dir], { env: { TEAMS_URL: `${receiver.url}/workflows/abc/triggers?sig=${TEAMS_SIG}` } });
      assert.equal(down.code, 1);
      assert.match(down.stdout, /FAILED {2}team_teams \(teams\): could not reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED.*temporary failure/);
      const disabled = await weir(['alert', 'test', 'team_slack', '--project', dir]);
      assert.equal(disabled.code, 1);
      assert.match(disabled.stdout, /FAILED {2}team_slack \(slack\): the channel is disabled: setting 'slack_url' has no value \(set SLACK_URL\)/);
      const unknown = await weir(['alert', 'test', 'team_slak', '--project', dir]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no alert channel 'team_slak' in .*weir\.yaml\. Did you mean 'team_slack'\?/);
      assert.doesNotMatch(unknown.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      await receiver.close();
    }
  });
});

describe('weir validate and alerts', () => {
  it('warns about an unknown channel in a rule, a disabled channel and a rule whose filter matches no asset', async () => {
    const result = await weir(['validate', '--project', project()], { env: { NTFY_URL: 'http://127.0.0.1:9', NTFY_TOKEN } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning weir\.yaml:15: alert rule 'failures' names channel 'team_slak', which is not declared under alerts\.channels\. Did you mean 'team_slack'\?/);
    assert.match(result.stderr, /warning weir\.yaml:9: alert channel 'team_teams' is disabled: setting 'teams_url' has no value \(set TEAMS_URL\); nothing is sent to it/);
    assert.match(result.stderr, /warning weir\.yaml:16: alert rule 'finance': selector 'group:finance' matches no asset\. \(known: sales\); the rule matches nothing/);
  });
});
