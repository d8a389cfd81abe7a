/** One asset: definition, code or SQL, columns and how they changed, history plots, checks, upstream and downstream. */
import { useState } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { useApi, useLiveReload, type Loaded } from '../../api/use-api.ts';
import type { ApiCheckEvaluation, ApiMaterialization, AssetDetail, AssetPartitions, AssetSummary } from '../../api/types.ts';
import { assetHref, href, navigate, runHref } from '../../app/router.tsx';
import { LineChart } from '../../components/charts.tsx';
import { formatAgo, formatBytes, formatCount, formatDateTime, formatDuration, formatValue, plural, shortId } from '../../components/format.ts';
import { Empty, ErrorPanel, Section, Skeleton } from '../../components/Panels.tsx';
import { StatusBadge, StatusDot } from '../../components/StatusBadge.tsx';
import { iconOf, labelOf, toneOf } from '../../components/status.ts';
import { useOlderHistory } from './use-older-history.ts';
import { FreshnessSection } from './FreshnessSection.tsx';
import { PartitionStrip } from './PartitionStrip.tsx';
import { checkOutcomeOf } from '../../../../weir/src/events/check-outcome.ts';

const LIVE = 'ASSET_MATERIALIZATION,ASSET_CHECK_EVALUATION,RUN_START,RUN_SUCCESS,RUN_FAILURE,RUN_CANCELED';
/** Materializations per page, first and older ones. */
const MATERIALIZATIONS_PAGE = 50;
/** Evaluations per check and page. */
const CHECK_HISTORY_PAGE = 30;

export function AssetPage({ assetKey }: { assetKey: string }) {
  const detail = useApi(() => api.asset(assetKey, { limit: MATERIALIZATIONS_PAGE, checkLimit: CHECK_HISTORY_PAGE }), [assetKey]);
  const assets = useApi(() => api.assets(), []);
  // Asked with the asset, not after it: a 404 (not partitioned) simply shows no strip.
  const partitions = useApi(() => api.assetPartitions(assetKey), [assetKey]);
  const reload = () => { detail.reload(); assets.reload(); partitions.reload(); };
  useLiveReload(`/api/events/stream?types=${LIVE}`, reload, { throttleMs: 500 });
  // The hook keeps the last answer while it loads the next: never show another asset's page under this key.
  const data = detail.data?.asset.key === assetKey ? detail.data : undefined;
  if (detail.error && !data) {
    if (detail.error instanceof ApiError && detail.error.status === 404) return <AssetNotFound assetKey={assetKey} message={detail.error.message} />;
    return <main className="page"><ErrorPanel error={detail.error} title={`Asset ${assetKey}`} /></main>;
  }
  if (!data) return <main className="page"><div className="page-head"><h1>{assetKey}</h1></div><Skeleton rows={10} /></main>;
  const statusOf = new Map((assets.data?.assets ?? []).map((a) => [a.key, a.status]));
  return <AssetView key={assetKey} detail={data} statusOf={statusOf} partitions={partitions} />;
}

function AssetNotFound({ assetKey, message }: { assetKey: string; message: string }) {
  return (
    <main className="page" data-testid="asset-not-found">
      <div className="page-head"><h1>Asset not found</h1></div>
      <div className="error-panel" role="alert">
        <p>{message || `No asset '${assetKey}' in this project.`}</p>
        <p>It may have been renamed or removed from the definitions. <a href="#/lineage">Find it in the lineage</a>.</p>
      </div>
    </main>
  );
}

