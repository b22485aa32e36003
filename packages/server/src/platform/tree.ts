/**
 * Rows with a parent id into a forest, keeping the rows' order among siblings. A row whose parent
 * is not among the rows (outside the caller's scope, or the root) becomes a root.
 */
export function treeOf<R extends { id: string }, N extends { children: N[] }>(rows: readonly R[], parentOf: (r: R) => string | null, toNode: (r: R) => N): N[] {
  const nodes = new Map(rows.map((r) => [r.id, toNode(r)]));
  const roots: N[] = [];
  for (const r of rows) {
    const parentId = parentOf(r);
    const parent = parentId ? nodes.get(parentId) : undefined;
    (parent ? parent.children : roots).push(nodes.get(r.id)!);
  }
  return roots;
}
