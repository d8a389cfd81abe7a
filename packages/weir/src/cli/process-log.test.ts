/** The serving process's log: one JSON object per line, or text; secrets masked in both. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secretRedactor } from '../shared/redact.js';
import { createProcessLog, type LogLevel } from './process-log.js';

function capture(format: 'text' | 'json', minLevel?: LogLevel) {
  const written: Array<{ line: string; level: LogLevel }> = [];
  const log = createProcessLog({
    format, minLevel, now: () => Date.parse('2026-03-01T05:00:00.000Z'), redact: secretRedactor(['s3cr3t-token-value']),
    write: (line, level) => written.push({ line, level }),
  });
  return { log, written };
}

describe('process log', () => {
  it('json: one object per line with time, level, message and fields; secrets masked; bigint as a number', () => {
    const { log, written } = capture('json');
    log.info('serving shop', { url: 'http://127.0.0.1:3000' });
    log.error('delivery failed: 401 for token s3cr3t-token-value', { rows: 12n });
    log.automation({ level: 'warn', loop: 'sensors', message: 'slow evaluation', fields: { durationMs: 61_000 } });
    log.debug('not shown below info');
    assert.equal(written.length, 3);
    assert.ok(written.every((w) => w.line.endsWith('\n') && !w.line.slice(0, -1).includes('\n')));
    assert.deepEqual(written.map((w) => JSON.parse(w.line)), [
      { time: '2026-03-01T05:00:00.000Z', level: 'info', message: 'serving shop', fields: { url: 'http://127.0.0.1:3000' } },
      { time: '2026-03-01T05:00:00.000Z', level: 'error', message: 'delivery failed: 401 for token ***', fields: { rows: 12 } },
      { time: '2026-03-01T05:00:00.000Z', level: 'warn', message: 'slow evaluation', fields: { loop: 'sensors', durationMs: 61_000 } },
    ]);
  });

  it('text: time, level and message, then key=value fields (quoted when needed); secrets masked in fields too', () => {
    const { log, written } = capture('text', 'debug');
    log.warn('lost the lease', { holder: 'h:1:ab', why: 'another process holds it', token: 's3cr3t-token-value' });
    log.debug('tick');
    assert.deepEqual(written.map((w) => [w.level, w.line]), [
      ['warn', '2026-03-01T05:00:00.000Z WARN  lost the lease holder=h:1:ab why="another process holds it" token=***\n'],
      ['debug', '2026-03-01T05:00:00.000Z DEBUG tick\n'],
    ]);
  });
});
