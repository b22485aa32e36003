// Hand-written mirror of what /api/v1/kb answers (packages/server/src/modules/knowledge/README.md).

export type KbStatus = 'draft' | 'pending_review' | 'pending_publish' | 'published' | 'offline' | 'recycled';
export type KbScope = 'subtree' | 'tenant';
export type KbChangeType = 'create' | 'revise' | 'withdraw' | 'restore';
/** 环节 of a revision (its 知识工单). A returned revision is back in 'draft' with the reviewer's opinion. */
export type KbRevisionState = 'draft' | 'pending_review' | 'pending_publish' | 'published' | 'superseded' | 'discarded' | 'applied';
export type KbUseKind = 'view' | 'insert' | 'copy' | 'recommend_click';
export type KbFieldKind = 'text' | 'textarea' | 'date';

export interface Span {
  start: number;
  end: number;
}

export interface KbTemplateField {
  key: string;
  label: string;
  required: boolean;
  kind: KbFieldKind;
}

export interface KbType {
  code: string;
  name: string;
  description: string | null;
  sort: number;
  enabled: boolean;
  template: { fields: KbTemplateField[] };
}

export interface KbDirectory {
  id: string;
  tenantId: string;
  tenantName: string;
  parentId: string | null;
  name: string;
  sort: number;
  enabled: boolean;
  articleCount: number;
  /** Owned by an ancestor tenant: shown, not editable here. */
  inherited: boolean;
}

export interface KbHotWord {
  id: string;
  tenantId: string;
  tenantName: string;
  /** An ancestor's hot word: it applies here too, and only its owner edits it. */
  inherited: boolean;
  word: string;
  weight: number;
  articleIds: string[];
  articles: { id: string; title: string }[];
  usageCount: number;
}

export interface KbSynonym {
  id: string;
  tenantId: string;
  tenantName: string;
  inherited: boolean;
  term: string;
  synonyms: string[];
}

export interface KbArticleSummary {
  id: string;
  title: string;
  typeCode: string;
  typeName: string;
  directoryId: string;
  directoryName: string;
  tenantId: string;
  tenantName: string;
  scope: KbScope;
  status: KbStatus;
  /** Version number of the live revision. */
  version: number | null;
  openState: KbRevisionState | null;
  publishedAt: string | null;
  updatedAt: string;
  validTo: string | null;
}

export interface KbRevision {
  id: string;
  version: number | null;
  changeType: KbChangeType;
  state: KbRevisionState;
  title: string;
  summary: string | null;
  body: string;
  fields: Record<string, string | null>;
  keywords: string[];
  itemIds: string[];
  basis: string | null;
  source: string | null;
  validTo: string | null;
  note: string;
  authorId: string | null;
  authorName: string | null;
  createdAt: string;
  submittedAt: string | null;
  reviewerName: string | null;
  reviewedAt: string | null;
  reviewOpinion: string | null;
  /** Set on a scheduled publication (预约发布) until it happens. */
  publishAt: string | null;
  publisherName: string | null;
  publishedAt: string | null;
  closedAt: string | null;
}

/** One step of the history: a revision seen as its 知识工单. */
export type KbRevisionSummary = Omit<KbRevision, 'summary' | 'body' | 'fields' | 'keywords' | 'itemIds' | 'basis' | 'source'>;

export interface KbArticleDetail extends KbArticleSummary {
  live: KbRevision | null;
  open: KbRevision | null;
  history: KbRevisionSummary[];
  items: { id: string; name: string }[];
  offlineReason: string | null;
  temporaryOffline: boolean;
  recycledAt: string | null;
  purgeAfter: string | null;
  /** The caller may edit it (own tenant, kb:edit). */
  editable: boolean;
}

export interface KbReviewRow {
  articleId: string;
  revisionId: string;
  version: number | null;
  changeType: KbChangeType;
  state: KbRevisionState;
  title: string;
  authorName: string | null;
  submittedAt: string | null;
  reviewedAt?: string | null;
  publishAt?: string | null;
}

export interface KbWorkOrder {
  revisionId: string;
  articleId: string;
  title: string;
  changeType: KbChangeType;
  state: KbRevisionState;
  version: number | null;
  authorName: string | null;
  createdAt: string;
  closedAt: string | null;
  note: string | null;
}

export interface KbRecycled {
  id: string;
  title: string;
  reason: string | null;
  recycledBy: string | null;
  recycledAt: string;
  purgeAfter: string | null;
  typeName?: string;
  directoryName?: string;
}

export interface KbSearchHit {
  id: string;
  title: string;
  summary: string | null;
  snippet: string;
  typeCode: string;
  typeName: string;
  tenantName: string;
  directoryName: string;
  publishedAt: string | null;
  score: number;
  titleHighlights: Span[];
  snippetHighlights: Span[];
}

export type KbSearchRule = 'any' | 'all' | 'phrase';

export interface KbRecommendation {
  id: string;
  title: string;
  summary: string | null;
  typeName: string;
  score: number;
  /** 0..1 */
  match: number;
  pinned: boolean;
  usage30d: number;
  reasons: string[];
}

export interface KbList<T> {
  items: T[];
}

export interface KbPage<T> {
  total: number;
  items: T[];
}