function AssetView({ detail, statusOf, partitions }: { detail: AssetDetail; statusOf: Map<string, string>; partitions: Loaded<AssetPartitions> }) {
  const a = detail.asset;
  const [launchError, setLaunchError] = useState<string | null>(null);
  const launch = async (select: string) => {
    setLaunchError(null);
    try {
      navigate(runHref((await api.launch({ select })).runId));
    } catch (e) {
      setLaunchError((e as Error).message);
    }
  };
  const materializations = useOlderHistory(detail.materializations.items, detail.materializations.nextCursor !== null,
    (before) => api.assetMaterializations(a.key, { before, limit: MATERIALIZATIONS_PAGE }), a.key);
  const history = [...materializations.items].reverse();
  // The materialization whose SQL the code section shows: the one clicked in the table, else the latest.
  const [shownEventId, setShownEventId] = useState<number | null>(null);
  const shown = materializations.items.find((m) => m.eventId === shownEventId) ?? materializations.items[0];
  return (
    <main className="page">
      <div className="page-head">
        <h1 style={{ overflowWrap: 'anywhere' }}>{a.key}</h1>
        <StatusBadge status={a.status} />
        {a.staleBecause.length ? <span className="muted">stale because {a.staleBecause.join(', ')} changed</span> : null}
        {a.freshness?.status === 'violated' ? <StatusBadge status="violated" /> : null}
        <span className="spacer" />
        <a className="btn" href={href('/lineage', { select: `+${a.key}+` })}>Show in lineage</a>
        <a className="btn" href={href('/runs', { asset: a.key })}>Runs</a>
        {a.type === 'asset' ? (
          <>
            <button type="button" className="btn" onClick={() => launch(`+${a.key}`)}>Materialize with upstream</button>
            <button type="button" className="btn primary" onClick={() => launch(a.key)}>Materialize</button>
          </>
        ) : null}
      </div>
      {launchError ? <div className="error-panel" role="alert"><p>{launchError}</p></div> : null}
      {a.type === 'asset' ? <PartitionStrip assetKey={a.key} partitions={partitions} /> : null}
      <div className="grid-2">
        <Section title="About">
          {a.description ? <p style={{ marginTop: 0 }}>{a.description}</p> : <p className="muted" style={{ marginTop: 0 }}>No description.</p>}
          <dl className="props">
            <dt>Kinds</dt><dd>{a.kinds.length ? a.kinds.map((k) => <span key={k} className="tag">{k}</span>) : <span className="muted">–</span>}</dd>
            <dt>Group</dt><dd>{a.group}</dd>
            <dt>Owners</dt><dd>{a.owners.length ? a.owners.join(', ') : <span className="muted">–</span>}</dd>
            <dt>Tags</dt><dd>{a.tags.length ? a.tags.map((t) => <span key={t} className="tag">{t}</span>) : <span className="muted">–</span>}</dd>
            <dt>Defined in</dt><dd className="mono">{a.location ?? '–'} {a.origin ? <span className="muted">({a.origin})</span> : null}</dd>
            <dt>Output</dt><dd className="mono">{a.output}</dd>
            <dt>Last materialized</dt><dd>{a.lastMaterialization ? <>{formatDateTime(a.lastMaterialization.timestamp)} · <a className="mono" href={runHref(a.lastMaterialization.runId)}>{shortId(a.lastMaterialization.runId)}</a></> : a.lastObservation ? `observed ${formatAgo(a.lastObservation.timestamp)}` : 'never'}</dd>
            <dt>Rows</dt><dd>{formatCount(a.lastMaterialization?.rowCount)}</dd>
          </dl>
        </Section>
        <Section title="Lineage">
          <div className="grid-2" style={{ gridTemplateColumns: '1fr 1fr', gap: 12 }}>
            <KeyList title="Upstream" keys={a.upstream} statusOf={statusOf} />
            <KeyList title="Downstream" keys={a.downstream} statusOf={statusOf} />
          </div>
        </Section>
      </div>
      <FreshnessSection asset={a} />
      <CodeSection asset={a} materialization={shown} isLatest={shown === materializations.items[0]} />
      <div className="grid-2">
        <Section title="Row count">
          <LineChart title="Rows per materialization" integer format={(v) => formatCount(Math.round(v))} points={history.map((m) => ({ t: m.timestamp, v: m.rowCount, label: shortId(m.runId) }))} />
        </Section>
        <Section title="Duration">
          <LineChart title="Materialization time" color="var(--tone-info)" format={formatDuration} points={history.map((m) => ({ t: m.timestamp, v: m.durationMs, label: shortId(m.runId) }))} />
        </Section>
      </div>
      <div className="grid-2">
        <ColumnsSection detail={detail} />
        <ChecksSection detail={detail} />
      </div>
      <Section title={`Materializations (${materializations.items.length}${materializations.hasMore ? '+' : ''})`} className="flush">
        {materializations.items.length ? (
          <table className="data" data-testid="asset-materializations">
            <thead><tr><th>When</th><th>Run</th><th className="num">Rows</th><th className="num">Duration</th><th className="num">Size</th><th>Columns</th><th>Where</th></tr></thead>
            <tbody>
              {materializations.items.map((m) => {
                const c = m.columnChanges;
                const changes = c ? [...c.added.map((x) => `+${x.name}`), ...c.removed.map((x) => `−${x.name}`), ...c.typeChanged.map((x) => `${x.name}: ${x.from}→${x.to}`)] : [];
                return (
                  <tr key={m.eventId} className={m.sql && m === shown ? 'row-selected' : undefined} aria-selected={m.sql ? m === shown : undefined}>
                    <td className="nowrap">
                      {m.sql ? (
                        <button type="button" className="link-button" title="Show the SQL that ran" onClick={() => setShownEventId(m.eventId)}>{formatDateTime(m.timestamp)}</button>
                      ) : formatDateTime(m.timestamp)}
                    </td>
                    <td><a className="mono" href={runHref(m.runId)}>{shortId(m.runId)}</a></td>
                    <td className="num">{formatCount(m.rowCount)}</td>
                    <td className="num">{formatDuration(m.durationMs)}</td>
                    <td className="num">{formatBytes(m.bytes)}</td>
                    <td>{c === null ? <span className="muted">first</span> : changes.length ? <span className="mono">{changes.join(', ')}</span> : <span className="muted">unchanged</span>}</td>
                    <td className="mono truncate">{m.storage.location}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : <Empty>Never materialized.</Empty>}
        <LoadOlder history={materializations} what="materializations" />
      </Section>
    </main>
  );
}

function KeyList({ title, keys, statusOf }: { title: string; keys: string[]; statusOf: Map<string, string> }) {
  return (
    <div>
      <h3>{title} ({keys.length})</h3>
      {keys.length ? keys.map((k) => (
        <div key={k} style={{ display: 'flex', alignItems: 'center', gap: 6, padding: '2px 0' }}>
          <StatusDot status={statusOf.get(k) ?? 'never'} /><a href={assetHref(k)}>{k}</a>
        </div>
      )) : <div className="muted">None</div>}
    </div>
  );
}

/**
 * The definition as written (the TypeScript declaration, or the model's SQL file), and for SQL the statement that
 * ran for the materialization picked in the table (the latest by default): Jinja and refs resolved.
 */
function CodeSection({ asset, materialization, isLatest }: { asset: AssetSummary; materialization?: ApiMaterialization; isLatest: boolean }) {
  const ran = materialization?.sql;
  const ranLabel = materialization ? `SQL that ran (${isLatest ? 'latest, ' : ''}${formatDateTime(materialization.timestamp)})` : '';
  const tabs = [
    ...(asset.code ? [{ id: 'code', label: asset.origin === 'sql' ? 'SQL model' : 'Definition', text: asset.code }] : []),
    ...(ran ? [{ id: 'sql', label: ranLabel, text: ran }] : []),
  ];
  const [tab, setTab] = useState(tabs[0]?.id);
  // Picking a materialization in the table shows what it ran.
  const [lastShown, setLastShown] = useState(materialization?.eventId);
  if (materialization?.eventId !== lastShown) {
    setLastShown(materialization?.eventId);
    if (ran && !isLatest) setTab('sql');
  }
  const current = tabs.find((t) => t.id === tab) ?? tabs[0];
  if (!current) return null;
  return (
    <Section title="Code" actions={
      <div className="tabs" role="tablist">
        {tabs.map((t) => <button key={t.id} type="button" role="tab" aria-selected={t.id === current.id} onClick={() => setTab(t.id)}>{t.label}</button>)}
      </div>
    }>
      {current.id === 'sql' && materialization ? (
        <div className="muted" style={{ marginBottom: 6 }}>Run <a className="mono" href={runHref(materialization.runId)}>{shortId(materialization.runId)}</a>; pick another materialization below to see what it ran.</div>
      ) : null}
      <pre className="code" role="tabpanel" data-testid={`code-${current.id}`}>{current.text}</pre>
    </Section>
  );
}

function ColumnsSection({ detail }: { detail: AssetDetail }) {
  const latest = detail.materializations.items[0]?.columnChanges;
  const added = new Set(latest?.added.map((c) => c.name));
  const changed = new Map(latest?.typeChanged.map((c) => [c.name, c.from]));
  return (
    <Section title={`Columns (${detail.columns.length})`} className="flush">
      {detail.columns.length ? (
        <table className="data">
          <thead><tr><th>Name</th><th>Type</th><th>Change in last materialization</th></tr></thead>
          <tbody>
            {detail.columns.map((c) => (
              <tr key={c.name} className={added.has(c.name) ? 'col-added' : changed.has(c.name) ? 'col-changed' : undefined}>
                <td className="mono">{c.name}</td>
                <td className="mono">{c.type}</td>
                <td>{added.has(c.name) ? 'added' : changed.has(c.name) ? `type was ${changed.get(c.name)}` : ''}</td>
              </tr>
            ))}
            {latest?.removed.map((c) => (
              <tr key={`-${c.name}`} className="col-removed"><td className="mono">{c.name}</td><td className="mono">{c.type}</td><td>removed</td></tr>
            ))}
          </tbody>
        </table>
      ) : <Empty>No columns recorded yet: materialize the asset.</Empty>}
    </Section>
  );
}

function ChecksSection({ detail }: { detail: AssetDetail }) {
  return (
    <Section title={`Checks (${detail.checks.length})`}>
      {detail.checks.length ? (
        <div style={{ display: 'flex', flexDirection: 'column', gap: 10 }}>
          {detail.checks.map((check) => <CheckCard key={check.name} assetKey={detail.asset.key} check={check} />)}
        </div>
      ) : <Empty>No checks on this asset.</Empty>}
    </Section>
  );
}

/** One check: its latest result, and its history as dots (oldest left) with "Load older". */
function CheckCard({ assetKey, check }: { assetKey: string; check: AssetDetail['checks'][number] }) {
  const history = useOlderHistory(check.history, check.history.length >= CHECK_HISTORY_PAGE,
    (before) => api.assetChecks(assetKey, { check: check.name, before, limit: CHECK_HISTORY_PAGE }), `${assetKey}\u0000${check.name}`);
  const latest = history.items[0];
  const status = latest ? evaluationStatus(latest) : 'never';
  return (
    <div className={`check-card tone-${toneOf(status)}`} data-check={check.name}>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <strong>{check.name}</strong><span className="muted">{check.type} · {check.severity}</span>
        <span className="spacer" style={{ flex: 1 }} />
        <StatusBadge status={status} />
      </div>
      {check.description ? <div className="muted">{check.description}</div> : null}
      {latest ? (
        <>
          <div>{latest.message}</div>
          <div className="run-meta">
            <span>Observed <b className="mono">{formatValue(latest.observed)}</b></span>
            <span>Expected <b className="mono">{formatValue(latest.expected)}</b></span>
            {latest.failingRows !== null ? <span>Failing rows <b>{formatCount(latest.failingRows)}</b></span> : null}
            <span><a href={runHref(latest.runId)}>{formatAgo(latest.timestamp)}</a></span>
          </div>
          {!latest.passed && latest.samples.length ? <Samples rows={latest.samples} /> : null}
          <div className="history-dots" role="list" aria-label={`History of ${check.name}, oldest first (${history.hasMore ? `${history.items.length}+ evaluations` : plural(history.items.length, 'evaluation')})`}>
            {[...history.items].reverse().map((h) => {
              const result = evaluationStatus(h);
              return (
                <a key={h.eventId} role="listitem" href={runHref(h.runId)} className={`tone-${toneOf(result)}`} data-status={result}
                  title={`${formatDateTime(h.timestamp)}: ${labelOf(result).toLowerCase()} · observed ${formatValue(h.observed)}, expected ${formatValue(h.expected)}`}
                  aria-label={`${labelOf(result)} ${formatDateTime(h.timestamp)}`}>{iconOf(result)}</a>
              );
            })}
          </div>
          <LoadOlder history={history} what="evaluations" compact />
        </>
      ) : <div className="muted">Never evaluated.</div>}
    </div>
  );
}

const evaluationStatus = (e: Pick<ApiCheckEvaluation, 'passed' | 'severity' | 'outcome'>) => checkOutcomeOf(e);

/** The "Load older" button under a history, with its error; nothing once the API has no more. */
function LoadOlder({ history, what, compact }: { history: { hasMore: boolean; isLoading: boolean; error: Error | null; loadOlder(): void }; what: string; compact?: boolean }) {
  if (!history.hasMore && !history.error) return null;
  return (
    <div className={compact ? 'load-older compact' : 'pager'}>
      {history.error ? <span className="form-error" role="alert">Could not load older {what}: {history.error.message}</span> : null}
      {history.hasMore ? (
        <button type="button" className="btn small" onClick={history.loadOlder} disabled={history.isLoading} aria-busy={history.isLoading}>
          {history.isLoading ? 'Loading…' : `Load older ${what}`}
        </button>
      ) : null}
    </div>
  );
}

function Samples({ rows }: { rows: Array<Record<string, unknown>> }) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return (
    <div className="samples">
      <table className="data">
        <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
        <tbody>{rows.map((r, i) => <tr key={i}>{columns.map((c) => <td key={c} className="mono">{formatValue(r[c])}</td>)}</tr>)}</tbody>
      </table>
    </div>
  );
}
