/** Geometry of routed edges: whether a segment passes through a box, used to check that no edge runs under a node. */
import type { Point } from './box-layout.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * True when the segment p→q passes through the inside of `box` (touching its border does not count), by
 * Liang–Barsky clipping.
 *
 * @example
 * segmentCrossesBox({ x: 0, y: 5 }, { x: 20, y: 5 }, { x: 5, y: 0, width: 10, height: 10 })  // true
 * segmentCrossesBox({ x: 0, y: 10 }, { x: 20, y: 10 }, { x: 5, y: 0, width: 10, height: 10 }) // false: along the edge
 */
export function segmentCrossesBox(p: Point, q: Point, box: Rect, tolerance = 0.5): boolean {
  const x0 = box.x + tolerance;
  const x1 = box.x + box.width - tolerance;
  const y0 = box.y + tolerance;
  const y1 = box.y + box.height - tolerance;
  if (x1 <= x0 || y1 <= y0) return false;
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  let t0 = 0;
  let t1 = 1;
  for (const [pk, qk] of [[-dx, p.x - x0], [dx, x1 - p.x], [-dy, p.y - y0], [dy, y1 - p.y]] as const) {
    if (pk === 0) {
      if (qk < 0) return false;
      continue;
    }
    const r = qk / pk;
    if (pk < 0) t0 = Math.max(t0, r);
    else t1 = Math.min(t1, r);
    if (t0 > t1) return false;
  }
  return t1 - t0 > 1e-9;
}

/**
 * Every (edge, box) pair where the edge's polyline passes through a box other than its own ends.
 *
 * @example
 * edgesUnderBoxes([{ source: 'a', target: 'c', points: [{ x: 0, y: 5 }, { x: 40, y: 5 }] }], { b: { x: 10, y: 0, width: 10, height: 10 } })
 * // ['a->c under b']
 */
export function edgesUnderBoxes(routes: ReadonlyArray<{ source: string; target: string; points: readonly Point[] }>, boxes: Record<string, Rect>): string[] {
  const hits: string[] = [];
  for (const route of routes) {
    for (const [id, box] of Object.entries(boxes)) {
      if (id === route.source || id === route.target) continue;
      for (let i = 1; i < route.points.length; i++) {
        if (segmentCrossesBox(route.points[i - 1]!, route.points[i]!, box)) {
          hits.push(`${route.source}->${route.target} under ${id}`);
          break;
        }
      }
    }
  }
  return hits;
}
