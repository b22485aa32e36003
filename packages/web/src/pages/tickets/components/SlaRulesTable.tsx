import { useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { Button, List, Modal, Popconfirm, Tag, Tooltip } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { getMessage } from '../../../api/feedback';
import { formatDateTime } from '../../../utils/format';
import { SlaRuleForm, type SlaRule } from './SlaRuleForm';
import { fire } from './fire';

interface DryRun {
  matched: number;
  sample: { id: string; no: string; title: string }[];
}

/** Warning and supervision rules: CRUD, 模拟测试 (dry run), activate once tested. */
export function SlaRulesTable() {
  const { t } = useTranslation();
  const actionRef = useRef<ActionType>();
  const [editing, setEditing] = useState<SlaRule | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [dryRun, setDryRun] = useState<DryRun | null>(null);
  const reload = () => void actionRef.current?.reload();

  async function test(r: SlaRule) {
    const res = await api.post<DryRun>(`/sla-rules/${encodeURIComponent(r.id)}/dry-run`);
    setDryRun(res);
    reload();
  }
  async function toggle(r: SlaRule) {
    await api.post(`/sla-rules/${encodeURIComponent(r.id)}/${r.active ? 'deactivate' : 'activate'}`);
    getMessage().success(t('tickets.actionDone'));
    reload();
  }
  async function remove(r: SlaRule) {
    await api.del(`/sla-rules/${encodeURIComponent(r.id)}`);
    getMessage().success(t('common.deleted'));
    reload();
  }

  const columns: ProColumns<SlaRule>[] = [
    { title: t('tickets.sla.ruleName'), dataIndex: 'name', ellipsis: true },
    { title: t('tickets.supervision.kind'), dataIndex: 'kind', width: 90, render: (_, r) => <Tag color={r.kind === 'warning' ? 'gold' : 'red'}>{t(`tickets.supervision.kind.${r.kind}`)}</Tag> },
    { title: t('tickets.sla.trigger'), dataIndex: 'trigger', width: 140, render: (_, r) => `${t(`tickets.sla.trigger.${r.trigger}`)} ≥ ${r.threshold}` },
    { title: t('tickets.supervise.level'), dataIndex: 'level', width: 90, render: (_, r) => t(`tickets.supervise.level.${r.level}`, { defaultValue: r.level }) },
    { title: t('tickets.sla.tested'), dataIndex: 'testedAt', width: 200, render: (_, r) => (r.testedAt ? `${formatDateTime(r.testedAt)} (${r.testResult?.matched ?? 0})` : <Tag>{t('tickets.sla.untested')}</Tag>) },
    { title: t('common.status'), dataIndex: 'active', width: 90, render: (_, r) => (r.active ? <Tag color="success">{t('tickets.sla.active')}</Tag> : <Tag>{t('tickets.sla.inactive')}</Tag>) },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 300,
      render: (_, r) => [
        <Button key="test" size="small" onClick={() => fire(test(r))}>
          {t('tickets.sla.dryRun')}
        </Button>,
        <Tooltip key="toggle" title={!r.testedAt && !r.active ? t('tickets.sla.testFirst') : undefined}>
          <Button size="small" type={r.active ? 'default' : 'primary'} disabled={!r.testedAt && !r.active} onClick={() => fire(toggle(r))}>
            {r.active ? t('common.disable') : t('common.enable')}
          </Button>
        </Tooltip>,
        <Button
          key="edit"
          size="small"
          onClick={() => {
            setEditing(r);
            setFormOpen(true);
          }}
        >
          {t('common.edit')}
        </Button>,
        <Popconfirm key="del" title={t('tickets.sla.deleteConfirm')} onConfirm={() => fire(remove(r))}>
          <Button size="small" danger>
            {t('common.delete')}
          </Button>
        </Popconfirm>,
      ],
    },
  ];

  return (
    <>
      <ProTable<SlaRule>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        search={false}
        pagination={false}
        request={async () => {
          const res = await api.get<{ items: SlaRule[]; total: number }>('/sla-rules');
          return { data: res.items, total: res.total, success: true };
        }}
        toolBarRender={() => [
          <Button
            key="new"
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              setEditing(null);
              setFormOpen(true);
            }}
          >
            {t('tickets.sla.newRule')}
          </Button>,
        ]}
      />
      <SlaRuleForm rule={editing} open={formOpen} onOpenChange={setFormOpen} onSaved={reload} />
      <Modal open={!!dryRun} title={t('tickets.sla.dryRunResult', { count: dryRun?.matched ?? 0 })} footer={null} onCancel={() => setDryRun(null)}>
        <List
          size="small"
          dataSource={dryRun?.sample ?? []}
          renderItem={(s) => (
            <List.Item>
              <Link to={`/tickets/${s.id}`}>{s.no}</Link> {s.title}
            </List.Item>
          )}
        />
      </Modal>
    </>
  );
}
