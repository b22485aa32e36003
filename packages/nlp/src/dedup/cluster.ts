import { DuplicateIndex } from './duplicates.js';

export interface TextCluster {
  ids: string[];
  /** The member most similar to the others: a readable representative for the cluster title. */
  representative: string;
}

/**
 * Groups near-duplicate texts (多人同诉, repeated complaints) as connected components of the
 * "similar enough" graph from the MinHash index. Singletons are left out.
 */
export function clusterSimilar(docs: readonly { id: string; text: string }[], minSimilarity = 0.5): TextCluster[] {
  const index = new DuplicateIndex();
  for (const d of docs) index.add(d.id, d.text);
  const parent = new Map(docs.map((d) => [d.id, d.id]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) ?? r;
    parent.set(x, r);
    return r;
  };
  const degree = new Map<string, number>();
  for (const d of docs) {
    for (const c of index.candidates(d.text, { k: 50, minSimilarity })) {
      if (c.id === d.id) continue;
      parent.set(find(d.id), find(c.id));
      degree.set(d.id, (degree.get(d.id) ?? 0) + c.similarity);
    }
  }
  const groups = new Map<string, string[]>();
  for (const d of docs) groups.set(find(d.id), [...(groups.get(find(d.id)) ?? []), d.id]);
  return [...groups.values()]
    .filter((ids) => ids.length > 1)
    .map((ids) => ({ ids, representative: [...ids].sort((a, b) => (degree.get(b) ?? 0) - (degree.get(a) ?? 0))[0] ?? ids[0] ?? '' }))
    .sort((a, b) => b.ids.length - a.ids.length);
}
