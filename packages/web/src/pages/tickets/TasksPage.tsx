import { useCallback, useEffect, useState } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { Button, Grid, Input, List, Pagination, Space, Tabs, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Paged } from '../../api/types';
import { RequestDecideModal } from './components/RequestDecideModal';
import { TaskCardList } from './components/TaskCardList';
import { TaskTable } from './components/TaskTable';
import type { TaskRow } from './components/types';

type Box = 'sign' | 'handling' | 'returned_to_me' | 'done' | 'approvals';
const BOXES: Box[] = ['sign', 'handling', 'returned_to_me', 'done', 'approvals'];
const PAGE_SIZE = 20;

/** 承办工作台: a unit's boxes; cards at phone width, a table on desktops. */
export default function TasksPage() {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const compact = !screens.md;
  const [box, setBox] = useState<Box>('sign');
  const [page, setPage] = useState(1);
  const [keyword, setKeyword] = useState('');
  const [data, setData] = useState<Paged<TaskRow>>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const [deciding, setDeciding] = useState<string | null>(null);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let alive = true;
    setLoading(true);
    api
      .get<Paged<TaskRow>>('/ticket-tasks', { box, page, pageSize: PAGE_SIZE, keyword: keyword.trim() || undefined })
      .then((d) => alive && setData(d))
      .catch(() => alive && setData({ items: [], total: 0 }))
      .finally(() => alive && setLoading(false));
    return () => {
      alive = false;
    };
  }, [box, page, keyword, tick]);

  const list =
    box === 'approvals' ? (
      <List
        loading={loading}
        dataSource={data.items}
        renderItem={(r) => (
          <List.Item
            actions={[
              <Button key="decide" type="primary" size="small" onClick={() => setDeciding(r.ticketId)}>
                {t('tickets.request.decideOthers')}
              </Button>,
            ]}
          >
            <List.Item.Meta title={<Link to={`/tickets/${r.ticketId}`}>{r.no}</Link>} description={`${r.title} · ${r.orgName}`} />
          </List.Item>
        )}
      />
    ) : compact ? (
      <TaskCardList rows={data.items} loading={loading} onChanged={reload} actions={box !== 'done'} />
    ) : (
      <TaskTable rows={data.items} loading={loading} onChanged={reload} actions={box !== 'done'} />
    );

  return (
    <PageContainer title={t('menu.tickets.tasks')}>
      <Tabs
        activeKey={box}
        onChange={(k) => {
          setBox(k as Box);
          setPage(1);
        }}
        items={BOXES.map((b) => ({ key: b, label: <span data-testid={`tab-${b}`}>{t(`tickets.taskBox.${b}`)}</span> }))}
      />
      <Space style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }} wrap>
        <Input.Search allowClear placeholder={t('tickets.search.keywordPlaceholder')} onSearch={(v) => { setKeyword(v); setPage(1); }} style={{ maxWidth: 320 }} />
        <Space>
          <Typography.Text type="secondary">{t('common.totalCount', { count: data.total, total: data.total })}</Typography.Text>
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
        </Space>
      </Space>
      <div data-testid={`task-box-${box}`}>{list}</div>
      {data.total > PAGE_SIZE && <Pagination style={{ marginTop: 12 }} current={page} pageSize={PAGE_SIZE} total={data.total} onChange={setPage} simple={compact} />}
      <RequestDecideModal
        ticketId={deciding}
        kinds="unit"
        onClose={() => setDeciding(null)}
        onDone={() => {
          setDeciding(null);
          reload();
        }}
      />
    </PageContainer>
  );
}
