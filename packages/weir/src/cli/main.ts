/** The `weir` command line: parses arguments and dispatches; errors become one clear paragraph, never a stack. */
import { Command, InvalidArgumentError } from 'commander';
import { isWeirError } from '../shared/errors.js';
import { packageVersion } from '../shared/package-paths.js';
import { parseDuration } from '../shared/duration.js';
import { installStdoutGuard } from './output/stdout-guard.js';
import { style } from './output/style.js';

// Commands are imported when invoked: `weir runs` must not pay for loading exceljs, esbuild or the engine.
const commands = {
  init: () => import('./commands/init-command.js'),
  schedules: () => import('./commands/schedules-command.js'),
  project: () => import('./commands/project-commands.js'),
  run: () => import('./commands/run-command.js'),
  runs: () => import('./commands/runs-command.js'),
  cancel: () => import('./commands/cancel-command.js'),
  dev: () => import('./commands/dev-command.js'),
  serve: () => import('./commands/serve-command.js'),
  dbt: () => import('./commands/dbt-command.js'),
  build: () => import('./commands/build-command.js'),
  sensors: () => import('./commands/sensors-command.js'),
  alert: () => import('./commands/alert-command.js'),
  backfill: () => import('./commands/backfill-command.js'),
};

/** dbt's flags, shared by `weir run`/`weir build` and every `weir dbt` verb. */
function dbtFlags(command: Command, options: { build: boolean }): Command {
  command
    .option('-s, --select <selection...>', 'dbt selection syntax, one or more: revenue+, +premium_wines, tag:monthly, path:models/staging, source:raw+, config.materialized:table, a,b (intersection)', collect)
    .option('--exclude <selection...>', 'leave these out', collect)
    .option('--vars <yaml>', "override vars of dbt_project.yml: YAML or JSON, e.g. '{start_date: 2024-01-01}'")
    .option('-t, --target <name>', 'profiles.yml target (default: the profile\'s target)')
    .option('--profiles-dir <dir>', 'folder holding profiles.yml (default: the project, then ~/.dbt)')
    .option('--project-dir <dir>', 'project folder (dbt spelling of --project)')
    .option('--state <dir>', 'target/ folder of an earlier run, for state:modified, state:new and result:<status> selectors');
  if (options.build) {
    command
      .option('--full-refresh', 'rebuild incremental models from scratch')
      .option('--threads <n>', 'steps run at once (dbt spelling of --concurrency)', positiveInt)
      .option('-x, --fail-fast', 'stop at the first failure');
  }
  return command;
}

type DbtFlagValues = { select?: string[]; exclude?: string[]; vars?: string; target?: string; profilesDir?: string; fullRefresh?: boolean; threads?: number; failFast?: boolean; state?: string };

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1.');
  return n;
}

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535.');
  return n;
}

function logFormat(value: string): 'text' | 'json' {
  if (value !== 'text' && value !== 'json') throw new InvalidArgumentError("must be 'text' or 'json'.");
  return value;
}

