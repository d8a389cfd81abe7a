/**
 * The lineage page: every asset by group, laid out group-first (see lineage-layout.ts), coloured by status.
 * Status updates re-colour only: layouts depend on the structure hash and which groups are open, never on status.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { api } from '../../api/client.ts';
import { onProjectChange } from '../../api/event-stream.ts';
import { useApi, useLiveReload } from '../../api/use-api.ts';
import type { Lineage } from '../../api/types.ts';
import type { LoadError } from '../../app/load-error.ts';
import { assetHref, navigate, runHref, type Route } from '../../app/router.tsx';
import { formatAgo, formatCount, plural } from '../../components/format.ts';
import { ErrorPanel } from '../../components/Panels.tsx';
import { StatusBadge, StatusDot } from '../../components/StatusBadge.tsx';
import { labelOf, toneColor } from '../../components/status.ts';
import { elkEngine } from './elk-engine.ts';
import { layoutCache, type KeyValueStorage } from './layout-cache.ts';
import { adjacency } from './lineage-adjacency.ts';
import { groupId, indexGroups, initiallyOpen, layoutLineage, NODE_HEIGHT, NODE_WIDTH, type InnerLayout, type LineageLayout, type OuterLayout } from './lineage-layout.ts';
import { viewportShowing } from './lineage-viewport.ts';
import { AssetNodeView, GroupNodeView, kindLabel, type AssetFlowNode, type GroupFlowNode } from './LineageNodes.tsx';
import { RoutedEdge, type RoutedFlowEdge } from './RoutedEdge.tsx';
import { useSelection } from './use-selection.ts';

const storage: KeyValueStorage | undefined = (() => {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
})();
// Module-level: layouts survive navigating away and back, and (through localStorage) reloads.
const innerCache = layoutCache<InnerLayout>({ storage, capacity: 300 });
const outerCache = layoutCache<OuterLayout>({ storage, capacity: 100 });
const nodeTypes = { asset: AssetNodeView, assetGroup: GroupNodeView };
const edgeTypes = { routed: RoutedEdge };
const LIVE_TYPES = 'RUN_SUCCESS,RUN_FAILURE,RUN_CANCELED,ASSET_MATERIALIZATION,ASSET_CHECK_EVALUATION,ASSET_OBSERVATION';

export function LineagePage({ route, loadError }: { route: Route; loadError?: LoadError }) {
  // While the definitions are broken the server serves the last good ones: the graph stays, under the banner.
  return (
    <ReactFlowProvider>
      <LineageView route={route} banner={loadError ? <LoadErrorBanner error={loadError} /> : null} />
    </ReactFlowProvider>
  );
}

/** A broken definition file, for someone in a browser: what is wrong, where, and that saving the fix is enough. */
function LoadErrorBanner({ error }: { error: LoadError }) {
  const where = error.file ? `${error.file}${error.line ? `:${error.line}` : ''}` : 'A definition file';
  // The server's message starts with the location too; once is enough.
  const message = error.file ? error.message.replace(/^\S+:\d+(?::\d+)?: /, '') : error.message;
  return (
    <div className="banner tone-failure load-error" role="alert" data-testid="load-error">
      <strong>{where} has an error, so the project could not be reloaded.</strong>{' '}
      <span>{message}</span>{error.hint && !message.includes(error.hint) ? <span> {error.hint}</span> : null}
      <div>Fix the file and save; the page reloads. Until then the graph below is the last one that loaded.</div>
    </div>
  );
}

function LineageView({ route, banner }: { route: Route; banner: ReactNode }) {
  const lineage = useApi(() => api.lineage(), []);
  // Status changes during runs are throttled; a reload of the definitions is fetched at once (the graph is back
  // as soon as the server has reloaded).
  useLiveReload(`/api/events/stream?types=${LIVE_TYPES}`, lineage.reload, { throttleMs: 700 });
  useEffect(() => onProjectChange(lineage.reload), [lineage.reload]);
  if (lineage.error && !lineage.data) return <main className="page">{banner}<ErrorPanel error={lineage.error} title="Could not load the lineage" /></main>;
  if (!lineage.data) return <div className="lineage" aria-busy="true">{banner}<div className="lineage-toolbar" /><div className="lineage-body" /></div>;
  return <LineageCanvas lineage={lineage.data} route={route} banner={banner} />;
}

