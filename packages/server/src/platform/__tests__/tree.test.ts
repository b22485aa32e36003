import { describe, expect, it } from 'vitest';
import { treeOf } from '../tree.js';

interface Node {
  id: string;
  children: Node[];
}

describe('treeOf', () => {
  it('nests children in row order and makes rows with an unknown parent roots', () => {
    const rows = [
      { id: 'a', parent: null },
      { id: 'b', parent: 'a' },
      { id: 'c', parent: 'a' },
      { id: 'd', parent: 'outside' },
    ];
    const tree = treeOf(rows, (r) => r.parent, (r): Node => ({ id: r.id, children: [] }));
    expect(JSON.parse(JSON.stringify(tree))).toEqual([
      { id: 'a', children: [{ id: 'b', children: [] }, { id: 'c', children: [] }] },
      { id: 'd', children: [] },
    ]);
  });
});
