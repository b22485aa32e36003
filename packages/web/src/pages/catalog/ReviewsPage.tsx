import { useEffect, useRef, useState } from 'react';
import { ModalForm, PageContainer, ProFormTextArea, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { Alert, Button, Descriptions, Drawer, Segmented, Space, Spin, Tag, Typography } from 'antd';
import { CheckOutlined, RollbackOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import { formatDateTime } from '../../utils/format';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';
import { CATALOG, ChangeStatusTag, DiffTable, enc, type ChangeDetail, type ChangeStatus, type ChangeView } from './ItemDetailModel';

type Scope = 'todo' | 'all';

/**
 * 事项审核: changes waiting for the caller's review (never their own), each with the field diff
 * against what is published now; 通过 publishes, 退回 needs an opinion.
 */
export default function ReviewsPage() {
  const { t } = useTranslation();
  const [scope, setScope] = useState<Scope>('todo');
  const [openId, setOpenId] = useState<string>();
  const actionRef = useRef<ActionType>();

  const columns: ProColumns<ChangeView>[] = [
    {
      title: t('catalogReview.title'),
      dataIndex: 'title',
      ellipsis: true,
      render: (_, r) => (
        <Typography.Link onClick={() => setOpenId(r.id)} data-testid={`catalog-review-open-${r.id}`}>
          {r.title}
        </Typography.Link>
      ),
    },
    { title: t('catalogReview.entity'), dataIndex: 'entityType', width: 100, render: (_, r) => <Tag bordered={false}>{t(`catalogReview.entity.${r.entityType}`)}</Tag> },
    { title: t('catalogItem.changeAction'), dataIndex: 'action', width: 90, render: (_, r) => t(`catalogItem.action.${r.action}`) },
    { title: t('catalogReview.tenant'), dataIndex: 'tenantName', width: 150, ellipsis: true },
    { title: t('catalogReview.submitter'), dataIndex: 'submittedByName', width: 110, render: (_, r) => r.submittedByName ?? r.createdByName ?? '-' },
    { title: t('catalogReview.submittedAt'), dataIndex: 'submittedAt', width: 170, render: (_, r) => formatDateTime(r.submittedAt ?? r.createdAt) },
    { title: t('common.status'), dataIndex: 'status', width: 100, render: (_, r) => <ChangeStatusTag value={r.status} /> },
    { title: t('catalogReview.reviewer'), dataIndex: 'reviewedByName', width: 110, render: (_, r) => r.reviewedByName ?? '-' },
  ];

  return (
    <PageContainer
      title={t('menu.catalog.reviews')}
      subTitle={t('catalogReview.subtitle')}
      extra={
        <Segmented
          value={scope}
          onChange={(v) => setScope(v as Scope)}
          options={[
            { value: 'todo', label: t('catalogReview.todo') },
            { value: 'all', label: t('catalogReview.all') },
          ]}
        />
      }
    >
      <ProTable<ChangeView, { reviewable?: boolean; status?: ChangeStatus }>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        params={scope === 'todo' ? { reviewable: true, status: 'pending' } : {}}
        search={false}
        request={(p) => fetchPage<ChangeView>(`${CATALOG}/changes`, toListQuery(p))}
        pagination={DEFAULT_PAGINATION}
        scroll={{ x: 1000 }}
        options={{ density: true, reload: true, setting: false, fullScreen: false }}
        data-testid="catalog-review-table"
      />
      <ReviewDrawer
        changeId={openId}
        onClose={() => setOpenId(undefined)}
        onDecided={() => {
          setOpenId(undefined);
          actionRef.current?.reload();
        }}
      />
    </PageContainer>
  );
}

function ReviewDrawer({ changeId, onClose, onDecided }: { changeId?: string; onClose: () => void; onDecided: () => void }) {
  const { t } = useTranslation();
  const [change, setChange] = useState<ChangeDetail>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!changeId) return setChange(undefined);
    let cancelled = false;
    void api.get<ChangeDetail>(`${CATALOG}/changes/${enc(changeId)}`).then((c) => !cancelled && setChange(c));
    return () => {
      cancelled = true;
    };
  }, [changeId]);

  const approve = async (opinion: string) => {
    if (!change) return;
    setBusy(true);
    try {
      await api.post(`${CATALOG}/changes/${enc(change.id)}/approve`, opinion ? { opinion } : {});
      getMessage().success(t('catalogReview.approved'));
      onDecided();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={!!changeId}
      onClose={onClose}
      width={860}
      destroyOnClose
      title={change ? `${t(`catalogItem.action.${change.action}`)}：${change.title}` : t('catalogReview.detail')}
      extra={
        change?.canReview ? (
          <Space>
            <RejectButton changeId={change.id} onDone={onDecided} />
            <ApproveButton busy={busy} onApprove={approve} />
          </Space>
        ) : null
      }
    >
      {!change ? (
        <Spin />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }} size="large">
          {!change.canReview && change.status === 'pending' && <Alert type="info" showIcon message={t('catalogReview.notYours')} />}
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('catalogReview.entity')}>{t(`catalogReview.entity.${change.entityType}`)}</Descriptions.Item>
            <Descriptions.Item label={t('common.status')}>
              <ChangeStatusTag value={change.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('catalogReview.tenant')}>{change.tenantName}</Descriptions.Item>
            <Descriptions.Item label={t('catalogReview.submitter')}>{change.submittedByName ?? change.createdByName ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('catalogReview.submittedAt')}>{formatDateTime(change.submittedAt ?? change.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('catalogReview.reviewer')}>{change.reviewedByName ?? '-'}</Descriptions.Item>
            {change.opinion ? (
              <Descriptions.Item label={t('catalogReview.opinion')} span={2}>
                {change.opinion}
              </Descriptions.Item>
            ) : null}
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('catalogReview.diffTitle')}</Typography.Title>
            <DiffTable diffs={change.diff} testId="catalog-review-diff" />
          </div>
        </Space>
      )}
    </Drawer>
  );
}

