import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiEventRecord } from '../../api/types.ts';
import { filterLines, LOG_LEVELS, toLogLine, type LogLevel } from './log-lines.ts';

const base = { runId: 'r', project: 'p', timestamp: 1 };
const events: ApiEventRecord[] = [
  { ...base, id: 1, type: 'STEP_START', stepKey: 'orders', message: 'orders started', data: { attempt: 1, kind: 'asset' } },
  { ...base, id: 2, type: 'LOG', stepKey: 'orders', message: 'Reading 4 rows', data: { level: 'info' } },
  { ...base, id: 3, type: 'LOG', stepKey: 'revenue', message: 'slow query', data: { level: 'warn' } },
  { ...base, id: 4, type: 'STEP_FAILURE', stepKey: 'revenue', message: 'revenue failed', data: { attempt: 1, durationMs: 3, error: { message: 'x' }, reason: 'error' } },
];
const lines = events.map(toLogLine);
const all = new Set<LogLevel>(LOG_LEVELS);

describe('log lines', () => {
  it('gives log lines their level, engine events `event`, failures `error`', () => {
    assert.deepEqual(lines.map((l) => l.level), ['event', 'info', 'warn', 'error']);
  });
  it('filters by level, step and text together', () => {
    assert.deepEqual(filterLines(lines, { levels: all, text: '', stepKey: null }), [0, 1, 2, 3]);
    assert.deepEqual(filterLines(lines, { levels: new Set(['warn', 'error']), text: '', stepKey: null }), [2, 3]);
    assert.deepEqual(filterLines(lines, { levels: all, text: '', stepKey: 'orders' }), [0, 1]);
    assert.deepEqual(filterLines(lines, { levels: all, text: 'ROWS', stepKey: null }), [1]);
    assert.deepEqual(filterLines(lines, { levels: all, text: 'revenue', stepKey: null }), [2, 3], 'text also matches the step key');
  });
});
