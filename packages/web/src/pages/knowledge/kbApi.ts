import { API_BASE, ApiError, api, download, getToken, type Problem, type Query } from '../../api/client';
import { XLSX_MIME } from '../../components/ExcelImport';
import i18n from '../../i18n';
import type {
  KbArticleDetail,
  KbArticleSummary,
  KbDirectory,
  KbHotWord,
  KbList,
  KbPage,
  KbRecommendation,
  KbRecycled,
  KbReviewRow,
  KbScope,
  KbSearchHit,
  KbSynonym,
  KbTemplateField,
  KbType,
  KbUseKind,
  KbWorkOrder,
} from './types';

export const KB = '/kb';
const enc = encodeURIComponent;

/** The editable content of a revision, as POST /articles and PUT /articles/:id/draft take it. */
export interface KbContent {
  title: string;
  summary: string;
  body: string;
  fields: Record<string, string>;
  keywords: string[];
  itemIds: string[];
  basis: string;
  source: string;
  validTo: string | null;
}

export interface KbCreate extends KbContent {
  directoryId: string;
  typeCode: string;
  scope?: KbScope;
}

export const kbApi = {
  types: (silent = false) => api.get<KbList<KbType>>(`${KB}/types`, undefined, { silent }).then((r) => r.items ?? []),
  createType: (body: { code: string; name: string; description?: string; sort?: number; enabled?: boolean; template: { fields: KbTemplateField[] } }) =>
    api.post<KbType>(`${KB}/types`, body),
  patchType: (code: string, body: Partial<Omit<KbType, 'code'>>) => api.patch<KbType>(`${KB}/types/${enc(code)}`, body),

  directories: (silent = false) => api.get<KbList<KbDirectory>>(`${KB}/directories`, undefined, { silent }).then((r) => r.items ?? []),
  createDirectory: (body: { parentId?: string | null; name: string; sort?: number }) => api.post<KbDirectory>(`${KB}/directories`, body),
  patchDirectory: (id: string, body: { name?: string; sort?: number; enabled?: boolean }) => api.patch<KbDirectory>(`${KB}/directories/${enc(id)}`, body),
  deleteDirectory: (id: string) => api.del<void>(`${KB}/directories/${enc(id)}`),

  hotWords: () => api.get<KbList<KbHotWord>>(`${KB}/hot-words`).then((r) => r.items ?? []),
  createHotWord: (body: { word: string; weight: number; articleIds: string[] }) => api.post<KbHotWord>(`${KB}/hot-words`, body),
  patchHotWord: (id: string, body: { word?: string; weight?: number; articleIds?: string[] }) => api.patch<KbHotWord>(`${KB}/hot-words/${enc(id)}`, body),
  deleteHotWord: (id: string) => api.del<void>(`${KB}/hot-words/${enc(id)}`),

  synonyms: () => api.get<KbList<KbSynonym>>(`${KB}/synonyms`).then((r) => r.items ?? []),
  putSynonyms: (items: { term: string; synonyms: string[] }[]) => api.put<KbList<KbSynonym>>(`${KB}/synonyms`, { items }),
  synonymTemplate: () => download(`${KB}/synonyms/template`, undefined, '同义词导入模板.xlsx'),
  synonymExport: () => download(`${KB}/synonyms/export`, undefined, '同义词.xlsx'),
  /** The raw .xlsx is the body; rows merge into the tenant's own list at once (no import job). */
  synonymImport: async (file: File): Promise<{ imported: number }> => {
    const token = getToken();
    const res = await fetch(`${API_BASE}${KB}/synonyms/import`, {
      method: 'POST',
      headers: { 'Content-Type': XLSX_MIME, Accept: 'application/json, application/problem+json', 'Accept-Language': i18n.language || 'zh-CN', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: file,
    });
    const body: unknown = await res.json().catch(() => ({}));
    if (!res.ok) throw new ApiError(res.status, body as Problem);
    return body as { imported: number };
  },

  articles: (query: Query) => api.get<KbPage<KbArticleSummary>>(`${KB}/articles`, query),
  article: (id: string, opts: { silent?: boolean } = {}) => api.get<KbArticleDetail>(`${KB}/articles/${enc(id)}`, undefined, opts),
  create: (body: KbCreate) => api.post<KbArticleDetail>(`${KB}/articles`, body),
  saveDraft: (id: string, body: KbContent) => api.put<KbArticleDetail>(`${KB}/articles/${enc(id)}/draft`, body),
  submit: (id: string) => api.post<KbArticleDetail>(`${KB}/articles/${enc(id)}/submit`),
  review: (id: string, decision: 'approve' | 'return', opinion: string) => api.post<KbArticleDetail>(`${KB}/articles/${enc(id)}/review`, { decision, opinion }),
  publish: (id: string, at?: string) => api.post<KbArticleDetail>(`${KB}/articles/${enc(id)}/publish`, at ? { at } : {}),
  unpublish: (id: string, reason: string, temporary: boolean) => api.post<KbArticleDetail>(`${KB}/articles/${enc(id)}/unpublish`, { reason, temporary }),
  recycle: (id: string, reason: string) => api.post<KbArticleDetail>(`${KB}/articles/${enc(id)}/recycle`, { reason }),
  restore: (id: string) => api.post<KbArticleDetail>(`${KB}/articles/${enc(id)}/restore`),
  discard: (id: string) => api.post<KbArticleDetail>(`${KB}/articles/${enc(id)}/discard`),

  reviews: () => api.get<KbList<KbReviewRow>>(`${KB}/reviews`).then((r) => r.items ?? []),
  workOrders: (query: Query) => api.get<KbPage<KbWorkOrder>>(`${KB}/work-orders`, query),
  recycleBin: () => api.get<KbList<KbRecycled>>(`${KB}/recycle-bin`).then((r) => r.items ?? []),

  search: (query: Query) => api.get<KbPage<KbSearchHit>>(`${KB}/search`, query),
  hotTerms: (days = 30) => api.get<KbList<{ term: string; count: number }>>(`${KB}/search/hot-terms`, { days }, { silent: true }).then((r) => r.items ?? []),
  recommend: (body: { text?: string; itemId?: string | null; limit?: number }, signal?: AbortSignal) =>
    api.post<KbList<KbRecommendation>>(`${KB}/recommend`, { ...body, text: body.text || undefined, itemId: body.itemId || undefined }, { silent: true, signal }).then((r) => r.items ?? []),
  /** Usage feeds the 30-day ranking; a lost record must never bother the agent. */
  use: (id: string, kind: KbUseKind, ticketId?: string) =>
    api.post<void>(`${KB}/articles/${enc(id)}/use`, ticketId ? { kind, ticketId } : { kind }, { silent: true }).catch(() => undefined),
};
