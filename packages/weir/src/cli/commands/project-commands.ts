/** `weir validate` and `weir assets`: what the project defines and the state of each asset. */
import { relative } from 'node:path';
import { assetStates, type AssetStatus } from '../../engine/asset-status.js';
import { formatLocation } from '../../shared/errors.js';
import { describeCron } from '../../shared/describe-cron.js';
import { stringifyJson } from '../../shared/json.js';
import { plural } from '../../shared/plural.js';
import { buildAssetGraph } from '../../graph/index.js';
import { loadProject } from '../../loaders/index.js';
import { projectRedactor } from '../../engine/launch-run.js';
import { openLocalInstance } from '../local-instance.js';
import { ruleAssets } from '../../scheduler/alerts/rule-assets.js';
import { PROJECT_FILE } from '../../loaders/project/load-project-config.js';
import { printProjectWarnings } from '../output/project-warnings.js';
import { statusText, style, type DisplayStatus } from '../output/style.js';
import { formatNumber, formatTime, renderTable } from '../output/table.js';

const STATUS_DISPLAY: Record<AssetStatus, DisplayStatus> = { never: 'pending', fresh: 'succeeded', stale: 'warn', check_failed: 'failed', observed: 'succeeded', missing: 'failed' };

/**
 * `weir validate`: loads the project, builds its graph and parses the SQL of its models and assets with DuckDB's
 * parser on an in-memory database: nothing runs, and neither the warehouse nor the metadata file is opened.
 * Exit 1 with every SQL syntax error, each as a run would report it.
 */
export async function validateCommand(options: { project: string; json?: boolean }): Promise<number> {
  const loaded = await loadProject(options.project);
  const { definitions, cached, loadMs } = loaded;
  printProjectWarnings(definitions.project);
  const graph = buildAssetGraph(definitions);
  // Alert rules whose asset filters match nothing (unknown or disabled channels are load warnings, printed above).
  printProjectWarnings({ warnings: ruleAssets(definitions.project.alerts?.rules ?? [], graph, definitions.project.root).warnings.map((w) => `${PROJECT_FILE}${w.line ? `:${w.line}` : ''}: ${w.message}`) });
  const { checkSqlSyntax } = await import('../../engine/sql-syntax-check.js');
  const sql = await checkSqlSyntax(definitions, loaded.dbt);
  const { project } = definitions;
  const checks = definitions.assets.reduce((n, a) => n + a.checks.length, 0);
  const valid = sql.errors.length === 0;
  // A syntax error's hint quotes the SQL, which may hold a secret setting's value.
  const redact = projectRedactor(definitions);
  const write = (stream: NodeJS.WriteStream, text: string) => stream.write(redact(text));
  if (options.json) {
    write(process.stdout, `${stringifyJson({
      valid, project: project.name, assets: definitions.assets.length, externals: definitions.externals.length, checks, schedules: definitions.schedules?.length ?? 0,
      sensors: definitions.sensors?.length ?? 0, webhooks: definitions.webhooks?.length ?? 0,
      sql: { parsed: sql.parsed.length, notChecked: sql.notChecked },
      errors: sql.errors.map((e) => ({ code: e.code, message: e.message, ...(e.location ? { location: formatLocation(e.location) } : {}) })),
    })}\n`);
    return valid ? 0 : 1;
  }
  if (!valid) {
    for (const error of sql.errors) write(process.stderr, `${style.red('error')} ${error.message}\n`);
    write(process.stderr, `${statusText('failed', 'invalid')}  ${style.bold(project.name)}: ${plural(sql.errors.length, 'SQL syntax error')} (nothing was run)\n`);
    return 1;
  }
  const lines = [
    `${statusText('succeeded', 'valid')}  ${style.bold(project.name)}: ${plural(definitions.assets.length, 'asset')}, ${plural(definitions.externals.length, 'input file')}, ${plural(checks, 'check')}${automationCounts(definitions)} ${style.dim(`(loaded in ${Math.round(loadMs)} ms${cached ? ', from cache' : ''})`)}`,
  ];
  if (sql.parsed.length || sql.notChecked.length) {
    lines.push(`  SQL parsed for ${plural(sql.parsed.length, 'asset')}${sql.notChecked.length ? style.dim(`; known only when run (not checked): ${sql.notChecked.map((n) => `${n.key} (${n.reason})`).join(', ')}`) : ''}`);
  }
  if (definitions.schedules?.length) {
    lines.push(style.bold('Schedules'));
    const nameWidth = Math.max(...definitions.schedules.map((s) => s.name.length));
    const cronWidth = Math.max(...definitions.schedules.map((s) => s.cron.length));
    for (const s of definitions.schedules) {
      lines.push(`  ${s.name.padEnd(nameWidth)}  ${s.cron.padEnd(cronWidth)}  ${style.dim(`${describeCron(s.cron, s.timezone)}${s.timezoneIsDefault ? ' (no time zone set: UTC)' : ''}`)}`);
    }
  }
  const settings = Object.entries(project.settingSources);
  if (settings.length) {
    lines.push(style.bold('Settings'));
    for (const [name, source] of settings) {
      const value = project.secretSettings.includes(name) ? '***' : project.settings[name];
      lines.push(`  ${name} = ${value === undefined ? style.yellow('(not set)') : String(value)} ${style.dim(`(${source})`)}`);
    }
  }
  write(process.stdout, `${lines.join('\n')}\n`);
  return 0;
}

