import { useEffect, useState } from 'react';
import { Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';

/**
 * Shapes of the catalogue API (/api/v1/catalog) shared by the items page, the item drawer and the
 * reviews page, plus the small pieces they all render: status tags and the highlighted field diff.
 */
export type CatalogStatus = 'draft' | 'pending' | 'published' | 'rejected' | 'offline' | 'void';
export type ChangeStatus = 'draft' | 'pending' | 'approved' | 'rejected' | 'withdrawn';
export type ChangeAction = 'create' | 'update' | 'offline' | 'void' | 'rollback';

export interface OpenChange {
  id: string;
  status: ChangeStatus;
  action: ChangeAction;
}

export interface CategoryNode {
  id: string;
  tenantId: string;
  parentId: string | null;
  code: string;
  name: string;
  level: number;
  pathNames: string[];
  sort: number;
  status: CatalogStatus;
  description: string;
  leaf: boolean;
  itemCount: number;
  inherited: boolean;
  children: CategoryNode[];
}

export interface ItemFields {
  name: string;
  description: string;
  keywords: string[];
  synonyms: string[];
  industry: string;
  demandTypes: string[];
  levels: number[];
  urgencyTiers: string[];
  department: string;
  handlingStandard: string;
  legalBasis: string;
  effectiveFrom: string | null;
  effectiveTo: string | null;
}

export interface ItemRow extends ItemFields {
  id: string;
  code: string;
  categoryId: string;
  categoryName: string;
  tenantId: string;
  tenantName: string;
  origin: 'standard' | 'local';
  status: CatalogStatus;
  currentVersion: number;
  pinyin: string;
  inherited: boolean;
  editable: boolean;
  openChange: OpenChange | null;
  createdAt: string;
  updatedAt: string;
}

export interface ItemDetail extends ItemRow {
  categoryPathNames: string[];
  draft: Partial<ItemFields> | null;
  knowledgeCount: number;
}

export interface FieldDiff {
  field: string;
  label: string;
  before: unknown;
  after: unknown;
  beforeText: string;
  afterText: string;
  added?: unknown[];
  removed?: unknown[];
  addedText?: string;
  removedText?: string;
}

export interface ChangeView {
  id: string;
  tenantId: string;
  tenantName: string;
  entityType: 'category' | 'item' | 'list_entry';
  entityId: string;
  action: ChangeAction;
  status: ChangeStatus;
  title: string;
  createdByName: string | null;
  createdAt: string;
  submittedByName: string | null;
  submittedAt: string | null;
  reviewedByName: string | null;
  reviewedAt: string | null;
  opinion: string;
}

export interface ChangeDetail extends ChangeView {
  diff: FieldDiff[];
  canReview: boolean;
}

export interface VersionRow {
  version: number;
  publishedAt: string;
  publishedByName: string | null;
  action: ChangeAction | null;
  opinion: string;
  summary: string;
}

export interface KnowledgeLink {
  articleId: string;
  note: string;
  createdAt: string;
  createdByName: string | null;
}

export interface LocalDetail {
  rules: string;
  materials: string[];
  process: string;
  contactUnit: string;
  contactPhone: string;
  contactAddress: string;
  note: string;
}

export type AdoptionStatus = 'new' | 'pending' | 'active' | 'excluded';

export interface ImplementationRow {
  itemId: string;
  code: string;
  name: string;
  categoryName: string;
  department: string;
  ownerTenantName: string;
  kind: 'inherited' | 'local';
  itemStatus: CatalogStatus;
  currentVersion: number;
  adoptedVersion: number | null;
  adoptionStatus: AdoptionStatus | null;
  hasUpdate: boolean;
  localDetail: LocalDetail;
  excludedReason: string;
  updatedAt: string;
}

export interface ImplementationChanges {
  adoptedVersion: number | null;
  currentVersion: number;
  changes: FieldDiff[];
  publications: { version: number; publishedAt: string; summary: string }[];
}

export interface Option<T = string> {
  value: T;
  label: string;
}

export interface ItemOptions {
  industry: Option[];
  demandType: Option[];
  urgency: Option[];
  levels: Option<number>[];
}

export const CATALOG = '/catalog';
export const enc = encodeURIComponent;

let optionsCache: Promise<ItemOptions> | null = null;

/** Dictionary choices for item fields (行业领域, 诉求类型, 紧急程度, 适用层级), loaded once. */
export function useItemOptions(): ItemOptions {
  const [options, setOptions] = useState<ItemOptions>({ industry: [], demandType: [], urgency: [], levels: [] });
  useEffect(() => {
    optionsCache ??= api.get<ItemOptions>(`${CATALOG}/item-options`, undefined, { silent: true });
    optionsCache.then(setOptions).catch(() => {
      optionsCache = null;
    });
  }, []);
  return options;
}

export const labelOf = (options: Option[], value: string) => options.find((o) => o.value === value)?.label ?? value;

const STATUS_COLORS: Record<CatalogStatus, string> = {
  draft: 'default',
  pending: 'processing',
  published: 'success',
  rejected: 'error',
  offline: 'warning',
  void: 'default',
};

export function CatalogStatusTag({ value }: { value: CatalogStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[value]} bordered={false}>
      {t(`catalogItem.status.${value}`)}
    </Tag>
  );
}

const CHANGE_COLORS: Record<ChangeStatus, string> = { draft: 'default', pending: 'processing', approved: 'success', rejected: 'error', withdrawn: 'default' };

export function ChangeStatusTag({ value }: { value: ChangeStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={CHANGE_COLORS[value]} bordered={false}>
      {t(`catalogItem.changeStatus.${value}`)}
    </Tag>
  );
}

/** The reviewer's view: old value struck through in red, new value in green, list deltas as tags. */
export function DiffTable({ diffs, testId }: { diffs: FieldDiff[]; testId?: string }) {
  const { t } = useTranslation();
  if (diffs.length === 0) return <Typography.Text type="secondary">{t('catalogItem.diff.none')}</Typography.Text>;
  return (
    <Table<FieldDiff>
      size="small"
      rowKey="field"
      pagination={false}
      dataSource={diffs}
      data-testid={testId}
      columns={[
        { title: t('catalogItem.diff.field'), dataIndex: 'label', width: 120, render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
        {
          title: t('catalogItem.diff.before'),
          dataIndex: 'beforeText',
          width: '40%',
          render: (v: string, d) =>
            d.before === null ? (
              <Typography.Text type="secondary">{v}</Typography.Text>
            ) : (
              <span className="catalog-diff-before" style={{ background: '#fff1f0', color: '#a8071a', textDecoration: 'line-through', whiteSpace: 'pre-wrap' }}>
                {v}
              </span>
            ),
        },
        {
          title: t('catalogItem.diff.after'),
          dataIndex: 'afterText',
          render: (v: string, d) => (
            <Space direction="vertical" size={4}>
              {d.after === null ? (
                <Typography.Text type="secondary">{v}</Typography.Text>
              ) : (
                <span className="catalog-diff-after" style={{ background: '#f6ffed', color: '#135200', whiteSpace: 'pre-wrap' }}>
                  {v}
                </span>
              )}
              {(d.addedText || d.removedText) && (
                <Space size={4} wrap>
                  {d.addedText ? <Tag color="green">+ {d.addedText}</Tag> : null}
                  {d.removedText ? <Tag color="red">− {d.removedText}</Tag> : null}
                </Space>
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}
