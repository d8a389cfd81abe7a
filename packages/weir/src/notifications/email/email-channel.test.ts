/** The e-mail channel against a real SMTP server (smtp-server) with STARTTLS and AUTH, the mail parsed with mailparser. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { channelContract, contractMessage, type ChannelHarness } from '../channel.contract.js';
import { createEmailChannel } from './email-channel.js';

const USER = 'weir-alerts';
const PASSWORD = 'pw-Hx82!kq0Zt#vL';

/** A self-signed certificate for 127.0.0.1, made for this test run. */
const certDir = mkdtempSync(join(tmpdir(), 'weir-smtp-cert-'));
after(() => rmSync(certDir, { recursive: true, force: true }));
execFileSync('openssl', [
  'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
], { stdio: 'ignore' });
const KEY = readFileSync(join(certDir, 'key.pem'));
const CERT = readFileSync(join(certDir, 'cert.pem'));

interface Received { mail: ParsedMail; secured: boolean; user: unknown }

async function smtpHarness(options: { offerStartTls?: boolean } = {}): Promise<ChannelHarness> {
  const received: Received[] = [];
  let refusing = false;
  let server: SMTPServer | undefined;
  let port = 0;
  const parsing: Promise<void>[] = [];
  const make = () => new SMTPServer({
    key: KEY, cert: CERT, authMethods: ['PLAIN', 'LOGIN'], logger: false, disabledCommands: options.offerStartTls === false ? ['STARTTLS'] : [],
    // Only over TLS: a client that sent AUTH in clear would fail here.
    allowInsecureAuth: false,
    onAuth(auth, _session, callback) {
      // An answer that echoes the password back: what the channel keeps of it must not hold it.
      if (refusing || auth.username !== USER || auth.password !== PASSWORD) return callback(new Error(`Invalid login ${auth.username}:${auth.password}`));
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      parsing.push(simpleParser(stream).then((mail) => { received.push({ mail, secured: session.secure, user: session.user }); callback(); }, callback));
    },
  });
  const up = async () => {
    if (server) return;
    server = make();
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
    port = (server.server.address() as AddressInfo).port;
  };
  const down = async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await up();
  return {
    channel: createEmailChannel('team_mail', {
      type: 'email', host: '127.0.0.1', port, secure: 'starttls', user: USER, password: PASSWORD, from: 'weir@example.org', to: ['ana@example.org', 'bo@example.org'],
    }, { ca: CERT.toString() }),
    secrets: [PASSWORD, `${USER}:${PASSWORD}`, `\u0000${USER}\u0000${PASSWORD}`],
    received: async () => { await Promise.all(parsing); return [...received]; },
    checkReceived(item, message) {
      const { mail, secured, user } = item as Received;
      assert.equal(secured, true, 'the mail went over STARTTLS');
      assert.equal(user, USER, 'after AUTH');
      assert.equal(mail.subject, `[weir] ${message.state === 'resolved' ? 'Resolved: ' : ''}${message.title}`);
      assert.equal(mail.from?.text, 'weir@example.org');
      assert.deepEqual([mail.to].flat().flatMap((a) => a!.value.map((v) => v.address)), ['ana@example.org', 'bo@example.org']);
      assert.ok(mail.text?.includes(message.line), mail.text);
      assert.ok(mail.text?.includes(message.link!));
      assert.ok(String(mail.html).includes(`href="${message.link}"`));
    },
    down, up,
    refuse(on) { refusing = on; },
    close: down,
  };
}

channelContract('email', () => smtpHarness());

it('email: STARTTLS is required, so a server that does not offer it fails the delivery and never sees the password', async () => {
  const h = await smtpHarness({ offerStartTls: false });
  try {
    const outcome = await h.channel.send(contractMessage(), { deliveryId: 'd', nowMs: 0, timeoutMs: 5000 });
    assert.equal(outcome.status, 'FAILED');
    assert.equal((await h.received()).length, 0);
  } finally {
    await h.close();
  }
});

it('email: a wrong password is a failure that retrying does not fix (SMTP 535)', async () => {
  const h = await smtpHarness();
  try {
    h.refuse(true);
    const outcome = await h.channel.send(contractMessage(), { deliveryId: 'd', nowMs: 0, timeoutMs: 5000 });
    assert.equal(outcome.status === 'FAILED' && outcome.retryable, false, JSON.stringify(outcome));
  } finally {
    await h.close();
  }
});
