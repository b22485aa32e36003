import { api, getToken, API_BASE, ApiError, type Problem, type Query } from '../../../api/client';
import type { Paged } from '../../../api/types';
import type { AttachmentRef, DispatchMode, PolicyResponse, RegionNode, TicketDetail, UnitNode } from './types';

/** Thin wrappers over the work-order endpoints the pages share. */
export const ticketApi = {
  get: (id: string) => api.get<TicketDetail>(`/tickets/${encodeURIComponent(id)}`),
  action: <T = { id: string; status: string }>(id: string, action: string, body: unknown = {}) => api.post<T>(`/tickets/${encodeURIComponent(id)}/${action}`, body),
  taskAction: <T = { id: string; status: string }>(taskId: string, action: string, body: unknown = {}) => api.post<T>(`/ticket-tasks/${encodeURIComponent(taskId)}/${action}`, body),
  decide: (requestId: string, body: { approve: boolean; opinion: string; redispatch?: { mode: DispatchMode; orgIds: string[] }; toDifficultPool?: boolean }) =>
    api.post<{ id: string; status: string; ticketStatus: string }>(`/ticket-requests/${encodeURIComponent(requestId)}/decide`, body),
  dispatch: (id: string, body: { mode: DispatchMode; orgIds: string[]; opinion?: string; deadlineAt?: string }) =>
    api.post<{ id: string; status: string; taskIds: string[] }>(`/tickets/${encodeURIComponent(id)}/dispatch`, body),
  policy: () => api.get<PolicyResponse>('/ticket-config/policy'),
  // The whole division tree (public), and the departments of a tenant where the caller may send work.
  regions: () => api.get<{ items: RegionNode[] }>('/tickets/targets').then((r) => r.items),
  units: (tenantId: string) => api.get<{ items: UnitNode[] }>('/tickets/targets/units', { tenantId }).then((r) => r.items),
};

export function listPath<T>(path: string, query: Query): Promise<Paged<T>> {
  return api.get<Paged<T>>(path, query);
}

/** Uploads one file as the raw request body (the server stores it and returns its id). */
export async function uploadAttachment(file: File): Promise<AttachmentRef> {
  const headers = new Headers({ 'Content-Type': 'application/octet-stream', Accept: 'application/json' });
  const token = getToken();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const query = new URLSearchParams({ name: file.name, mime: file.type || 'application/octet-stream' });
  const res = await fetch(`${API_BASE}/tickets/attachments?${query.toString()}`, { method: 'POST', headers, body: file });
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({ status: res.status }))) as Problem;
    throw new ApiError(res.status, problem);
  }
  return (await res.json()) as AttachmentRef;
}

/** Posts a JSON body and saves the answer as a file (Excel exports). */
export async function downloadPost(path: string, body: unknown, fallbackName: string): Promise<void> {
  const headers = new Headers({ 'Content-Type': 'application/json' });
  const token = getToken();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const res = await fetch(`${API_BASE}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({ status: res.status }))) as Problem;
    throw new ApiError(res.status, problem);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Public (no-login) endpoints of the citizen H5 pages. */
export const publicApi = {
  submit: (body: { title: string; content: string; name: string; phone: string; address?: string; kind?: string }) =>
    api.post<{ no: string; id?: string }>('/public/tickets', body, { anonymous: true }),
  query: (no: string, phone: string) => api.post<PublicProgress>('/public/tickets/query', { no, phone }, { anonymous: true }),
  evaluate: (body: { no: string; phone: string; handlingRating: number; serviceRating: number; comment?: string }) =>
    api.post<Record<string, unknown>>('/public/tickets/evaluate', body, { anonymous: true }),
  evaluationView: (token: string) => api.get<{ no: string; title: string; answer: string | null; status: string; dueAt: string }>(`/public/evaluations/${encodeURIComponent(token)}`, undefined, { anonymous: true }),
  evaluateByToken: (token: string, body: { handlingRating: number; serviceRating: number; comment?: string }) =>
    api.post<Record<string, unknown>>(`/public/evaluations/${encodeURIComponent(token)}`, body, { anonymous: true }),
};

export interface PublicProgress {
  no: string;
  title: string;
  status: string;
  statusDetail: string;
  citizenPhone: string | null;
  createdAt: string;
  answer: string | null;
  canEvaluate: boolean;
  steps: { at: string; step: string; unit: string | null }[];
}
