import { api } from '../api/client';
import type { OrgNode, Paged, Role, UserRow } from '../api/types';
import { orgOptions, type TreeOption } from './useTenantTree';

/** Role options for a tenant (Select). */
export async function roleOptions(tenantId: string | undefined): Promise<{ label: string; value: string }[]> {
  if (!tenantId) return [];
  try {
    const res = await api.get<Paged<Role>>('/roles', { tenantId, page: 1, pageSize: 500 });
    return (res.items ?? []).map((r) => ({ label: r.name, value: r.id }));
  } catch {
    return [];
  }
}

/** Org tree options for a tenant (TreeSelect). */
export async function orgTreeOptions(tenantId: string | undefined): Promise<TreeOption[]> {
  if (!tenantId) return [];
  try {
    const res = await api.get<OrgNode[] | { items: OrgNode[] }>('/orgs/tree', { tenantId });
    return orgOptions(Array.isArray(res) ? res : (res.items ?? []));
  } catch {
    return [];
  }
}

/** Users matching a keyword, as Select options (value = user id). */
export async function searchUsers(keyword: string | undefined): Promise<{ label: string; value: string }[]> {
  try {
    const res = await api.get<Paged<UserRow>>('/users', { keyword: keyword?.trim() || undefined, page: 1, pageSize: 20 }, { silent: true });
    return (res.items ?? []).map((u) => ({ label: `${u.displayName} (${u.username})`, value: u.id }));
  } catch {
    return [];
  }
}
