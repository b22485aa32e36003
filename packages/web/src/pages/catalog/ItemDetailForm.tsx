import { useMemo, useRef, type ReactElement } from 'react';
import {
  ModalForm,
  ProFormDatePicker,
  ProFormDigit,
  ProFormSelect,
  ProFormSwitch,
  ProFormText,
  ProFormTextArea,
  ProFormTreeSelect,
} from '@ant-design/pro-components';
import { Button, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import { CATALOG, enc, useItemOptions, type CategoryNode, type ItemDetail, type ItemFields } from './ItemDetailModel';

/**
 * Create and edit forms for items and categories. Both end with the two choices of the change
 * control: 暂存 (keep as a draft) or 提交审核 (send to the reviewers).
 */
type Values = Partial<ItemFields> & { categoryId?: string; code?: string };

interface TreeOption {
  value: string;
  title: string;
  disabled?: boolean;
  children?: TreeOption[];
}

/** Items hang on published leaves only; other nodes stay visible but cannot be picked. */
export function leafOptions(nodes: CategoryNode[]): TreeOption[] {
  return nodes.map((n) => ({
    value: n.id,
    title: `${n.name}（${n.code}）`,
    disabled: !n.leaf || n.status !== 'published',
    children: n.children.length ? leafOptions(n.children) : undefined,
  }));
}

/** The fields an item edit may send: code and category are fixed at creation. */
function fieldsOf(v: Values): Partial<ItemFields> {
  const clean = (list: string[] | undefined) => (list ?? []).map((s) => s.trim()).filter(Boolean);
  return {
    name: v.name?.trim(),
    description: v.description?.trim() ?? '',
    keywords: clean(v.keywords),
    synonyms: clean(v.synonyms),
    industry: v.industry,
    demandTypes: v.demandTypes ?? [],
    levels: v.levels ?? [],
    urgencyTiers: v.urgencyTiers ?? [],
    department: v.department?.trim() ?? '',
    handlingStandard: v.handlingStandard?.trim() ?? '',
    legalBasis: v.legalBasis?.trim() ?? '',
    effectiveFrom: v.effectiveFrom || null,
    effectiveTo: v.effectiveTo || null,
  };
}

export function ItemFormModal({
  trigger,
  categories,
  categoryId,
  item,
  onDone,
}: {
  trigger: ReactElement;
  categories: CategoryNode[];
  categoryId?: string;
  /** Present when editing; the open draft (if any) is what the form continues from. */
  item?: ItemDetail;
  onDone: (id: string) => void;
}) {
  const { t } = useTranslation();
  const options = useItemOptions();
  const submitFlag = useRef(false);
  const treeData = useMemo(() => leafOptions(categories), [categories]);
  const editing = !!item;
  const initial: Values = item
    ? { ...item, ...(item.draft ?? {}), categoryId: item.categoryId, code: item.code }
    : { categoryId, industry: 'other', keywords: [], synonyms: [], demandTypes: [], levels: [], urgencyTiers: [] };

  return (
    <ModalForm<Values>
      title={editing ? t('catalogItem.editTitle', { code: item.code }) : t('catalogItem.createTitle')}
      width={820}
      grid
      rowProps={{ gutter: 16 }}
      trigger={trigger}
      initialValues={initial}
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      submitter={{
        // Two ways out, as the change control has them: 暂存 or 提交审核.
        render: (props) => [
          <Button
            key="draft"
            data-testid="catalog-item-save-draft"
            onClick={() => {
              submitFlag.current = false;
              props.submit();
            }}
          >
            {t('catalogItem.saveDraft')}
          </Button>,
          <Button
            key="submit"
            type="primary"
            data-testid="catalog-item-submit"
            onClick={() => {
              submitFlag.current = true;
              props.submit();
            }}
          >
            {t('catalogItem.submitReview')}
          </Button>,
        ],
      }}
      onFinish={async (v) => {
        const submit = submitFlag.current;
        try {
          const saved = editing
            ? await api.patch<ItemDetail>(`${CATALOG}/items/${enc(item.id)}`, { ...fieldsOf(v), submit })
            : await api.post<ItemDetail>(`${CATALOG}/items`, { ...fieldsOf(v), categoryId: v.categoryId, code: v.code?.trim(), submit });
          getMessage().success(submit ? t('catalogItem.submitted') : t('catalogItem.savedDraft'));
          onDone(saved.id);
          return true;
        } catch {
          return false;
        }
      }}
    >
      {item?.draft && (
        <Typography.Paragraph type="warning" style={{ paddingInline: 8 }}>
          {t('catalogItem.continuingDraft')}
        </Typography.Paragraph>
      )}
      <ProFormTreeSelect
        name="categoryId"
        label={t('catalogItem.category')}
        colProps={{ span: 12 }}
        disabled={editing}
        tooltip={t('catalogItem.leafOnly')}
        rules={[{ required: true, message: t('validation.required') }]}
        fieldProps={{ treeData, showSearch: true, treeNodeFilterProp: 'title', treeDefaultExpandAll: true, listHeight: 360 }}
      />
      <ProFormText
        name="code"
        label={t('catalogItem.code')}
        colProps={{ span: 12 }}
        disabled={editing}
        tooltip={t('catalogItem.codeImmutable')}
        rules={[
          { required: true, message: t('validation.required') },
          { pattern: /^[A-Za-z0-9_.:-]{1,64}$/, message: t('catalogItem.codePattern') },
        ]}
      />
      <ProFormText name="name" label={t('catalogItem.name')} colProps={{ span: 12 }} rules={[{ required: true, message: t('validation.required') }]} fieldProps={{ maxLength: 100 }} />
      <ProFormText name="department" label={t('catalogItem.department')} colProps={{ span: 12 }} fieldProps={{ maxLength: 200 }} />
      <ProFormSelect name="industry" label={t('catalogItem.industry')} colProps={{ span: 12 }} options={options.industry} showSearch rules={[{ required: true, message: t('validation.required') }]} />
      <ProFormSelect name="demandTypes" label={t('catalogItem.demandTypes')} colProps={{ span: 12 }} mode="multiple" options={options.demandType} />
      <ProFormSelect name="levels" label={t('catalogItem.levels')} colProps={{ span: 12 }} mode="multiple" options={options.levels} />
      <ProFormSelect name="urgencyTiers" label={t('catalogItem.urgencyTiers')} colProps={{ span: 12 }} mode="multiple" options={options.urgency} />
      <ProFormSelect name="keywords" label={t('catalogItem.keywords')} colProps={{ span: 12 }} mode="tags" fieldProps={{ tokenSeparators: [',', '，', '、'], open: false }} />
      <ProFormSelect name="synonyms" label={t('catalogItem.synonyms')} colProps={{ span: 12 }} mode="tags" fieldProps={{ tokenSeparators: [',', '，', '、'], open: false }} />
      <ProFormTextArea name="handlingStandard" label={t('catalogItem.handlingStandard')} colProps={{ span: 12 }} fieldProps={{ maxLength: 2000, autoSize: { minRows: 2, maxRows: 6 } }} />
      <ProFormTextArea name="legalBasis" label={t('catalogItem.legalBasis')} colProps={{ span: 12 }} fieldProps={{ maxLength: 2000, autoSize: { minRows: 2, maxRows: 6 } }} />
      <ProFormTextArea name="description" label={t('catalogItem.description')} colProps={{ span: 24 }} fieldProps={{ maxLength: 2000, autoSize: { minRows: 2, maxRows: 6 } }} />
      <ProFormDatePicker name="effectiveFrom" label={t('catalogItem.effectiveFrom')} colProps={{ span: 12 }} width="100%" />
      <ProFormDatePicker name="effectiveTo" label={t('catalogItem.effectiveTo')} colProps={{ span: 12 }} width="100%" />
    </ModalForm>
  );
}

interface CategoryValues {
  code?: string;
  name: string;
  description?: string;
  sort?: number;
  submit?: boolean;
}

/** New node under the selected one (or at the top), or an edit of name, description and sort. */
export function CategoryFormModal({
  trigger,
  parent,
  node,
  onDone,
}: {
  trigger: ReactElement;
  parent?: CategoryNode;
  node?: CategoryNode;
  onDone: (id: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <ModalForm<CategoryValues>
      title={node ? t('catalogItem.category.edit', { name: node.name }) : t('catalogItem.category.create')}
      width={560}
      trigger={trigger}
      initialValues={node ? { name: node.name, description: node.description, sort: node.sort, submit: true } : { sort: 0, submit: true }}
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      onFinish={async (v) => {
        try {
          const body = { name: v.name.trim(), description: v.description?.trim() ?? '', sort: v.sort ?? 0, submit: !!v.submit };
          const saved = node
            ? await api.patch<CategoryNode>(`${CATALOG}/categories/${enc(node.id)}`, body)
            : await api.post<CategoryNode>(`${CATALOG}/categories`, { ...body, code: v.code?.trim(), parentId: parent?.id });
          getMessage().success(v.submit ? t('catalogItem.submitted') : t('catalogItem.savedDraft'));
          onDone(saved.id);
          return true;
        } catch {
          return false;
        }
      }}
    >
      {!node && (
        <Typography.Paragraph type="secondary">
          {parent ? t('catalogItem.category.under', { path: parent.pathNames.join(' / ') }) : t('catalogItem.category.topLevel')}
        </Typography.Paragraph>
      )}
      {!node && (
        <ProFormText
          name="code"
          label={t('catalogItem.category.code')}
          tooltip={t('catalogItem.category.immutable')}
          rules={[
            { required: true, message: t('validation.required') },
            { pattern: /^[A-Za-z0-9_.:-]{1,64}$/, message: t('catalogItem.codePattern') },
          ]}
        />
      )}
      <ProFormText name="name" label={t('catalogItem.category.name')} rules={[{ required: true, message: t('validation.required') }]} fieldProps={{ maxLength: 100 }} />
      <ProFormTextArea name="description" label={t('catalogItem.category.description')} fieldProps={{ maxLength: 500 }} />
      <ProFormDigit name="sort" label={t('catalogItem.category.sort')} min={0} max={100000} fieldProps={{ precision: 0 }} />
      <ProFormSwitch name="submit" label={t('catalogItem.submitNow')} tooltip={t('catalogItem.submitNowHint')} />
    </ModalForm>
  );
}
