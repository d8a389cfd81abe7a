/** The Teams channel against a real HTTP receiver on 127.0.0.1 answering 202 like Workflows does. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { channelContract, contractMessage } from '../channel.contract.js';
import { httpHarness } from '../http-harness.js';
import { createTeamsChannel } from './teams-channel.js';

const TOKEN = 'sig_Zx81kQp0vT3mW9yLrA2bC7dE';

channelContract('teams', () => httpHarness({
  status: 202,
  secrets: [TOKEN],
  channel: (base) => createTeamsChannel('team_teams', { type: 'teams', url: `${base}/workflows/f3a1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${TOKEN}` }),
  checkReceived(request, message) {
    assert.match(request.url, /^\/workflows\/f3a1\/triggers\/manual\/paths\/invoke\?/);
    assert.equal(request.headers['content-type'], 'application/json');
    const body = JSON.parse(request.body);
    assert.equal(body.type, 'message');
    assert.equal(body.attachments.length, 1);
    assert.equal(body.attachments[0].contentType, 'application/vnd.microsoft.card.adaptive');
    const card = body.attachments[0].content;
    assert.equal(card.type, 'AdaptiveCard');
    assert.equal(card.body[0].text, message.title);
    assert.equal(card.body[1].text, message.line);
    assert.ok(card.body[2].facts.some((f: { title: string; value: string }) => f.title === 'Run' && f.value === message.runId));
    assert.deepEqual(card.actions, [{ type: 'Action.OpenUrl', title: 'Open the run', url: message.link }]);
  },
}));

it('teams: a 202 from Workflows is recorded ACCEPTED (queued, not yet posted); a 200 is DELIVERED', async () => {
  for (const [status, expected] of [[202, 'ACCEPTED'], [200, 'DELIVERED']] as const) {
    const h = await httpHarness({ status, secrets: [TOKEN], channel: (base) => createTeamsChannel('t', { type: 'teams', url: `${base}/x?sig=${TOKEN}` }), checkReceived() {} });
    try {
      const outcome = await h.channel.send(contractMessage(), { deliveryId: 'd', nowMs: 0, timeoutMs: 5000 });
      assert.equal(outcome.status, expected);
    } finally {
      await h.close();
    }
  }
});

it('teams: a 404 (a deleted flow) is a failure that retrying does not fix', async () => {
  const h = await httpHarness({ status: 404, secrets: [TOKEN], channel: (base) => createTeamsChannel('t', { type: 'teams', url: `${base}/x?sig=${TOKEN}` }), checkReceived() {} });
  try {
    const outcome = await h.channel.send(contractMessage(), { deliveryId: 'd', nowMs: 0, timeoutMs: 5000 });
    assert.deepEqual(outcome.status === 'FAILED' && [outcome.retryable, /HTTP 404/.test(outcome.error)], [false, true]);
  } finally {
    await h.close();
  }
});
