import { useEffect, useState } from 'react';
import { useAuth } from '../../../auth/AuthContext';
import { ticketApi } from './ticketApi';
import type { RegionNode } from './types';

// Tenants (regions, partner hotlines) for pickers, loaded once per user: what a user may see
// depends on the user, and another user may log in without a page load.
let cache: { userId: string; tree: Promise<RegionNode[]> } | null = null;

function load(userId: string): Promise<RegionNode[]> {
  if (!cache || cache.userId !== userId) {
    const tree = ticketApi.regions();
    cache = { userId, tree };
    tree.catch(() => {
      if (cache?.tree === tree) cache = null;
    });
  }
  return cache.tree;
}

export function useRegions(): RegionNode[] {
  const { me } = useAuth();
  const userId = me?.user.id ?? '';
  const [tree, setTree] = useState<RegionNode[]>([]);
  useEffect(() => {
    let alive = true;
    load(userId)
      .then((t) => alive && setTree(t))
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [userId]);
  return tree;
}

export function flattenRegions(nodes: RegionNode[], out: RegionNode[] = []): RegionNode[] {
  for (const n of nodes) {
    out.push(n);
    flattenRegions(n.children ?? [], out);
  }
  return out;
}

export interface RegionOption {
  value: string;
  title: string;
  label: string;
  children?: RegionOption[];
}

/** Tree options keyed by `key` (tenant id for the dispatch picker, division code for the region field). */
export function regionOptions(nodes: RegionNode[], key: 'id' | 'code', filter?: (n: RegionNode) => boolean): RegionOption[] {
  return nodes
    .filter((n) => !filter || filter(n))
    .map((n) => {
      const children = regionOptions(n.children ?? [], key, filter);
      return { value: n[key], title: n.name, label: n.name, children: children.length > 0 ? children : undefined };
    });
}
