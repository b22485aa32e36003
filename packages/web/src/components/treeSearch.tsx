import type { ReactNode } from 'react';

interface SearchableNode<T> {
  id: string;
  name: string;
  code?: string;
  children?: T[];
}

/**
 * Keeps the nodes whose name or code contains `keyword` plus their ancestors (and the whole
 * subtree under a match). Returns the ids to expand so every match is visible.
 */
export function filterTree<T extends SearchableNode<T>>(nodes: T[], keyword: string): { nodes: T[]; expand: string[] } {
  const kw = keyword.trim().toLowerCase();
  if (!kw) return { nodes, expand: [] };
  const expand: string[] = [];
  const walk = (list: T[]): T[] => {
    const out: T[] = [];
    for (const n of list) {
      const self = n.name.toLowerCase().includes(kw) || (n.code ?? '').toLowerCase().includes(kw);
      if (self) {
        out.push(n);
        continue;
      }
      const kids = walk(n.children ?? []);
      if (kids.length > 0) {
        expand.push(n.id);
        out.push({ ...n, children: kids });
      }
    }
    return out;
  };
  return { nodes: walk(nodes), expand };
}

/** Wraps the first occurrence of `keyword` in a highlight span. */
export function highlight(text: string, keyword: string): ReactNode {
  const kw = keyword.trim();
  if (!kw) return text;
  const i = text.toLowerCase().indexOf(kw.toLowerCase());
  if (i < 0) return text;
  return (
    <>
      {text.slice(0, i)}
      <mark className="tree-hit">{text.slice(i, i + kw.length)}</mark>
      {text.slice(i + kw.length)}
    </>
  );
}
