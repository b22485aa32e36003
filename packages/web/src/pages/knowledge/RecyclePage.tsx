import { useEffect, useState } from 'react';
import { PageContainer, ProTable, type ProColumns } from '@ant-design/pro-components';
import { Button, Input, Popconfirm, Select, Space, Typography } from 'antd';
import { UndoOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../api/feedback';
import { formatDateTime } from '../../utils/format';
import { kbApi } from './kbApi';
import type { KbRecycled } from './types';

/**
 * 回收站: recycled knowledge with who took it out and why, and when the purge job deletes it.
 * 恢复 does not republish: it opens a restore revision that goes through review again.
 */
export default function RecyclePage() {
  const { t } = useTranslation();
  const [rows, setRows] = useState<KbRecycled[]>([]);
  const [loading, setLoading] = useState(false);
  // The bin is one short list per tenant, so it is narrowed here rather than by the server.
  const [typeName, setTypeName] = useState<string>();
  const [keyword, setKeyword] = useState('');
  const shown = rows.filter((r) => (!typeName || r.typeName === typeName) && (!keyword.trim() || r.title.includes(keyword.trim()) || (r.reason ?? '').includes(keyword.trim())));
  const typeNames = [...new Set(rows.map((r) => r.typeName).filter((x): x is string => !!x))];

  const load = async () => {
    setLoading(true);
    try {
      setRows(await kbApi.recycleBin());
    } catch {
      setRows([]);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load(), []);

  const restore = async (r: KbRecycled) => {
    await kbApi.restore(r.id);
    getMessage().success(t('kb.recycle.restored'));
    await load();
  };

  const columns: ProColumns<KbRecycled>[] = [
    { title: t('kb.field.title'), dataIndex: 'title', ellipsis: true, width: 260, fixed: 'left' },
    { title: t('kb.field.type'), dataIndex: 'typeName', width: 110, render: (_, r) => r.typeName ?? '-' },
    { title: t('kb.field.directory'), dataIndex: 'directoryName', width: 140, ellipsis: true, render: (_, r) => r.directoryName ?? '-' },
    { title: t('kb.reason'), dataIndex: 'reason', ellipsis: true, width: 240, render: (_, r) => r.reason || '-' },
    { title: t('kb.recycle.operator'), dataIndex: 'recycledBy', width: 120, render: (_, r) => r.recycledBy || '-' },
    { title: t('kb.recycle.recycledAt'), dataIndex: 'recycledAt', width: 170, render: (_, r) => formatDateTime(r.recycledAt) },
    {
      title: t('kb.recycle.purgeAfter'),
      dataIndex: 'purgeAfter',
      width: 170,
      render: (_, r) => <Typography.Text type="danger">{formatDateTime(r.purgeAfter)}</Typography.Text>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      fixed: 'right',
      render: (_, r) => (
        <Popconfirm title={t('kb.recycle.restoreConfirm')} onConfirm={() => restore(r).catch(() => undefined)}>
          <Button size="small" icon={<UndoOutlined />} data-testid="kb-restore">
            {t('kb.recycle.restore')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <PageContainer title={t('menu.knowledge.recycle')} subTitle={t('kb.recycle.subtitle')}>
      <ProTable<KbRecycled>
        rowKey="id"
        columns={columns}
        dataSource={shown}
        toolbar={{
          filter: (
            <Space wrap>
              <Input.Search allowClear style={{ width: 200 }} placeholder={t('kb.recycle.keyword')} onSearch={setKeyword} />
              <Select allowClear style={{ width: 140 }} placeholder={t('kb.field.type')} value={typeName} onChange={setTypeName} options={typeNames.map((n) => ({ value: n, label: n }))} />
            </Space>
          ),
        }}
        loading={loading}
        search={false}
        pagination={{ pageSize: 20 }}
        scroll={{ x: 1310 }}
        options={{ density: false, reload: () => void load(), setting: false, fullScreen: false }}
        data-testid="kb-recycle-table"
      />
    </PageContainer>
  );
}
