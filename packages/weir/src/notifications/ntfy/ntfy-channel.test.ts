/** The ntfy channel against a real HTTP receiver on 127.0.0.1: JSON publishing, a bearer token, text outside Latin-1. */
import assert from 'node:assert/strict';
import { channelContract } from '../channel.contract.js';
import { httpHarness } from '../http-harness.js';
import { createNtfyChannel } from './ntfy-channel.js';

const TOKEN = 'tk_8f2kq0zv6m1x9w3c5b7n4a2s';
const TOPIC = 'weir-shop-Qm7xT2vL9pK4';

channelContract('ntfy', () => httpHarness({
  secrets: [TOKEN, TOPIC],
  channel: (base) => createNtfyChannel('team_ntfy', { type: 'ntfy', url: `${base}/`, topic: TOPIC, token: TOKEN, tags: ['weir'] }),
  checkReceived(request, message) {
    // JSON publishing: to the root URL, never /<topic>, and no text in headers (they cannot carry non-Latin-1 text).
    assert.equal(request.url, '/');
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(request.headers['x-title'], undefined);
    const body = JSON.parse(request.body);
    assert.deepEqual(body, {
      topic: TOPIC, title: message.title, message: message.line, priority: message.state === 'problem' ? 4 : 3,
      tags: [message.state === 'problem' ? 'rotating_light' : 'white_check_mark', 'weir'], click: message.link,
    });
  },
}));