function ApproveButton({ busy, onApprove }: { busy: boolean; onApprove: (opinion: string) => Promise<void> }) {
  const { t } = useTranslation();
  return (
    <ModalForm<{ opinion?: string }>
      title={t('catalogReview.approve')}
      width={480}
      trigger={
        <Button type="primary" icon={<CheckOutlined />} loading={busy} data-testid="catalog-review-approve">
          {t('catalogReview.approve')}
        </Button>
      }
      modalProps={{ destroyOnClose: true }}
      onFinish={async (v) => {
        try {
          await onApprove(v.opinion?.trim() ?? '');
          return true;
        } catch {
          return false;
        }
      }}
    >
      <Typography.Paragraph type="secondary">{t('catalogReview.approveHint')}</Typography.Paragraph>
      <ProFormTextArea name="opinion" label={t('catalogReview.opinionOptional')} fieldProps={{ maxLength: 1000 }} />
    </ModalForm>
  );
}

function RejectButton({ changeId, onDone }: { changeId: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <ModalForm<{ opinion: string }>
      title={t('catalogReview.reject')}
      width={480}
      trigger={
        <Button danger icon={<RollbackOutlined />} data-testid="catalog-review-reject">
          {t('catalogReview.reject')}
        </Button>
      }
      modalProps={{ destroyOnClose: true }}
      onFinish={async (v) => {
        try {
          await api.post(`${CATALOG}/changes/${enc(changeId)}/reject`, { opinion: v.opinion.trim() });
          getMessage().success(t('catalogReview.rejected'));
          onDone();
          return true;
        } catch {
          return false;
        }
      }}
    >
      <ProFormTextArea
        name="opinion"
        label={t('catalogReview.opinion')}
        placeholder={t('catalogReview.opinionRequired')}
        rules={[{ required: true, whitespace: true, message: t('catalogReview.opinionRequired') }]}
        fieldProps={{ maxLength: 1000 }}
      />
    </ModalForm>
  );
}
