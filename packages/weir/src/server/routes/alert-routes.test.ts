// GET /api/alerts: channels without their URLs or tokens, rules, deliveries newest first with status and error,
// and no secret in the answer in any encoding.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AlertsConfig } from '../../definitions/alerts-config.js';
import { assertNoSecret } from '../../notifications/channel.contract.js';
import { alertsSchema } from '../api-schemas.js';
import { openServerFixture, type ServerFixture } from '../server-fixture.js';

const TEAMS_URL = 'https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=Zx81kQp0vT3mW9yLrA2b';
const NTFY_TOKEN = 'tk_api_8f2kq0zv6m1x9w3c';

describe('GET /api/alerts', () => {
  let f: ServerFixture;
  before(async () => {
    f = await openServerFixture({ seed: false });
    const alerts: AlertsConfig = {
      channels: [
        { name: 'team_teams', type: 'teams', enabled: true, config: { type: 'teams', url: TEAMS_URL }, secrets: [TEAMS_URL] },
        { name: 'team_ntfy', type: 'ntfy', enabled: true, config: { type: 'ntfy', url: 'https://ntfy.sh', topic: 'weir-shop', token: NTFY_TOKEN }, secrets: [NTFY_TOKEN] },
        { name: 'team_slack', type: 'slack', enabled: false, disabledReason: "setting 'slack_url' has no value (set SLACK_URL)", secrets: [] },
      ],
      rules: [{ name: 'failures', on: ['check_failed', 'run_failed'], channels: ['team_teams', 'team_ntfy'], repeatMs: 14_400_000 }],
    };
    const { definitions } = f.snapshot;
    f.snapshot.definitions = { ...definitions, project: { ...definitions.project, alerts } };
    const message = (title: string, at: number) => ({ kind: 'check_failed' as const, state: 'problem' as const, project: 'shop', subject: 'quality', title, line: `quality: ${title}`, runId: 'run-1', timestamp: at });
    await f.storage.alerts.commitRouting({
      project: 'shop', cursor: { eventId: 0, signalId: 0 }, opened: [], resolved: [],
      deliveries: [
        { deliveryId: 'd-old', project: 'shop', channel: 'team_teams', rule: 'failures', problemKey: 'k', message: message('old', 1000), createdAt: 1000 },
        { deliveryId: 'd-new', project: 'shop', channel: 'team_ntfy', rule: 'failures', problemKey: 'k', message: message('new', 2000), createdAt: 2000 },
        { deliveryId: 'd-other', project: 'other', channel: 'x', rule: 'r', problemKey: 'k', message: message('other project', 3000), createdAt: 3000 },
      ],
    });
    await f.storage.alerts.recordAttempt('d-old', { status: 'ACCEPTED', attempts: 1, nextAttemptAt: null, error: null, at: 1500 });
    // An error that (wrongly) holds the token: the answer must mask it anyway.
    await f.storage.alerts.recordAttempt('d-new', { status: 'PENDING', attempts: 2, nextAttemptAt: 9000, error: `HTTP 401 from https://ntfy.sh: bad token ${NTFY_TOKEN}`, at: 2500 });
  });
  after(() => f.close());

  it('lists channels (type and state, never the URL), rules, and this project\'s deliveries newest first', async () => {
    const response = await f.request('/api/alerts');
    assert.equal(response.status, 200);
    const text = await response.text();
    const body = alertsSchema.parse(JSON.parse(text));
    assert.deepEqual(body.channels, [
      { name: 'team_teams', type: 'teams', enabled: true },
      { name: 'team_ntfy', type: 'ntfy', enabled: true },
      { name: 'team_slack', type: 'slack', enabled: false, disabledReason: "setting 'slack_url' has no value (set SLACK_URL)" },
    ]);
    assert.deepEqual(body.rules, [{ name: 'failures', on: ['check_failed', 'run_failed'], channels: ['team_teams', 'team_ntfy'], repeatMs: 14_400_000 }]);
    assert.deepEqual(body.deliveries.map((d) => [d.id, d.channel, d.status, d.attempts, d.error ?? null, d.at, d.nextAttemptAt ?? null]), [
      ['d-new', 'team_ntfy', 'PENDING', 2, 'HTTP 401 from https://ntfy.sh: bad token ***', 2500, 9000],
      ['d-old', 'team_teams', 'ACCEPTED', 1, null, 1500, null],
    ]);
    assertNoSecret(text, [TEAMS_URL, NTFY_TOKEN, 'Zx81kQp0vT3mW9yLrA2b'], 'GET /api/alerts');
    assert.equal((await f.json('/api/alerts?limit=1', alertsSchema)).body.deliveries.length, 1);
    assert.equal((await f.request('/api/alerts?limit=0')).status, 400);
  });

  it('a project without alerts: empty lists', async () => {
    const saved = f.snapshot.definitions;
    const { alerts: _none, ...project } = saved.project;
    f.snapshot.definitions = { ...saved, project };
    try {
      const { body } = await f.json('/api/alerts', alertsSchema);
      assert.deepEqual([body.channels, body.rules], [[], []]);
    } finally {
      f.snapshot.definitions = saved;
    }
  });
});
