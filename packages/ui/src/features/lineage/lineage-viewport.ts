/** Where the lineage view must pan so a node is on screen (beside the side panel, never under it). Pure. */

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/**
 * The viewport that shows `node` (flow coordinates) inside a canvas of `width` × `height` screen pixels, with
 * `margin` pixels to spare; null when it is already fully visible. The zoom is kept; the node is centred.
 *
 * @example
 * // A node at x 1000, canvas 800 px wide (the side panel took the rest), zoom 1, no pan: off screen, so centre it.
 * viewportShowing({ x: 1000, y: 100, width: 232, height: 76 }, { x: 0, y: 0, zoom: 1 }, 800, 600)
 * // { x: -716, y: 162, zoom: 1 }
 * viewportShowing({ x: 100, y: 100, width: 232, height: 76 }, { x: 0, y: 0, zoom: 1 }, 800, 600) // null
 */
export function viewportShowing(
  node: { x: number; y: number; width: number; height: number }, viewport: Viewport, width: number, height: number, margin = 24,
): Viewport | null {
  const { zoom } = viewport;
  const left = node.x * zoom + viewport.x;
  const top = node.y * zoom + viewport.y;
  const right = left + node.width * zoom;
  const bottom = top + node.height * zoom;
  if (left >= margin && top >= margin && right <= width - margin && bottom <= height - margin) return null;
  return {
    x: width / 2 - (node.x + node.width / 2) * zoom,
    y: height / 2 - (node.y + node.height / 2) * zoom,
    zoom,
  };
}
