// Run-level retries end to end: `weir serve` (automation host, run-retries loop) retries a run that failed on a
// transient error, and the run pages show the chain (retry N of M, links both ways) in a real Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { spawnWeir, TempDirs, writeProject } from '../../weir/test/e2e/cli-helper.ts';
import { launchBrowser } from './ui-server.ts';

const WAIT_MS = 20_000;
const temp = new TempDirs();
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let serve: ReturnType<typeof spawnWeir>;
let url = '';
const pageErrors: string[] = [];

before(async () => {
  const dir = writeProject(temp.make('weir-ui-retry-'), {
    'weir.yaml': 'name: retry_shop\n',
    // Fails with a connection reset the first time (a marker file remembers it across runs), then succeeds.
    'definitions/flaky.ts': `import { asset } from 'weir';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const marker = join(${JSON.stringify(temp.make('weir-ui-retry-marker-'))}, 'failed-once');
export const prices = asset({ key: 'prices', runRetry: { max: 2, delay: 0 } }, () => {
  if (!existsSync(marker)) {
    writeFileSync(marker, '');
    throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  }
  return 'select 42 as price';
});
export const report = asset({ key: 'report', inputs: { prices } }, ({ prices }) => \`select * from \${prices}\`);
`,
  });
  serve = spawnWeir(['serve', '--project', dir, '--port', '0', '--log-format', 'json']);
  let out = '';
  serve.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  const deadline = Date.now() + WAIT_MS;
  while (!/"serving retry_shop at (http:[^"]+)"/.test(out)) {
    if (Date.now() > deadline) throw new Error(`weir serve did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  url = /"serving retry_shop at (http:[^"]+)"/.exec(out)![1]!;
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
});
after(async () => {
  await browser?.cleanup();
  if (serve && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve.on('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
  }
  temp.cleanup();
});

interface Run { runId: string; status: string; trigger: string; parentRunId: string | null; rootRunId: string | null; tags: Record<string, string> }

describe('run-level retries in the UI', () => {
  it('a run failing on a transient error is retried by weir serve; both run pages show the chain', async () => {
    const response = await fetch(`${url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const { runId: first } = (await response.json()) as { runId: string };
    let runs: Run[] = [];
    const deadline = Date.now() + WAIT_MS;
    while (!(runs.length === 2 && runs[0]!.status === 'SUCCESS')) {
      if (Date.now() > deadline) assert.fail(`no successful retry: ${JSON.stringify(runs)}`);
      await new Promise((r) => setTimeout(r, 100));
      runs = ((await (await fetch(`${url}/api/runs`)).json()) as { runs: Run[] }).runs;
    }
    const [retry, failed] = runs as [Run, Run];
    assert.equal(failed.runId, first);
    assert.equal(failed.status, 'FAILURE');
    assert.deepEqual([retry.trigger, retry.parentRunId, retry.rootRunId, retry.tags['weir/retry-of'], retry.tags['weir/retry-attempt']], ['retry', first, first, first, '1']);

    await page.goto(`${url}/#/runs/${retry.runId}`);
    const retryOf = page.locator('[data-testid="retry-of"]');
    await retryOf.waitFor();
    assert.equal((await retryOf.textContent())?.replace(/\s+/g, ' '), `Retry 1 of 2 of ${first.slice(0, 8)}`);
    assert.equal(await retryOf.locator('a').getAttribute('href'), `#/runs/${first}`);
    await page.screenshot({ path: join(temp.make('weir-ui-retry-shot-'), 'retry.png') });
    if (process.env.WEIR_SCREENSHOTS) await page.screenshot({ path: join(process.env.WEIR_SCREENSHOTS, 'run-retry.png') });

    await retryOf.locator('a').click();
    const retriedAs = page.locator('[data-testid="retried-as"]');
    await retriedAs.waitFor();
    assert.equal((await retriedAs.textContent())?.replace(/\s+/g, ' '), `Retried as ${retry.runId.slice(0, 8)} (1 of 2)`);
    if (process.env.WEIR_SCREENSHOTS) await page.screenshot({ path: join(process.env.WEIR_SCREENSHOTS, 'run-retried.png') });
    assert.deepEqual(pageErrors, []);
  });
});
