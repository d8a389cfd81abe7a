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
