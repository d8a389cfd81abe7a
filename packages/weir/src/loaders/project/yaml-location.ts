/** Maps a path inside a parsed YAML document (e.g. ['settings', 'data_dir']) to its line, for errors. */
import { isMap, isSeq, LineCounter, type Document, type Node } from 'yaml';

/**
 * The line of the key at `path` (of the value, for list items); for a path that is not in the document, the line
 * of its deepest part that is: a missing `dbt.project_dir` points at `dbt:`.
 *
 * @example
 * // weir.yaml:  1 name: shop   2 dbt:   3   targt: dev
 * lineOf(doc, lineCounter, ['dbt', 'targt']) // 3
 * lineOf(doc, lineCounter, ['dbt', 'project_dir']) // 2
 */
export function lineOf(doc: Document, lineCounter: LineCounter, path: ReadonlyArray<string | number>): number | undefined {
  let node: unknown = doc.contents;
  let lastFound: Node | undefined = node as Node;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown })?.value === part);
      if (!pair) break;
      // The key's own line: a value that is a nested mapping starts on the line below it.
      lastFound = (pair.key as Node) ?? lastFound;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
      if (node) lastFound = node as Node;
    } else break;
  }
  const offset = lastFound?.range?.[0];
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}
