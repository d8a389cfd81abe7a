/** The two node types of the lineage canvas: an asset card and a group box (open: a frame; closed: a summary card). */
import { memo, type KeyboardEvent } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { formatAgo, plural } from '../../components/format.ts';
import { StatusDot } from '../../components/StatusBadge.tsx';
import { labelOf, toneOf } from '../../components/status.ts';
import type { LineageNode } from '../../api/types.ts';

export interface AssetNodeData extends Record<string, unknown> {
  asset: LineageNode;
  isSelected: boolean;
  isDim: boolean;
  isMatch: boolean;
  onActivate(key: string, additive: boolean): void;
  onOpen(key: string): void;
}
export interface GroupNodeData extends Record<string, unknown> {
  name: string;
  size: number;
  isOpen: boolean;
  isDim: boolean;
  /** Assets per status, for the closed group's bar. */
  statusCounts: Record<string, number>;
  onToggle(name: string): void;
}
export type AssetFlowNode = Node<AssetNodeData, 'asset'>;
export type GroupFlowNode = Node<GroupNodeData, 'assetGroup'>;

const STATUS_ORDER = ['check_failed', 'missing', 'stale', 'never', 'fresh', 'observed'];

const KIND_LABELS: Record<string, string> = {
  duckdb: 'DuckDB table', csv: 'CSV file', parquet: 'Parquet file', excel: 'Excel file', xlsx: 'Excel file', json: 'JSON file',
  sql: 'SQL model', seed: 'seed', file: 'file', postgres: 'PostgreSQL', http: 'HTTP',
};

/** `DuckDB table`, `CSV file`, `SQL model`…: from the kinds, else from the type and origin. */
export function kindLabel(asset: Pick<LineageNode, 'kinds' | 'type' | 'origin'>): string {
  if (asset.origin === 'sql' && !asset.kinds.includes('seed')) return 'SQL model';
  if (asset.kinds.length) return asset.kinds.slice(0, 2).map((k) => KIND_LABELS[k] ?? k).join(' · ');
  if (asset.type === 'external') return 'file';
  return asset.origin === 'sql' ? 'SQL model' : 'table';
}

/** Enter opens the asset's page (as a double click does); Space selects it (as a click), Shift+Space adds it. */
function onAssetKeys(key: string, data: AssetNodeData) {
  return (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      data.onOpen(key);
    } else if (e.key === ' ') {
      e.preventDefault();
      data.onActivate(key, e.shiftKey);
    }
  };
}

export const AssetNodeView = memo(function AssetNodeView({ data }: NodeProps<AssetFlowNode>) {
  const { asset } = data;
  const tone = toneOf(asset.status);
  return (
    <div
      className={`asset-node tone-${tone}${data.isSelected ? ' selected' : ''}${data.isDim ? ' dim' : ''}${data.isMatch ? ' match' : ''}`}
      tabIndex={0} role="button" aria-pressed={data.isSelected} data-asset={asset.key}
      aria-label={`${asset.key}, ${labelOf(asset.status)}`} aria-keyshortcuts="Enter Space Shift+Space Escape"
      title={`${asset.key}: Enter opens, Space selects, Escape clears the selection`}
      onKeyDown={onAssetKeys(asset.key, data)}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="name" title={asset.key}>{asset.key}</div>
      <div className="meta"><span className="kind">{kindLabel(asset)}</span>{asset.origin ? <span>{asset.origin}</span> : null}</div>
      <div className="status-line" title={`${labelOf(asset.status)} · ${asset.lastMaterializedAt ? formatAgo(asset.lastMaterializedAt) : 'never'}${asset.rowCount !== null ? ` · ${plural(asset.rowCount, 'row')}` : ''}`}>
        <StatusDot status={asset.status} />
        <span>{labelOf(asset.status)}</span>
        <span className="muted">· {asset.lastMaterializedAt ? formatAgo(asset.lastMaterializedAt) : 'never'}</span>
        {asset.rowCount !== null ? <span className="muted">· {plural(asset.rowCount, 'row')}</span> : null}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

export const GroupNodeView = memo(function GroupNodeView({ data }: NodeProps<GroupFlowNode>) {
  const entries = STATUS_ORDER.filter((s) => data.statusCounts[s]).map((s) => [s, data.statusCounts[s]!] as const);
  const problems = (data.statusCounts.check_failed ?? 0) + (data.statusCounts.missing ?? 0);
  const stale = data.statusCounts.stale ?? 0;
  return (
    <div className={`group-node${data.isOpen ? '' : ' closed'}${data.isDim ? ' dim' : ''}`} data-group={data.name}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="group-head">
        <button type="button" className="nodrag" onClick={() => data.onToggle(data.name)} aria-expanded={data.isOpen} aria-label={`${data.isOpen ? 'Close' : 'Open'} group ${data.name}`}>
          <span aria-hidden="true">{data.isOpen ? '▾' : '▸'}</span> {data.name}
          <span className="count">{plural(data.size, 'asset')}</span>
        </button>
      </div>
      {data.isOpen ? null : (
        <>
          <div className="group-bar" aria-hidden="true">
            {entries.map(([s, n]) => <span key={s} className={`tone-${toneOf(s)}`} style={{ width: `${(n / data.size) * 100}%` }} title={`${n} ${labelOf(s)}`} />)}
          </div>
          <div className="group-summary">
            {problems ? <span style={{ color: 'var(--tone-checkfail)' }}>{problems} failing</span> : null}
            {stale ? <span style={{ color: 'var(--tone-stale)' }}>{stale} stale</span> : null}
            {!problems && !stale ? <span>{entries.map(([s, n]) => `${n} ${labelOf(s).toLowerCase()}`).join(' · ')}</span> : null}
          </div>
        </>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});