/** A key to show in the selection's placeholder: one with something upstream and downstream, else any. */
function exampleKey(lineage: Lineage): string | undefined {
  const targets = new Set(lineage.edges.map((e) => e.target));
  const sources = new Set(lineage.edges.map((e) => e.source));
  return lineage.nodes.find((n) => targets.has(n.key) && sources.has(n.key))?.key ?? lineage.nodes[0]?.key;
}

function LineageCanvas({ lineage, route, banner }: { lineage: Lineage; route: Route; banner: ReactNode }) {
  const flow = useReactFlow();
  // The structure for this hash: statuses in later answers with the same hash do not trigger a layout.
  const structure = useMemo(() => lineage, [lineage.hash]); // eslint-disable-line react-hooks/exhaustive-deps
  const index = useMemo(() => indexGroups(structure), [structure]);
  const adj = useMemo(() => adjacency(structure.edges), [structure]);
  const allKeys = useMemo(() => structure.nodes.map((n) => n.key), [structure]);
  const example = useMemo(() => exampleKey(structure), [structure]);
  const canvasRef = useRef<HTMLDivElement>(null);
  const byKey = useMemo(() => new Map(lineage.nodes.map((n) => [n.key, n])), [lineage]);

  const [open, setOpen] = useState<Set<string>>(() => initiallyOpen(structure));
  const [layout, setLayout] = useState<LineageLayout | null>(null);
  const [layoutMs, setLayoutMs] = useState<number | null>(null);
  const [search, setSearch] = useState('');
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const [launchError, setLaunchError] = useState<string | null>(null);
  const [isLaunching, setIsLaunching] = useState(false);
  const pendingFit = useRef<'all' | string | null>('all');

  const selection = route.query.get('select') ?? '';
  const setSelection = useCallback((text: string) => {
    const query = new URLSearchParams(route.query);
    if (text.trim()) query.set('select', text);
    else query.delete('select');
    const qs = query.toString();
    navigate(`/lineage${qs ? `?${qs}` : ''}`, { replace: true });
  }, [route.query]);
  const selected = useSelection(selection, structure.hash);
  const selectedSet = useMemo(() => new Set(selected.keys), [selected]);
  // "Materialize selected" launches the text the keys belong to, so never while a newer text is being resolved.
  const isSelectionCurrent = selected.text === selection.trim();
  const matches = useMemo(() => {
    const q = search.trim().toLowerCase();
    return q ? allKeys.filter((k) => k.toLowerCase().includes(q)) : [];
  }, [search, allKeys]);
  const matchSet = useMemo(() => new Set(matches), [matches]);

  const openKey = [...open].sort().join('\u0000');
  useEffect(() => {
    let cancelled = false;
    const started = performance.now();
    void layoutLineage(elkEngine, structure, open, { inner: innerCache, outer: outerCache }, index).then((result) => {
      if (cancelled) return;
      setLayout(result);
      setLayoutMs(performance.now() - started);
    });
    return () => { cancelled = true; };
  }, [structure, index, openKey]); // eslint-disable-line react-hooks/exhaustive-deps

  // Once the first picture is up, start ELK's worker while the user looks: opening a group then skips its start-up.
  useEffect(() => {
    if (!layout) return;
    const warm = () => void elkEngine().then((engine) => engine.layout({
      id: 'warm', layoutOptions: { 'elk.algorithm': 'layered' },
      children: Array.from({ length: 40 }, (_, i) => ({ id: `n${i}`, width: 10, height: 10 })),
      edges: Array.from({ length: 39 }, (_, i) => ({ id: `e${i}`, sources: [`n${i}`], targets: [`n${i + 1}`] })),
    }));
    const idle = window.requestIdleCallback?.(warm, { timeout: 2000 }) ?? window.setTimeout(warm, 500);
    return () => (window.cancelIdleCallback ? window.cancelIdleCallback(idle) : window.clearTimeout(idle));
  }, [layout !== null]); // eslint-disable-line react-hooks/exhaustive-deps

  const toggleGroup = useCallback((name: string) => {
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      pendingFit.current = `group:${name}`;
      return next;
    });
  }, []);
  const activate = useCallback((key: string, additive: boolean) => {
    setFocusKey(key);
    setSelection(additive && selection ? `${selection} ${key}` : key);
  }, [selection, setSelection]);
  const openAsset = useCallback((key: string) => navigate(assetHref(key)), []);
  const clearSelection = useCallback(() => {
    setSelection('');
    setFocusKey(null);
  }, [setSelection]);
  // Escape clears the selection from anywhere on the page but a text field (where it clears the text).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key !== 'Escape' || e.defaultPrevented || target?.closest('input, textarea, select')) return;
      clearSelection();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [clearSelection]);

  const statusCountsByGroup = useMemo(() => {
    const counts = new Map<string, Record<string, number>>();
    for (const n of lineage.nodes) {
      const c = counts.get(n.group) ?? {};
      c[n.status] = (c[n.status] ?? 0) + 1;
      counts.set(n.group, c);
    }
    return counts;
  }, [lineage]);

  const hasSelection = selection.trim() !== '';
  const nodes = useMemo<Node[]>(() => {
    if (!layout) return [];
    const out: Node[] = [];
    for (const g of layout.groups) {
      const members = index.members.get(g.name) ?? [];
      const node: GroupFlowNode = {
        id: groupId(g.name), type: 'assetGroup', position: { x: g.x, y: g.y }, width: g.width, height: g.height,
        style: { width: g.width, height: g.height }, zIndex: g.isOpen ? -1 : 0, selectable: false, draggable: false, focusable: false,
        data: {
          name: g.name, size: g.size, isOpen: g.isOpen, statusCounts: statusCountsByGroup.get(g.name) ?? {}, onToggle: toggleGroup,
          isDim: hasSelection && !g.isOpen && !members.some((k) => selectedSet.has(k)),
        },
      };
      out.push(node);
    }
    for (const n of layout.nodes) {
      const asset = byKey.get(n.key);
      if (!asset) continue;
      const node: AssetFlowNode = {
        id: n.key, type: 'asset', position: { x: n.x, y: n.y }, width: 232, height: 76, draggable: false, focusable: false,
        data: {
          asset, isSelected: selectedSet.has(n.key), isDim: hasSelection && !selectedSet.has(n.key), isMatch: matchSet.has(n.key),
          onActivate: activate, onOpen: openAsset,
        },
      };
      out.push(node);
    }
    return out;
  }, [layout, byKey, selectedSet, hasSelection, matchSet, statusCountsByGroup, index, toggleGroup, activate, openAsset]);

  const edges = useMemo<Edge[]>(() => (layout?.edges ?? []).map((e): RoutedFlowEdge => {
    const hl = hasSelection && selectedSet.has(e.source) && selectedSet.has(e.target);
    return {
      id: e.id, source: e.source, target: e.target, type: 'routed', selectable: false, focusable: false,
      className: hl ? 'hl' : hasSelection ? 'dim' : undefined, data: { points: e.points, count: e.count },
    };
  }), [layout, hasSelection, selectedSet]);

  // Fit once the layout the last action asked for is drawn.
  useEffect(() => {
    if (!layout || !pendingFit.current) return;
    const target = pendingFit.current;
    pendingFit.current = null;
    requestAnimationFrame(() => {
      if (target === 'all') void flow.fitView({ padding: 0.08, maxZoom: 1.1 });
      else if (target.startsWith('group:')) {
        const g = layout.groups.find((x) => groupId(x.name) === target);
        if (g) void flow.fitBounds(g, { padding: 0.15, duration: 250 });
      } else void flow.fitView({ nodes: [{ id: target }], maxZoom: 1.2, duration: 300 });
    });
  }, [layout, flow]);

  // The side panel narrows the canvas: pan so the selected asset stays visible beside it, never under it.
  useEffect(() => {
    if (!focusKey || !layout) return;
    const node = layout.nodes.find((n) => n.key === focusKey);
    if (!node) return;
    const frame = requestAnimationFrame(() => {
      const canvas = canvasRef.current;
      if (!canvas) return;
      const next = viewportShowing({ x: node.x, y: node.y, width: NODE_WIDTH, height: NODE_HEIGHT }, flow.getViewport(), canvas.clientWidth, canvas.clientHeight);
      if (next) void flow.setViewport(next, { duration: 250 });
    });
    return () => cancelAnimationFrame(frame);
  }, [focusKey, layout, flow]);

  const goTo = (key: string) => {
    const group = index.groupOf.get(key);
    setFocusKey(key);
    setSelection(key);
    if (group && !open.has(group)) {
      pendingFit.current = key;
      setOpen((prev) => new Set(prev).add(group));
    } else void flow.fitView({ nodes: [{ id: key }], maxZoom: 1.2, duration: 300 });
  };

  const launch = async () => {
    setIsLaunching(true);
    setLaunchError(null);
    try {
      const { runId } = await api.launch(hasSelection ? { select: selected.text } : {});
      navigate(runHref(runId));
    } catch (error) {
      setLaunchError((error as Error).message);
    } finally {
      setIsLaunching(false);
    }
  };

  const focused = focusKey ? byKey.get(focusKey) : undefined;
  const assetCount = lineage.nodes.length;
  return (
    <div className="lineage" data-layout-ready={layout ? 'true' : 'false'} data-layout-ms={layoutMs ?? ''}>
      {banner}
      <div className="lineage-toolbar">
        <div className="field">
          <label htmlFor="lineage-search">Find an asset</label>
          <input id="lineage-search" type="search" placeholder={example ? `Asset key, e.g. ${example}` : 'Asset key'} value={search} list="lineage-keys"
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Enter' && matches[0]) goTo(matches.includes(search) ? search : matches[0]); }} />
          <datalist id="lineage-keys">{matches.slice(0, 50).map((k) => <option key={k} value={k} />)}</datalist>
        </div>
        <div className="field">
          <label htmlFor="lineage-select" title="The syntax of weir run --select: +key (upstream), key+ (downstream), 2+key, @key, tag:…, group:…, kind:…, owner:…, path:…, a,b (both), a b (either), * wildcards">
            Selection (<code>+key+</code>, <code>tag:</code>, <code>group:</code>, as <code>weir run --select</code>)
          </label>
          <input id="lineage-select" className="selection-input" placeholder={example ? `+${example}+` : 'tag:daily'} value={selection}
            aria-invalid={selected.error ? true : undefined} onChange={(e) => setSelection(e.target.value)} />
        </div>
        <div className="field">
          <label>&nbsp;</label>
          <div className="actions">
            <button type="button" className="btn primary" onClick={launch} data-testid="materialize"
              disabled={isLaunching || (hasSelection && (!isSelectionCurrent || !selected.keys.length || selected.error !== null || selected.unmatched.length > 0))}>
              {hasSelection ? `Materialize selected (${isSelectionCurrent ? selected.keys.length : '…'})` : `Materialize all (${assetCount})`}
            </button>
            {hasSelection ? <button type="button" className="btn" onClick={clearSelection} aria-keyshortcuts="Escape" title="Clear the selection (Escape)">Clear</button> : null}
            <button type="button" className="btn" onClick={() => { pendingFit.current = 'all'; setOpen(new Set(structure.groups.map((g) => g.name))); }}>Open all</button>
            <button type="button" className="btn" onClick={() => { pendingFit.current = 'all'; setOpen(new Set()); }}>Close all</button>
          </div>
        </div>
        <span className="spacer" />
        <div className="legend" role="list" aria-label="Statuses">
          {['fresh', 'stale', 'never', 'check_failed', 'missing'].map((s) => (
            <span key={s} role="listitem"><StatusDot status={s} />{labelOf(s)}</span>
          ))}
        </div>
      </div>
      {launchError || selected.error || selected.unmatched.length ? (
        <div className="banner tone-failure" role="alert" data-testid="selection-error">{launchError ?? selected.error ?? selected.unmatched.join(' ')}</div>
      ) : null}
      <div className="lineage-body">
        <div className="lineage-canvas" ref={canvasRef}>
          <ReactFlow
            nodes={nodes} edges={edges} nodeTypes={nodeTypes} edgeTypes={edgeTypes} minZoom={0.05} zoomOnDoubleClick={false} maxZoom={2} onlyRenderVisibleElements
            nodesConnectable={false} nodesDraggable={false} elementsSelectable={false} proOptions={{ hideAttribution: true }}
            // Space selects the focused asset and Backspace edits text: neither may pan or delete on the canvas.
            panActivationKeyCode={null} deleteKeyCode={null} selectionKeyCode={null} multiSelectionKeyCode={null}
            onNodeClick={(e, node) => { if (node.type === 'asset') activate(node.id, e.shiftKey); }}
            // React Flow's own double-click (the zoom's listener would swallow the card's): opens the asset's page.
            onNodeDoubleClick={(_e, node) => {
              if (node.type === 'asset') openAsset(node.id);
              else if (node.type === 'assetGroup') toggleGroup((node.data as { name: string }).name);
            }}
            onPaneClick={() => setFocusKey(null)}
          >
            <Background gap={24} size={1} />
            <Controls showInteractive={false} />
            {assetCount <= 3000 ? <MiniMap pannable zoomable nodeColor={(n) => n.type === 'asset' ? toneColor((n.data as { asset: { status: string } }).asset.status) : 'var(--border-strong)'} /> : null}
          </ReactFlow>
          <div className="lineage-status">
            {plural(assetCount, 'asset')} · {plural(structure.groups.length, 'group')} · {open.size} open{layoutMs !== null ? ` · layout ${Math.round(layoutMs)} ms` : ' · laying out…'}
          </div>
        </div>
        {focused ? (
          <aside className="lineage-side" aria-label="Selected asset">
            <div>
              <h2 style={{ fontSize: 16, overflowWrap: 'anywhere' }}>{focused.key}</h2>
              <div className="muted">{kindLabel(focused)} · group {focused.group}</div>
            </div>
            <StatusBadge status={focused.status} />
            <dl className="props">
              <dt>Last materialized</dt><dd>{formatAgo(focused.lastMaterializedAt)}</dd>
              <dt>Rows</dt><dd>{formatCount(focused.rowCount)}</dd>
              <dt>Upstream</dt><dd>{(adj.upstream.get(focused.key) ?? []).length}</dd>
              <dt>Downstream</dt><dd>{(adj.downstream.get(focused.key) ?? []).length}</dd>
            </dl>
            <div className="actions">
              <button type="button" className="btn small" onClick={() => setSelection(`+${focused.key}`)}>+ upstream</button>
              <button type="button" className="btn small" onClick={() => setSelection(`${focused.key}+`)}>+ downstream</button>
              <button type="button" className="btn small" onClick={() => setSelection(`+${focused.key}+`)}>+ both</button>
            </div>
            <a className="btn" href={assetHref(focused.key)}>Open asset page →</a>
            {[['Upstream', adj.upstream.get(focused.key) ?? []], ['Downstream', adj.downstream.get(focused.key) ?? []]].map(([title, keys]) => (
              <div key={title as string}>
                <h3>{title as string}</h3>
                {(keys as string[]).length ? (keys as string[]).slice(0, 30).map((k) => (
                  <div key={k} style={{ display: 'flex', gap: 6, alignItems: 'center', padding: '2px 0' }}>
                    <StatusDot status={byKey.get(k)?.status ?? 'never'} />
                    <a href={assetHref(k)} onClick={(e) => { e.preventDefault(); goTo(k); }}>{k}</a>
                  </div>
                )) : <div className="muted">None</div>}
              </div>
            ))}
          </aside>
        ) : null}
      </div>
    </div>
  );
}
