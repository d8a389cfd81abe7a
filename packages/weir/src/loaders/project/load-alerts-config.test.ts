// weir.yaml's alerts: on real files: settings resolved, disabled channels, warnings and errors with their line.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { secretValues } from '../../definitions/project.js';
import { WeirErrors, type WeirError } from '../../shared/errors.js';
import { loadProjectConfig } from './load-project-config.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function project(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'weir-alerts-config-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'weir.yaml'), yaml);
  return dir;
}
function errorsOf(yaml: string, env: NodeJS.ProcessEnv = {}): WeirError[] {
  try {
    loadProjectConfig(project(yaml), env);
  } catch (error) {
    return error instanceof WeirErrors ? error.errors : [error as WeirError];
  }
  return assert.fail('the file loaded');
}

const SHOP = `name: shop
settings:
  teams_url: { env: TEAMS_URL, secret: true }
  ntfy_token: { env: NTFY_TOKEN, secret: true }
  alert_secret: { env: ALERT_SECRET, secret: true }
alerts:
  channels:
    team_teams: { type: teams, url: { setting: teams_url } }
    team_ntfy: { type: ntfy, url: "https://ntfy.sh", topic: weir-shop, token: { setting: ntfy_token } }
    ops_hook: { type: webhook, url: "https://ops.example.org/hooks/weir-0123456789abcdef", secret: { setting: alert_secret } }
    team_mail: { type: email, host: smtp.example.org, port: 587, from: weir@example.org, to: ana@example.org }
  rules:
    - name: failures
      on: [run_failed, check_failed, run_too_long]
      channels: [team_teams, team_ntfy, team_slack]
      run_longer_than: 30m
      repeat: 4h
`;

describe('alerts: in weir.yaml', () => {
  it('resolves { setting } values from the environment; a channel whose setting is unset is disabled with a warning, not an error', () => {
    const config = loadProjectConfig(project(SHOP), { NTFY_TOKEN: 'tk_secret_token_1234' });
    const byName = Object.fromEntries(config.alerts!.channels.map((c) => [c.name, c]));
    assert.deepEqual([byName.team_teams!.enabled, byName.team_teams!.disabledReason], [false, "setting 'teams_url' has no value (set TEAMS_URL)"]);
    assert.deepEqual(byName.team_ntfy!.config, { type: 'ntfy', url: 'https://ntfy.sh', topic: 'weir-shop', token: 'tk_secret_token_1234' });
    assert.equal(byName.ops_hook!.enabled, false);
    assert.deepEqual(byName.team_mail!.config, { type: 'email', host: 'smtp.example.org', port: 587, from: 'weir@example.org', to: ['ana@example.org'] });
    assert.deepEqual(config.alerts!.rules[0], {
      name: 'failures', on: ['run_failed', 'check_failed', 'run_too_long'], channels: ['team_teams', 'team_ntfy', 'team_slack'], runLongerThanMs: 1_800_000, repeatMs: 14_400_000,
    });
    const warnings = config.warnings!.join('\n');
    assert.match(warnings, /weir\.yaml:8: alert channel 'team_teams' is disabled: setting 'teams_url' has no value \(set TEAMS_URL\)/);
    assert.match(warnings, /weir\.yaml:15: alert rule 'failures' names channel 'team_slack', which is not declared/);
    assert.match(warnings, /weir\.yaml:10: alert channel 'ops_hook' has its url written in weir\.yaml/);
    // Credentials are masked wherever output goes, even the URL written in place.
    assert.ok(secretValues(config).includes('tk_secret_token_1234'));
    assert.ok(secretValues(config).includes('https://ops.example.org/hooks/weir-0123456789abcdef'));
  });

  it('a { setting } naming an undeclared setting is an error at its line, with the closest name', () => {
    const [error] = errorsOf(SHOP.replace('{ setting: ntfy_token }', '{ setting: ntfy_tokn }'));
    assert.match(error!.message, /weir\.yaml:9: alert channel 'team_ntfy': token names setting 'ntfy_tokn', which is not declared\. Did you mean 'ntfy_token'\?/);
  });

  it('bad durations, run_too_long without a limit, an unknown channel type or key: errors at their line saying what to write', () => {
    assert.match(errorsOf(SHOP.replace('repeat: 4h', 'repeat: 4 hours'))[0]!.message, /weir\.yaml:17: alert rule 'failures': repeat '4 hours' is not a duration.*Write a duration such as 30m/);
    assert.match(errorsOf(SHOP.replace('      run_longer_than: 30m\n', ''))[0]!.message, /weir\.yaml:13: alert rule 'failures' is on run_too_long without run_longer_than/);
    const type = errorsOf(SHOP.replace('type: teams,', 'type: msteams,'))[0]!;
    assert.match(type.message, /weir\.yaml:8:.*alerts\.channels\.team_teams/);
    const key = errorsOf(SHOP.replace('topic: weir-shop', 'topik: weir-shop'))[0]!;
    assert.match(key.message, /weir\.yaml:9: unknown key 'topik' in alert channel 'team_ntfy' \(type ntfy\)\. Did you mean 'topic'\?/);
    const kind = errorsOf(SHOP.replace('on: [run_failed,', 'on: [run_faild,'))[0]!;
    assert.match(kind.message, /weir\.yaml:14:.*run_faild.*Did you mean 'run_failed'\?/);
  });

  it('a URL from a setting that is not http(s) disables the channel without showing the value', () => {
    const config = loadProjectConfig(project(SHOP), { TEAMS_URL: 'prod-12.logic.azure.com/secret-sig' });
    const teams = config.alerts!.channels.find((c) => c.name === 'team_teams')!;
    assert.deepEqual([teams.enabled, teams.disabledReason], [false, 'its url is not an http(s) URL']);
    assert.doesNotMatch(config.warnings!.join('\n'), /secret-sig/);
  });
});
