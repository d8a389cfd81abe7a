// The secret redactor: every written, quoted, escaped, URL-encoded and base64 form of a secret is masked; ordinary
// text, other values and short values are left alone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_MASKED_SECRET_LENGTH, redactDeep, secretRedactor } from './redact.js';

const SECRET = `it's a "Secret"\\/x+1`;
const redact = secretRedactor([SECRET]);
const leaks = (text: string) => redact(text).includes('Secret') || redact(text).includes(Buffer.from('Secret').toString('base64').slice(0, 6));

describe('secretRedactor', () => {
  it('masks the secret as written, and nothing else', () => {
    assert.equal(redact(`token=${SECRET};`), 'token=***;');
    assert.equal(redact('an ordinary line with a "quote" and it\'s'), 'an ordinary line with a "quote" and it\'s');
    assert.equal(secretRedactor(['hunter22', 'hunter22-long'])('hunter22-long hunter22'), '*** ***');
  });

  it('masks its SQL-quoted forms (the "The SQL was: …" hint doubles quotes)', () => {
    assert.equal(redact(`select '${SECRET.replace(/'/g, "''")}' as t`), "select '***' as t");
    assert.equal(redact(`select * from "${SECRET.replace(/"/g, '""')}"`), 'select * from "***"');
  });

  it('masks its JSON and backslash-escaped forms, at any depth', () => {
    const once = JSON.stringify({ token: SECRET });
    assert.equal(redact(once), '{"token":"***"}');
    assert.equal(redact(JSON.stringify({ line: once })), JSON.stringify({ line: '{"token":"***"}' }));
    assert.ok(!leaks(JSON.stringify(JSON.stringify(JSON.stringify(SECRET)))));
    assert.ok(!leaks(SECRET.replace(/['"\\]/g, '\\$&')), 'shell/JS backslash escapes');
    assert.ok(!leaks(SECRET.replace(/[^A-Za-z0-9]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)), 'JSON \\u escapes');
    assert.equal(secretRedactor(['line\none\ttab'])(JSON.stringify('line\none\ttab')), '"***"');
  });

  it('masks its URL-encoded forms: encodeURIComponent, encodeURI, forms (+ for a space), lower-case hex', () => {
    for (const encoded of [
      encodeURIComponent(SECRET), encodeURI(SECRET), new URLSearchParams({ t: SECRET }).toString().slice(2),
      encodeURIComponent(SECRET).toLowerCase().replace(/secret/, 'Secret'), escape(SECRET),
    ]) {
      assert.ok(!leaks(`https://api.example/x?t=${encoded}&y=1`), encoded);
      assert.match(redact(`?t=${encoded}&y=1`), /^\?t=\*\*\*&y=1$/, encoded);
    }
    assert.equal(secretRedactor(['é-secret-ü'])(encodeURIComponent('é-secret-ü')), '***');
  });

  it('masks its base64 forms at all three alignments, both alphabets: Basic base64(user:secret)', () => {
    const secret = 'hunter22-Secret';
    const mask = secretRedactor([secret]);
    for (const user of ['', 'u', 'us', 'usr', 'user', 'admin']) {
      const standard = Buffer.from(`${user}:${secret}`).toString('base64');
      const urlSafe = Buffer.from(`${user}:${secret}`).toString('base64url');
      for (const encoded of [standard, urlSafe]) {
        const masked = mask(`Authorization: Basic ${encoded}`);
        assert.match(masked, /\*\*\*/, `${user}: ${encoded}`);
        // What is left cannot be decoded back to any 4 characters of the secret.
        const rest = masked.replace('Authorization: Basic ', '').split('***').map((part) => Buffer.from(part, 'base64').toString('latin1')).join('');
        for (let i = 0; i + 4 <= secret.length; i++) assert.ok(!rest.includes(secret.slice(i, i + 4)), `${user}: ${rest} holds ${secret.slice(i, i + 4)}`);
      }
    }
    // A value with / and + in its base64 (bytes 0xff, 0xfb): the URL-safe alphabet differs.
    const binary = '\u00ff\u00fb\u00ff-secret-\u00fb\u00ff';
    assert.equal(secretRedactor([binary])(Buffer.from(binary).toString('base64url')).includes('***'), true);
  });

  it('masks its base64 wrapped into lines (MIME 76 characters, PEM 64), the break anywhere in it', () => {
    const secret = 'correct-horse-battery-staple-9f2c';
    const mask = secretRedactor([secret]);
    // A MIME attachment body: a long text holding the secret, base64, cut every 76 characters.
    const body = `${'x'.repeat(40)} password=${secret} ${'y'.repeat(40)}`;
    for (let shift = 0; shift < 6; shift++) {
      const encoded = Buffer.from(`${'-'.repeat(shift)}${body}`).toString('base64');
      for (const [width, eol] of [[76, '\r\n'], [64, '\n']] as const) {
        const wrapped = encoded.match(new RegExp(`.{1,${width}}`, 'g'))!.join(eol);
        const masked = mask(wrapped);
        assert.match(masked, /\*\*\*/, `shift ${shift}, ${width}`);
        const rest = masked.split('***').map((part) => Buffer.from(part.replace(/\s/g, ''), 'base64').toString('latin1')).join('');
        for (let i = 0; i + 4 <= secret.length; i++) assert.ok(!rest.includes(secret.slice(i, i + 4)), `shift ${shift}, ${width}: ${rest} holds ${secret.slice(i, i + 4)}`);
      }
    }
    assert.equal(mask('an ordinary\nline'), 'an ordinary\nline');
  });

  it('masks its hex form, either case, alone or inside the hex of a longer text', () => {
    const secret = 'hunter22-Secret';
    const mask = secretRedactor([secret]);
    const hex = Buffer.from(secret).toString('hex');
    assert.equal(mask(`token=${hex}`), 'token=***');
    assert.equal(mask(`token=${hex.toUpperCase()}`), 'token=***');
    assert.equal(mask(`bytea \\x${Buffer.from(`user:${secret}`).toString('hex')}`), `bytea \\x${Buffer.from('user:').toString('hex')}***`);
    assert.equal(mask('deadbeef 0123456789abcdef'), 'deadbeef 0123456789abcdef', 'other hex stays');
    // Hex of a short value is too easily ordinary hex (a hash, a colour): left alone, as its base64 is.
    assert.equal(secretRedactor(['abcd1'])(Buffer.from('abcd1').toString('hex')), Buffer.from('abcd1').toString('hex'));
  });

  it('ignores values too short to mask, and non-strings', () => {
    assert.equal(MIN_MASKED_SECRET_LENGTH, 4);
    assert.equal(secretRedactor(['abc'])('abc abc'), 'abc abc');
    assert.equal(secretRedactor([])('anything'), 'anything');
    assert.equal(secretRedactor(['abcd'])('xabcdx'), 'x***x');
    // Its base64 is too short to be told apart from text: left alone.
    assert.equal(secretRedactor(['abcd'])(Buffer.from('abcd').toString('base64')), 'YWJjZA==');
  });
});

describe('redactDeep', () => {
  it('masks strings at any depth, keys included, and keeps other values', () => {
    const mask = secretRedactor(['hunter22']);
    assert.deepEqual(redactDeep({ a: ['x hunter22', 3, null, { hunter22: true, b: "'hunter22'" }] }, mask), { a: ['x ***', 3, null, { '***': true, b: "'***'" }] });
  });
});