function graceDuration(value: string): number {
  try {
    return parseDuration(/^\d+$/.test(value) ? `${value}s` : value);
  } catch {
    throw new InvalidArgumentError('must be a duration such as 30s, 2m or 90 (seconds).');
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(/\s+/).filter(Boolean)];

function buildProgram(setExit: (code: number) => void, onProject: (dir: string) => void = () => undefined): Command {
  const program = new Command('weir')
    .description('Weir: run data pipelines as assets on DuckDB and see what flowed, how much, and whether it was good.')
    .version(packageVersion(), '-V, --version', 'print the version of Weir')
    .option('--project <dir>', 'project folder (default: the current directory)', '.')
    .showHelpAfterError('(run `weir --help` for usage)')
    .configureOutput({ outputError: (text, write) => write(style.red(text)) });
  const projectOf = (command: Command) => (command.opts() as { projectDir?: string }).projectDir ?? (command.optsWithGlobals() as { project: string; projectDir?: string }).projectDir ?? (command.optsWithGlobals() as { project: string }).project;
  const action = <A extends unknown[]>(fn: (...args: A) => Promise<number>) => async (...args: A) => {
    // Commander passes the command last: remember its project, whose secrets an error message must not show.
    const command = args[args.length - 1];
    if (command instanceof Command) onProject(projectOf(command));
    setExit(await fn(...args));
  };

  program.command('init [dir]').description('create a new project that runs as it is').action(action(async (dir?: string) => (await commands.init()).initCommand({ dir: dir ?? '.' })));
  program.command('validate').description('load and check the definitions without running anything').option('--json', 'machine-readable output')
    .action(action(async (opts: { json?: boolean }, cmd: Command) => (await commands.project()).validateCommand({ project: projectOf(cmd), json: opts.json })));
  program.command('assets').description('list assets with their dependencies, status and last materialization').option('--json', 'machine-readable output')
    .action(action(async (opts: { json?: boolean }, cmd: Command) => (await commands.project()).assetsCommand({ project: projectOf(cmd), json: opts.json })));
  for (const name of ['run', 'build']) {
    dbtFlags(program.command(name).description(name === 'run' ? 'materialize assets and run their checks (in a dbt project: dbt build)' : 'same as run (dbt spelling)'), { build: true })
      .option('-c, --concurrency <n>', 'steps run at once (default: the project setting)', positiveInt)
      .option('--skip-unchanged', 'reuse assets whose code and inputs did not change since their last materialization')
      .option('--partition <key>', 'the partition of partitioned assets to materialize, e.g. 2025-03 (default: the latest complete one of time partitions)')
      .option('--json', 'print events as JSON lines')
      .action(action(async (opts: DbtFlagValues & { concurrency?: number; skipUnchanged?: boolean; partition?: string; json?: boolean }, cmd: Command) =>
        (await commands.build()).buildCommand({ project: projectOf(cmd), verb: 'build', allAssets: true, ...opts })));
  }
  const dbt = program.command('dbt').description("dbt's verbs on a dbt project (a folder with dbt_project.yml, or weir.yaml's dbt:)");
  const verbs: Array<[string, string, boolean]> = [
    ['build', 'seeds, models and tests in graph order; a failing test blocks what is downstream', true],
    ['run', 'models only, no tests', true],
    ['test', 'run the tests on the published tables', false],
    ['seed', 'load the CSV seeds', true],
    ['snapshot', 'build the snapshots (type-2 history tables) in graph order', true],
    ['compile', 'write the compiled SQL to target/compiled (prints it for a single selected model)', false],
    ['ls', 'list the selected nodes', false],
    ['parse', 'parse the project and write target/manifest.json', false],
  ];
  for (const [verb, description, build] of verbs) {
    const command = dbtFlags(dbt.command(verb).description(description), { build });
    if (verb === 'ls') {
      command.option('--output <format>', 'selector (default), name, path or json')
        .option('--resource-type <type...>', 'only these node types: model, seed, test, source, snapshot', collect)
        .option('--resource-types <type...>', 'same as --resource-type', collect);
    }
    if (verb === 'compile') command.option('--full-refresh', 'compile incremental models as a full refresh');
    command.option('--json', 'machine-readable output')
      .action(action(async (opts: DbtFlagValues & { json?: boolean; output?: 'selector' | 'name' | 'path' | 'json'; resourceType?: string[]; resourceTypes?: string[] }, cmd: Command) => {
        const { resourceTypes, ...rest } = opts;
        const resourceType = [...rest.resourceType ?? [], ...resourceTypes ?? []];
        return (await commands.dbt()).dbtCommand({ project: projectOf(cmd), verb: verb as 'build', ...rest, resourceType: resourceType.length ? resourceType : undefined });
      }));
  }
  dbtFlags(dbt.command('run-operation <macro>').description("run a macro (its run_query / statement calls), like dbt run-operation"), { build: false })
    .option('--args <yaml>', "the macro's arguments, YAML or JSON: '{table: orders, days: 7}'")
    .action(action(async (macro: string, opts: DbtFlagValues & { args?: string }, cmd: Command) =>
      (await commands.dbt()).runOperationCommand({ project: projectOf(cmd), verb: 'run-operation', macro, ...opts })));
  const docs = dbt.command('docs').description("dbt's docs commands");
  dbtFlags(docs.command('generate').description('write target/manifest.json and target/catalog.json (columns and types from the warehouse)'), { build: false })
    .action(action(async (opts: DbtFlagValues, cmd: Command) => (await commands.dbt()).docsGenerateCommand({ project: projectOf(cmd), verb: 'docs generate', ...opts })));
  const source = dbt.command('source').description("dbt's source commands");
  dbtFlags(source.command('freshness').description('how long ago each source was loaded, against its warn_after / error_after; writes target/sources.json'), { build: false })
    .option('-o, --output <path>', 'where to write sources.json (default: target/sources.json)')
    .action(action(async (opts: DbtFlagValues & { output?: string }, cmd: Command) =>
      (await commands.dbt()).sourceFreshnessCommand({ project: projectOf(cmd), verb: 'source freshness', ...opts, outputPath: opts.output, output: undefined })));
  program.command('dev [projectDir]').description('serve the project (API on 127.0.0.1); other commands on it then run through this process')
    .option('--port <port>', 'port (default 3000)', positiveInt).option('--host <host>', 'interface to bind (default 127.0.0.1; another needs WEIR_TOKEN of 32+ characters)')
    .option('--trust-proxy', 'behind a reverse proxy: believe its X-Forwarded-Proto/Host/For (also WEIR_TRUST_PROXY=1)')
    .action(action(async (projectDir: string | undefined, opts: { port?: number; host?: string; trustProxy?: boolean }, cmd: Command) =>
      (await commands.dev()).devCommand({ project: projectDir ?? projectOf(cmd), ...opts })));
  program.command('serve [projectDir]').description('run unattended: serve the API and UI, run schedules, sensors and alerts; stop cleanly on SIGTERM')
    .option('--port <port>', 'port (default 3000; 0 picks a free one, logged at start)', portNumber).option('--host <host>', 'interface to bind (default 127.0.0.1; another needs WEIR_TOKEN of 32+ characters)')
    .option('--trust-proxy', 'behind a reverse proxy: believe its X-Forwarded-Proto/Host/For (also WEIR_TRUST_PROXY=1)')
    .option('--log-format <format>', 'text (default) or json: one JSON object per line (time, level, message, fields)', logFormat, 'text')
    .option('--grace <duration>', 'after SIGTERM, how long runs in flight may finish before they are cancelled (default 30s)', graceDuration)
    .action(action(async (projectDir: string | undefined, opts: { port?: number; host?: string; trustProxy?: boolean; logFormat: 'text' | 'json'; grace?: number }, cmd: Command) =>
      (await commands.serve()).serveCommand({ project: projectDir ?? projectOf(cmd), port: opts.port, host: opts.host, trustProxy: opts.trustProxy, logFormat: opts.logFormat, graceMs: opts.grace })));
  program.command('runs').description('list recent runs').option('--json', 'machine-readable output').option('-n, --limit <n>', 'how many', positiveInt).option('--status <status>', 'only runs with this status')
    .action(action(async (opts: { json?: boolean; limit?: number; status?: string }, cmd: Command) => (await commands.runs()).runsCommand({ project: projectOf(cmd), ...opts })));
  program.command('run-info <runId>').description('steps, timings, inputs, materializations and checks of one run').option('--json', 'machine-readable output')
    .action(action(async (runId: string, opts: { json?: boolean }, cmd: Command) => (await commands.runs()).runInfoCommand({ project: projectOf(cmd), runId, json: opts.json })));
  program.command('sensors').description('list sensors and webhooks with their state and last evaluations').option('--json', 'machine-readable output')
    .action(action(async (opts: { json?: boolean }, cmd: Command) => (await commands.sensors()).sensorsCommand({ project: projectOf(cmd), json: opts.json })));
  const sensorCommand = program.command('sensor').description('pause or resume a sensor (the state is stored and survives restarts)');
  for (const verb of ['pause', 'resume'] as const) {
    sensorCommand.command(`${verb} <name>`).description(verb === 'pause' ? 'stop evaluating the sensor until it is resumed' : 'evaluate the sensor again')
      .action(action(async (name: string, _opts: unknown, cmd: Command) => (await commands.sensors()).sensorStateCommand({ project: projectOf(cmd), name, action: verb })));
  }
  program.command('cancel <runId>').description('cancel a run, whatever process runs it (any unique prefix of its id)')
    .option('--no-wait', 'return once the request is recorded').option('--json', 'machine-readable output')
    .action(action(async (runId: string, opts: { wait?: boolean; json?: boolean }, cmd: Command) => (await commands.cancel()).cancelCommand({ project: projectOf(cmd), runId, ...opts })));
  const backfill = program.command('backfill').description('run the partitions of partitioned assets: a range of keys, only missing or failed ones, or all (handed to weir dev/serve when one runs)')
    .option('-s, --select <selection>', 'assets to backfill, in selection syntax (default: every partitioned asset)', collect)
    .option('--from <key>', 'first partition key (included)').option('--to <key>', 'last partition key (included)')
    .option('--missing', 'only partitions without a successful materialization').option('--failed', 'only partitions whose last materialization failed')
    .option('--all', 'every partition').option('-c, --concurrency <n>', 'partitions run at once (default 4)', positiveInt)
    .option('--json', 'print progress as JSON lines')
    .action(action(async (opts: { select?: string[]; from?: string; to?: string; missing?: boolean; failed?: boolean; all?: boolean; concurrency?: number; json?: boolean }, cmd: Command) =>
      (await commands.backfill()).backfillCommand({ project: projectOf(cmd), ...opts })));
  backfill.command('cancel <backfillId>').description('cancel a whole backfill: nothing new starts, its running runs are cancelled (any unique prefix of its id)')
    .option('--json', 'machine-readable output')
    .action(action(async (backfillId: string, opts: { json?: boolean }, cmd: Command) => (await commands.backfill()).backfillCancelCommand({ project: projectOf(cmd), backfillId, json: opts.json })));
  backfill.command('retry-failed <backfillId>').description('re-run the failed and cancelled partitions of an ended backfill, as a new backfill linked to it')
    .option('-c, --concurrency <n>', 'partitions run at once (default: as the first backfill)', positiveInt).option('--json', 'print progress as JSON lines')
    .action(action(async (backfillId: string, opts: { concurrency?: number; json?: boolean }, cmd: Command) => (await commands.backfill()).backfillRetryCommand({ project: projectOf(cmd), backfillId, ...opts })));
  program.command('backfills').description('list backfills with their partitions done, running, failed and queued').option('--json', 'machine-readable output').option('-n, --limit <n>', 'how many', positiveInt)
    .action(action(async (opts: { json?: boolean; limit?: number }, cmd: Command) => (await commands.backfill()).backfillsCommand({ project: projectOf(cmd), ...opts })));
  program.command('logs <runId>').description("a run's events and log lines").option('--step <key>', 'only this step').option('--level <level>', 'debug, info, warn or error').option('--json', 'JSON lines')
    .action(action(async (runId: string, opts: { step?: string; level?: 'debug' | 'info' | 'warn' | 'error'; json?: boolean }, cmd: Command) => (await commands.runs()).logsCommand({ project: projectOf(cmd), runId, ...opts })));
  program.command('schedules').description('schedules: cron in words, time zone, next ticks, last tick and its result').option('--json', 'machine-readable output')
    .action(action(async (opts: { json?: boolean }, cmd: Command) => (await commands.schedules()).schedulesCommand({ project: projectOf(cmd), ...opts })));
  const scheduleCommand = program.command('schedule').description('pause or resume a schedule (works without a running weir dev / weir serve)');
  for (const verb of ['pause', 'resume'] as const) {
    scheduleCommand.command(`${verb} <name>`).description(verb === 'pause' ? 'stop starting runs on its ticks (survives restarts)' : 'start runs again from its next tick')
      .option('--json', 'machine-readable output')
      .action(action(async (name: string, opts: { json?: boolean }, cmd: Command) => (await commands.schedules()).schedulePauseCommand({ project: projectOf(cmd), name, paused: verb === 'pause', ...opts })));
  }
  scheduleCommand.command('ticks <name>').description('every recorded tick of a schedule, newest first: started run, skipped or failed, and why')
    .option('-n, --limit <n>', 'how many (default 20)', positiveInt).option('--json', 'machine-readable output')
    .action(action(async (name: string, opts: { limit?: number; json?: boolean }, cmd: Command) => (await commands.schedules()).scheduleTicksCommand({ project: projectOf(cmd), name, ...opts })));
  const alert = program.command('alert').description('alert channels declared in weir.yaml');
  alert.command('test <channel>').description('send a test message to a channel and print what its receiver answered').option('--json', 'machine-readable output')
    .action(action(async (channel: string, opts: { json?: boolean }, cmd: Command) => (await commands.alert()).alertTestCommand({ project: projectOf(cmd), channel, ...opts })));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  installStdoutGuard();
  let exitCode = 0;
  let projectDir: string | undefined;
  const program = buildProgram((code) => { exitCode = code; }, (dir) => { projectDir = dir; });
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const { corruptMetadataError } = await import('./corrupt-metadata.js');
    const known = (await corruptMetadataError(error, (program.opts() as { project: string }).project).catch(() => undefined)) ?? error;
    exitCode = reportError(known, await secretRedactorOf(projectDir));
  }
  process.exitCode = exitCode;
}

