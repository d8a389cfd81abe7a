// `weir runs` and `weir logs` through the real CLI: filter values as people type them, errors that list the allowed
// values, columns that line up whatever the step names, and a log read page by page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TempDirs, latestRun, weir, writeProject } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

// One step with a long name that logs (a multi-line message among them), one that fails: the run fails.
const FILES = {
  'weir.yaml': 'name: logs_test\nconcurrency: 1\n',
  'definitions/a.ts': `import { asset } from 'weir';
export const chatty_step_with_a_long_name = asset({ key: 'chatty_step_with_a_long_name' }, (_, ctx) => {
  for (let i = 0; i < 2500; i++) ctx.log.debug(\`debug line \${i}\`);
  ctx.log.info('first line\\nsecond line');
  ctx.log.warn('careful');
  console.error('from console.error');
  return 'select 1 as x';
});
export const b = asset({ key: 'b', inputs: { chatty_step_with_a_long_name } }, () => { throw new Error('boom'); });
`,
};

describe('weir runs and weir logs', () => {
  let dir: string;
  let runId: string;
  before(async () => {
    dir = writeProject(temp.make(), FILES);
    const run = await weir(['run', '--project', dir]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    runId = (await latestRun(dir)).runId;
  });

  it('--status is understood in any case and spelling, and names what it found nothing of', async () => {
    for (const status of ['failed', 'FAILED', 'Failure', 'failed,cancelled']) {
      const runs = await weir(['runs', '--status', status, '--project', dir]);
      assert.equal(runs.code, 0, runs.stderr);
      assert.match(runs.stdout, new RegExp(runId.slice(0, 8)), `--status ${status} lists the failed run`);
    }
    const none = await weir(['runs', '--status', 'succeeded', '--project', dir]);
    assert.equal(none.code, 0);
    assert.equal(none.stdout.trim(), 'No succeeded runs (of the 1 run recorded). See them all with `weir runs`.');
    assert.doesNotMatch(none.stdout, /No runs yet/);
  });

  it('an unknown --status or --level is an error that lists the allowed values', async () => {
    const status = await weir(['runs', '--status', 'broken', '--project', dir]);
    assert.equal(status.code, 1);
    assert.match(status.stderr, /--status 'broken' is not a run status\. Use one of: queued, running, succeeded, failed, cancelling, cancelled/);
    const level = await weir(['logs', runId.slice(0, 8), '--level', 'bogus', '--project', dir]);
    assert.equal(level.code, 1);
    assert.match(level.stderr, /--level 'bogus' is not a log level\. Use one of: debug, info, warn, error/);
    assert.equal(level.stdout, '');
    const step = await weir(['logs', runId.slice(0, 8), '--step', 'nope', '--project', dir]);
    assert.equal(step.code, 1);
    assert.match(step.stderr, /has no step 'nope'\. Its 2 steps: chatty_step_with_a_long_name, b/);
  });

  it('--level keeps that level and above, in any case', async () => {
    const logs = await weir(['logs', runId.slice(0, 8), '--level', 'WARN', '--project', dir]);
    assert.equal(logs.code, 0, logs.stderr);
    const levels = logs.stdout.split('\n').filter((l) => /^\d\d:/.test(l)).map((l) => l.slice(13, 18).trim());
    assert.deepEqual([...new Set(levels)].sort(), ['ERROR', 'WARN']);
    assert.match(logs.stdout, /careful/);
    assert.match(logs.stdout, /from console\.error/);
  });

  it('every line has the same columns, all 2,500+ lines are there, paged in order, and a multi-line message stays in its column', async () => {
    const logs = await weir(['logs', runId.slice(0, 8), '--project', dir]);
    assert.equal(logs.code, 0, logs.stderr);
    const lines = logs.stdout.split('\n').filter((l) => /^\d\d:\d\d:\d\d\.\d{3} /.test(l));
    const width = 'chatty_step_with_a_long_name'.length;
    // time (12) level (5) step (longest key) type (22), one space apart, then the message.
    const columns = new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (DEBUG|INFO |WARN |ERROR) (.{${width}}) ([A-Z_]{1,22} *) (\\S.*)$`);
    for (const line of lines) {
      const m = columns.exec(line);
      assert.ok(m, `columns line up: ${JSON.stringify(line)}`);
      assert.equal(m[3]!.length, 22, `type column: ${line}`);
      assert.ok(['chatty_step_with_a_long_name', 'b', ''].includes(m[2]!.trim()), `step column: ${line}`);
    }
    const debug = lines.filter((l) => l.includes('debug line ')).map((l) => Number(/debug line (\d+)/.exec(l)![1]));
    assert.deepEqual(debug, Array.from({ length: 2500 }, (_, i) => i), 'every line, in order, across pages of 1,000');
    const all = logs.stdout.split('\n');
    const first = all.findIndex((l) => l.endsWith('first line'));
    assert.ok(first >= 0);
    assert.equal(all[first + 1], `${' '.repeat(all[first]!.indexOf('first line'))}second line`);
  });

  it('run-info summarizes the steps without reading the log lines', async () => {
    const info = await weir(['run-info', runId.slice(0, 8), '--json', '--project', dir]);
    assert.equal(info.code, 0, info.stderr);
    const { steps } = JSON.parse(info.stdout) as { steps: Array<{ key: string; status: string }> };
    assert.deepEqual(steps.map((s) => [s.key, s.status]), [['chatty_step_with_a_long_name', 'succeeded'], ['b', 'failed']]);
  });
});
