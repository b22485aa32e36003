import type { SortOrder, TablePaginationConfig } from 'antd/es/table/interface';
import { api, type Query, type QueryValue } from '../api/client';
import type { Paged } from '../api/types';
import { localToIso } from './format';

export interface TableParams {
  current?: number;
  pageSize?: number;
  keyword?: string;
  [key: string]: unknown;
}

/** Maps ProTable's (params, sort, filter) to the server's page/pageSize/sort/order query. */
export function toListQuery(
  params: TableParams,
  sort?: Record<string, SortOrder | null | undefined>,
  filter?: Record<string, (string | number)[] | null>,
): Query {
  const { current, pageSize, ...rest } = params;
  const query: Query = { page: current ?? 1, pageSize: pageSize ?? 20 };
  for (const [key, value] of Object.entries(rest)) {
    // A date-time range search field named `at` becomes the server's from/to (ISO 8601).
    if (key === 'at' && Array.isArray(value)) {
      query.from = localToIso(value[0]);
      query.to = localToIso(value[1]);
      continue;
    }
    if (typeof value === 'string') {
      const trimmed = value.trim();
      if (trimmed) query[key] = trimmed;
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      query[key] = value;
    }
  }
  for (const [key, values] of Object.entries(filter ?? {})) {
    if (values && values.length > 0) query[key] = values.map((v) => v as QueryValue).join(',');
  }
  const active = Object.entries(sort ?? {}).find(([, order]) => order === 'ascend' || order === 'descend');
  if (active) {
    query.sort = active[0];
    query.order = active[1] === 'ascend' ? 'asc' : 'desc';
  }
  return query;
}

export interface TableData<T> {
  data: T[];
  total: number;
  success: boolean;
}

/** Fetches one page for a ProTable; errors were already shown by the client, so we return an empty page. */
export async function fetchPage<T>(path: string, query: Query): Promise<TableData<T>> {
  try {
    const res = await api.get<Paged<T>>(path, query);
    const items = Array.isArray(res?.items) ? res.items : [];
    return { data: items, total: typeof res?.total === 'number' ? res.total : items.length, success: true };
  } catch {
    return { data: [], total: 0, success: false };
  }
}

export const DEFAULT_PAGINATION: TablePaginationConfig = {
  defaultPageSize: 20,
  showSizeChanger: true,
  pageSizeOptions: [10, 20, 50, 100],
  showQuickJumper: true,
};