/**
 * Masks the secret settings of the command's project in an error message: an error thrown while the definitions
 * load (a connection that failed with its password in the message) happens before any run could mask it.
 */
async function secretRedactorOf(projectDir: string | undefined): Promise<(text: string) => string> {
  if (projectDir === undefined) return (text) => text;
  try {
    const [{ loadProjectConfig }, { secretRedactor }, { secretValues }] = await Promise.all([
      import('../loaders/project/load-project-config.js'), import('../shared/redact.js'), import('../definitions/project.js'),
    ]);
    return secretRedactor(secretValues(loadProjectConfig(projectDir)));
  } catch {
    return (text) => text; // weir.yaml itself is what failed: no secret values were read.
  }
}

function reportError(error: unknown, redact: (text: string) => string): number {
  const e = error as { code?: string; exitCode?: number; name?: string; errors?: unknown[] };
  if (typeof e?.code === 'string' && e.code.startsWith('commander.')) return e.exitCode ?? 2;
  const write = (text: string) => process.stderr.write(redact(text));
  // An error may carry the exit code its command documents (dbt verbs: 2 for a project that does not parse).
  const code = typeof e?.exitCode === 'number' ? e.exitCode : 1;
  if (e?.name === 'WeirErrors' && Array.isArray(e.errors)) {
    for (const item of e.errors) write(`${style.red('error')} ${(item as Error).message}\n`);
    return code;
  }
  if (isWeirError(error)) {
    write(`${style.red('error')} ${error.message}\n`);
    return code;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`${style.red('error')} ${message}\n${style.dim('This looks like a bug in Weir. Set WEIR_DEBUG=1 to see the stack trace, and please report it.')}\n`);
  if (process.env.WEIR_DEBUG) write(`${(error as Error)?.stack ?? ''}\n`);
  return 70;
}
