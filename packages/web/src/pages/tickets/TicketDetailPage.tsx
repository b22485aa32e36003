import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { PageContainer } from '@ant-design/pro-components';
import { Card, Col, Descriptions, List, Result, Row, Space, Spin, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../utils/format';
import { AttachmentLinks } from './components/AttachmentUpload';
import { CallbackList } from './components/CallbackList';
import { ChainView } from './components/ChainView';
import { HotlineActions } from './components/HotlineActions';
import { RequestList } from './components/RequestList';
import { SlaCountdown } from './components/SlaCountdown';
import { TicketStatusTag, UrgencyTag } from './components/StatusTags';
import { SupervisionList } from './components/SupervisionList';
import { TaskActionBar } from './components/TaskActionBar';
import { ticketApi } from './components/ticketApi';
import { TicketTimeline } from './components/TicketTimeline';
import type { TicketDetail } from './components/types';

/** 工单详情: header with status and SLA, content, citizen, timeline, chain, side records, actions. */
export default function TicketDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { me } = useAuth();
  const [detail, setDetail] = useState<TicketDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    ticketApi
      .get(id)
      .then((d) => {
        setDetail(d);
        setError(null);
      })
      .catch((e: unknown) => setError(isApiError(e) ? e.detail : String(e)));
  }, [id]);
  useEffect(load, [load]);

  if (error) return <Result status="404" title={t('tickets.detail.notFound')} subTitle={error} />;
  if (!detail) return <Spin style={{ display: 'block', padding: 80 }} />;
  const myTasks = detail.tasks.filter((k) => k.orgId === me?.user.orgId && ['awaiting_sign', 'in_progress', 'suspended'].includes(k.status));
  const stopped = detail.status === 'archived' || detail.status === 'callback' || detail.status === 'draft';

  return (
    <PageContainer
      title={
        <Space wrap>
          <span data-testid="detail-no">{detail.no}</span>
          <TicketStatusTag status={detail.status} />
          <UrgencyTag urgency={detail.urgency} />
          <SlaCountdown deadlineAt={detail.sla?.deadlineAt ?? detail.deadlineAt} warnAt={detail.sla?.warnAt} overdue={detail.overdue} stopped={stopped} />
          {detail.supervised && <Tag color="red">{t('tickets.supervised')}</Tag>}
          {detail.enterpriseRelated && <Tag color="volcano">{t('tickets.enterpriseRelated')}</Tag>}
        </Space>
      }
      subTitle={detail.title}
    >
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Card size="small">
          <Space direction="vertical" style={{ width: '100%' }}>
            <HotlineActions ticket={detail} onChanged={load} />
            {myTasks.map((k) => (
              <Space key={k.id} wrap>
                <Typography.Text type="secondary">{k.orgName}</Typography.Text>
                <TaskActionBar task={k} ticketStatus={detail.status} caption={detail.no} onChanged={load} size="middle" />
              </Space>
            ))}
          </Space>
        </Card>
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={14}>
            <Card size="small" title={t('tickets.detail.content')}>
              <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
                <Descriptions.Item label={t('tickets.field.title')}>{detail.title}</Descriptions.Item>
                <Descriptions.Item label={t('tickets.field.item')}>{detail.itemName ?? '-'}</Descriptions.Item>
                <Descriptions.Item label={t('tickets.field.channel')}>{t(`tickets.channel.${detail.channel}`, { defaultValue: detail.channel })}</Descriptions.Item>
                <Descriptions.Item label={t('tickets.field.kind')}>{detail.kind ? t(`tickets.kind.${detail.kind}`, { defaultValue: detail.kind }) : '-'}</Descriptions.Item>
                <Descriptions.Item label={t('tickets.field.region')}>{detail.regionName ?? '-'}</Descriptions.Item>
                <Descriptions.Item label={t('tickets.field.address')}>{detail.address ?? '-'}</Descriptions.Item>
                <Descriptions.Item label={t('tickets.field.createdAt')}>{formatDateTime(detail.createdAt)}</Descriptions.Item>
                <Descriptions.Item label={t('tickets.field.deadline')}>{formatDateTime(detail.deadlineAt)}</Descriptions.Item>
                <Descriptions.Item label={t('tickets.field.createdBy')}>{detail.createdBy ?? '-'}</Descriptions.Item>
                <Descriptions.Item label={t('tickets.field.callbackMode')}>{t(`tickets.callbackMode.${detail.callbackMode}`)}</Descriptions.Item>
                {detail.tags.length > 0 && (
                  <Descriptions.Item label={t('tickets.field.tags')} span={2}>
                    {detail.tags.map((tag) => (
                      <Tag key={tag}>{tag}</Tag>
                    ))}
                  </Descriptions.Item>
                )}
                {detail.links.length > 0 && (
                  <Descriptions.Item label={t('tickets.detail.links')} span={2}>
                    <Space wrap>
                      {detail.links.map((l) => (
                        <Link key={l.id} to={`/tickets/${l.id}`}>
                          {l.relation} {l.no}
                        </Link>
                      ))}
                    </Space>
                  </Descriptions.Item>
                )}
              </Descriptions>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="detail-content">
                {detail.content}
              </Typography.Paragraph>
              <AttachmentLinks items={detail.attachments} />
              {detail.answer && (
                <Card size="small" type="inner" title={t('tickets.detail.answer')}>
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{detail.answer}</Typography.Paragraph>
                </Card>
              )}
            </Card>
          </Col>
          <Col xs={24} lg={10}>
            <Card size="small" title={t('tickets.detail.citizen')}>
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('tickets.field.citizenName')}>{detail.citizenName || '-'}</Descriptions.Item>
                <Descriptions.Item label={t('tickets.field.phone')}>{detail.citizenPhone ?? '-'}</Descriptions.Item>
                {detail.enterpriseName && <Descriptions.Item label={t('tickets.field.enterprise')}>{detail.enterpriseName}</Descriptions.Item>}
              </Descriptions>
            </Card>
            <Card size="small" title={t('tickets.detail.chain')} style={{ marginTop: 16 }}>
              <ChainView chain={detail.chain} timeline={detail.timeline} />
            </Card>
          </Col>
        </Row>
        <Card size="small">
          <Tabs
            items={[
              { key: 'timeline', label: t('tickets.detail.timeline'), children: <TicketTimeline events={detail.timeline} /> },
              { key: 'tasks', label: t('tickets.detail.tasks'), children: <TaskResults detail={detail} /> },
              { key: 'callbacks', label: `${t('tickets.detail.callbacks')} (${detail.callbacks.length})`, children: <CallbackList items={detail.callbacks} /> },
              { key: 'requests', label: `${t('tickets.detail.requests')} (${detail.requests.length})`, children: <RequestList items={detail.requests} /> },
              { key: 'supervisions', label: `${t('tickets.detail.supervisions')} (${detail.supervisions.length})`, children: <SupervisionList items={detail.supervisions} /> },
            ]}
          />
        </Card>
      </Space>
    </PageContainer>
  );
}

function TaskResults({ detail }: { detail: TicketDetail }) {
  const { t } = useTranslation();
  return (
    <List
      dataSource={detail.tasks}
      renderItem={(k) => (
        <List.Item>
          <List.Item.Meta
            title={
              <Space wrap>
                {'　'.repeat(k.depth)}
                {k.orgName}
                <Tag bordered={false}>{t(`tickets.role.${k.role}`, { defaultValue: k.role })}</Tag>
                <Tag bordered={false}>{t(`tickets.taskStatus.${k.status}`)}</Tag>
              </Space>
            }
            description={
              <Space direction="vertical" size={0}>
                <span>
                  {t('tickets.task.assigned', { by: k.assignedBy ?? '-', at: formatDateTime(k.assignedAt) })}
                  {k.opinion ? `：${k.opinion}` : ''}
                </span>
                {k.result && <span>{t('tickets.task.resultLine', { by: k.reportedBy ?? '-', result: k.result.result })}</span>}
                <AttachmentLinks items={k.result?.attachments} />
              </Space>
            }
          />
        </List.Item>
      )}
    />
  );
}
