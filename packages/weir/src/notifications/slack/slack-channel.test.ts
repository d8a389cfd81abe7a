/** The Slack channel against a real HTTP receiver on 127.0.0.1. */
import assert from 'node:assert/strict';
import { channelContract } from '../channel.contract.js';
import { httpHarness } from '../http-harness.js';
import { createSlackChannel } from './slack-channel.js';

const TOKEN = 'xk3PqL9vWm2ZtR8bYc4NdA6f';

channelContract('slack', () => httpHarness({
  secrets: [TOKEN],
  channel: (base) => createSlackChannel('team_slack', { type: 'slack', url: `${base}/services/T0AB/B0CD/${TOKEN}` }),
  checkReceived(request, message) {
    assert.equal(request.url, `/services/T0AB/B0CD/${TOKEN}`);
    const body = JSON.parse(request.body);
    assert.equal(body.text, `${message.title}: ${message.line}`);
    assert.deepEqual(body.blocks.map((b: { type: string }) => b.type), ['header', 'section', 'context', 'actions']);
    assert.equal(body.blocks[0].text.text, message.title);
    assert.equal(body.blocks[1].text.text, message.line);
    assert.equal(body.blocks[3].elements[0].url, message.link);
    assert.ok(body.blocks[2].elements.some((e: { text: string }) => e.text === `*Run:* ${message.runId}`));
  },
}));