export async function assetsCommand(options: { project: string; json?: boolean }): Promise<number> {
  const instance = await openLocalInstance(options.project);
  try {
    const { definitions } = instance.loaded;
    const states = await assetStates(definitions, instance.storage);
    const rows = instance.graph.topologicalOrder().map((key) => {
      const node = instance.graph.get(key)!;
      const state = states.get(key)!;
      const definition = node.definition;
      return {
        key,
        type: node.kind,
        kinds: [...definition.kinds],
        group: definition.group,
        upstream: [...node.upstream],
        downstream: [...node.downstream],
        description: definition.description ?? null,
        tags: [...definition.tags],
        owners: [...definition.owners],
        location: definition.location ? formatLocation({ ...definition.location, file: relative(definition.location.file.startsWith('/') ? instance.loaded.definitions.project.root : '', definition.location.file) }) : null,
        checks: (definition.checks ?? []).map((c) => c.name),
        status: state.status,
        staleBecause: state.staleBecause,
        lastMaterialization: state.latest ? { runId: state.latest.runId, timestamp: state.latest.timestamp, rowCount: state.latest.rowCount, location: state.latest.storage.location } : null,
        lastObservation: state.observation ? { runId: state.observation.runId, timestamp: state.observation.timestamp, hash: state.observation.hash, path: state.observation.path, ...(state.observation.rowCount !== undefined ? { rowCount: state.observation.rowCount } : {}) } : null,
      };
    });
    if (options.json) {
      process.stdout.write(`${stringifyJson(rows)}\n`);
      return 0;
    }
    process.stdout.write(`${renderTable(['asset', 'kind', 'group', 'upstream', 'status', 'last materialized', 'rows', 'checks'], rows.map((r) => [
      r.key, r.kinds.join(','), r.group, r.upstream.join(', ') || style.dim('—'),
      statusText(STATUS_DISPLAY[r.status], r.status === 'stale' ? `stale (${r.staleBecause.join(', ')})` : r.status.replace('_', ' ')),
      formatTime(r.lastMaterialization?.timestamp ?? r.lastObservation?.timestamp), formatNumber(r.lastMaterialization?.rowCount ?? r.lastObservation?.rowCount ?? null),
      r.checks.length ? String(r.checks.length) : '',
    ]))}\n`);
    return 0;
  } finally {
    await instance.close();
  }
}

/** ', 2 sensors, 1 webhook' when the project has any (nothing otherwise). */
function automationCounts(definitions: { schedules?: readonly unknown[]; sensors?: readonly unknown[]; webhooks?: readonly unknown[] }): string {
  const parts = [
    ...(definitions.schedules?.length ? [plural(definitions.schedules.length, 'schedule')] : []),
    ...(definitions.sensors?.length ? [plural(definitions.sensors.length, 'sensor')] : []),
    ...(definitions.webhooks?.length ? [plural(definitions.webhooks.length, 'webhook')] : []),
  ];
  return parts.length ? `, ${parts.join(', ')}` : '';
}
