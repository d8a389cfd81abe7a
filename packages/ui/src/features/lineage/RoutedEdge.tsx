/** An edge drawn along the route the layout computed (lineage-layout.ts), so it never runs under another node. */
import { memo } from 'react';
import { BaseEdge, type Edge, type EdgeProps } from '@xyflow/react';
import type { Point } from './box-layout.ts';

export interface RoutedEdgeData extends Record<string, unknown> {
  points: Point[];
  /** How many asset edges this one stands for (edges into a closed group merge); shown when more than one. */
  count: number;
}
export type RoutedFlowEdge = Edge<RoutedEdgeData, 'routed'>;

/** Corner radius where the route turns: orthogonal routes read better with soft corners. */
const RADIUS = 6;

/**
 * The SVG path of a polyline with rounded corners.
 *
 * @example
 * routedPath([{ x: 0, y: 0 }, { x: 20, y: 0 }, { x: 20, y: 20 }]) // 'M0,0 L14,0 Q20,0 20,6 L20,20'
 */
export function routedPath(points: readonly Point[]): string {
  if (!points.length) return '';
  let d = `M${points[0]!.x},${points[0]!.y}`;
  for (let i = 1; i < points.length; i++) {
    const p = points[i]!;
    const next = points[i + 1];
    if (!next) {
      d += ` L${p.x},${p.y}`;
      break;
    }
    const prev = points[i - 1]!;
    const r = Math.min(RADIUS, distance(prev, p) / 2, distance(p, next) / 2);
    const a = toward(p, prev, r);
    const b = toward(p, next, r);
    d += ` L${round(a.x)},${round(a.y)} Q${p.x},${p.y} ${round(b.x)},${round(b.y)}`;
  }
  return d;
}

const distance = (a: Point, b: Point) => Math.hypot(b.x - a.x, b.y - a.y);
const round = (v: number) => Math.round(v * 10) / 10;
function toward(from: Point, to: Point, by: number): Point {
  const d = distance(from, to);
  return d ? { x: from.x + ((to.x - from.x) / d) * by, y: from.y + ((to.y - from.y) / d) * by } : from;
}

export const RoutedEdge = memo(function RoutedEdge({ id, data, markerEnd, style }: EdgeProps<RoutedFlowEdge>) {
  const points = data?.points ?? [];
  // The count sits halfway along the route's middle segment, never on a node's border.
  const a = points[Math.max(0, Math.ceil(points.length / 2) - 1)];
  const b = points[Math.min(points.length - 1, Math.ceil(points.length / 2))];
  const middle = a && b ? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } : undefined;
  return (
    <BaseEdge id={id} path={routedPath(points)} markerEnd={markerEnd} style={style}
      label={data && data.count > 1 ? String(data.count) : undefined} labelX={middle?.x} labelY={middle?.y} />
  );
});
