import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { OrgNode, TenantNode } from '../api/types';

// The tenant tree is used by several pages; cache it for the lifetime of the page and let
// editors invalidate it.
let tenantCache: Promise<TenantNode[]> | null = null;
const listeners = new Set<() => void>();

export function invalidateTenantTree(): void {
  tenantCache = null;
  listeners.forEach((l) => l());
}

function loadTenantTree(): Promise<TenantNode[]> {
  if (!tenantCache) {
    tenantCache = api.get<TenantNode[] | { items: TenantNode[] }>('/tenants/tree', undefined, { silent: true }).then((res) =>
      Array.isArray(res) ? res : (res?.items ?? []),
    );
    tenantCache.catch(() => {
      tenantCache = null;
    });
  }
  return tenantCache;
}

export function useTenantTree(): { tree: TenantNode[]; loading: boolean; reload: () => void } {
  const [tree, setTree] = useState<TenantNode[]>([]);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const l = () => setTick((n) => n + 1);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    loadTenantTree()
      .then((t) => !cancelled && setTree(t))
      .catch(() => !cancelled && setTree([]))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [tick]);

  const reload = useCallback(() => invalidateTenantTree(), []);
  return { tree, loading, reload };
}

export function useOrgTree(tenantId: string | undefined): { tree: OrgNode[]; loading: boolean; reload: () => void } {
  const [tree, setTree] = useState<OrgNode[]>([]);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!tenantId) {
      setTree([]);
      return;
    }
    let cancelled = false;
    setLoading(true);
    api
      .get<OrgNode[] | { items: OrgNode[] }>('/orgs/tree', { tenantId })
      .then((res) => !cancelled && setTree(Array.isArray(res) ? res : (res?.items ?? [])))
      .catch(() => !cancelled && setTree([]))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [tenantId, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { tree, loading, reload };
}

export interface TreeOption {
  value: string;
  title: string;
  label: string;
  disabled?: boolean;
  children?: TreeOption[];
}

export function tenantOptions(nodes: TenantNode[]): TreeOption[] {
  return nodes.map((n) => ({
    value: n.id,
    title: n.name,
    label: n.name,
    children: n.children && n.children.length > 0 ? tenantOptions(n.children) : undefined,
  }));
}

export function orgOptions(nodes: OrgNode[]): TreeOption[] {
  return nodes.map((n) => ({
    value: n.id,
    title: n.name,
    label: n.name,
    children: n.children && n.children.length > 0 ? orgOptions(n.children) : undefined,
  }));
}

/** Depth-first search for a node by id. */
export function findNode<T extends { id: string; children?: T[] }>(nodes: T[], id: string | undefined): T | undefined {
  if (!id) return undefined;
  for (const n of nodes) {
    if (n.id === id) return n;
    const hit = n.children ? findNode(n.children, id) : undefined;
    if (hit) return hit;
  }
  return undefined;
}

/** Ids of the node's ancestors (root first). */
export function ancestorIds<T extends { id: string; children?: T[] }>(nodes: T[], id: string, path: string[] = []): string[] | undefined {
  for (const n of nodes) {
    if (n.id === id) return path;
    const hit = n.children ? ancestorIds(n.children, id, [...path, n.id]) : undefined;
    if (hit) return hit;
  }
  return undefined;
}

export function countNodes<T extends { children?: T[] }>(nodes: T[]): number {
  return nodes.reduce((sum, n) => sum + 1 + countNodes(n.children ?? []), 0);
}
