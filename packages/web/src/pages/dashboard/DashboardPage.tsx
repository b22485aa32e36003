import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { PageContainer, ProDescriptions } from '@ant-design/pro-components';
import { Alert, Avatar, Badge, Button, Card, Col, Empty, List, Row, Space, Statistic, Tag, Typography } from 'antd';
import {
  BankOutlined,
  BellOutlined,
  PhoneOutlined,
  SafetyCertificateOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { MenuNode, MeUser, NotificationRow, Paged } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { menuIcon } from '../../layout/icons';
import { useNotifications } from '../../realtime/NotificationContext';
import { formatDateTime } from '../../utils/format';

function leaves(nodes: MenuNode[]): MenuNode[] {
  return nodes.flatMap((n) => (n.children && n.children.length > 0 ? leaves(n.children) : [n]));
}

function greetingKey(): string {
  const h = new Date().getHours();
  if (h < 6) return 'dashboard.greeting.night';
  if (h < 12) return 'dashboard.greeting.morning';
  if (h < 18) return 'dashboard.greeting.afternoon';
  return 'dashboard.greeting.evening';
}

export default function DashboardPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const navigate = useNavigate();
  const { enabled: hasInbox, unread, version, markRead } = useNotifications();
  const [items, setItems] = useState<NotificationRow[]>([]);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    if (!hasInbox) {
      setLoading(false);
      return;
    }
    let cancelled = false;
    setLoading(true);
    api
      .get<Paged<NotificationRow>>('/notifications', { unread: true, page: 1, pageSize: 8 }, { silent: true })
      .then((res) => !cancelled && setItems(res.items ?? []))
      .catch(() => !cancelled && setItems([]))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [version, hasInbox]);

  const shortcuts = useMemo(
    () => leaves(me?.menus ?? []).filter((m) => m.path && m.path !== '/dashboard').slice(0, 8),
    [me],
  );

  if (!me) return null;
  const user = me.user;

  return (
    <PageContainer title={false} breadcrumbRender={false}>
      <Card className="welcome-card" variant="borderless">
        <div className="welcome">
          <Avatar size={64} icon={<UserOutlined />} className="welcome-avatar" />
          <div className="welcome-text">
            <Typography.Title level={3} style={{ margin: 0, color: 'inherit' }} data-testid="welcome">
              {t('dashboard.welcomeLine', { greeting: t(greetingKey()), name: user.displayName })}
            </Typography.Title>
            <div className="welcome-sub">
              <BankOutlined /> {user.tenantName}
              {user.orgName ? ` · ${user.orgName}` : ''}
              {' · '}
              {user.roles.map((r) => r.name).join(t('common.listSeparator')) || '-'}
            </div>
          </div>
          <div className="welcome-hotline">
            <PhoneOutlined />
            <span className="welcome-hotline-num">12345</span>
            <span className="welcome-hotline-label">{t('dashboard.hotlineSlogan')}</span>
          </div>
        </div>
      </Card>

      {!user.mfaEnabled && (
        <Alert
          style={{ marginTop: 16 }}
          type="info"
          showIcon
          icon={<SafetyCertificateOutlined />}
          message={t('dashboard.mfaSuggest')}
          action={
            <Button size="small" onClick={() => navigate('/profile?tab=mfa')}>
              {t('auth.goEnrollMfa')}
            </Button>
          }
        />
      )}

      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} sm={8}>
          <Card>
            <Statistic title={t('dashboard.unread')} value={unread} prefix={<BellOutlined />} valueStyle={{ color: unread > 0 ? '#cf1322' : undefined }} />
          </Card>
        </Col>
        <Col xs={24} sm={8}>
          <Card>
            <Statistic title={t('dashboard.roles')} value={user.roles.length} prefix={<UserOutlined />} />
          </Card>
        </Col>
        <Col xs={24} sm={8}>
          <Card>
            <Statistic
              title={t('profile.mfaStatus')}
              value={user.mfaEnabled ? t('profile.mfaOn') : t('profile.mfaOff')}
              prefix={<SafetyCertificateOutlined />}
              valueStyle={{ color: user.mfaEnabled ? '#389e0d' : '#d48806', fontSize: 22 }}
            />
          </Card>
        </Col>

        <Col xs={24} xl={14}>
          <Card
            title={
              <Space>
                <BellOutlined />
                {t('dashboard.unreadList')}
                <Badge count={unread} size="small" />
              </Space>
            }
            extra={<Link to="/messages">{t('messages.viewAll')}</Link>}
            data-testid="dashboard-notifications"
          >
            <List<NotificationRow>
              loading={loading}
              dataSource={items}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('messages.noUnread')} /> }}
              renderItem={(n) => (
                <List.Item
                  actions={[
                    <Button
                      key="read"
                      type="link"
                      size="small"
                      onClick={() => void markRead(n.id).then(() => setItems((l) => l.filter((x) => x.id !== n.id)))}
                    >
                      {t('messages.markRead')}
                    </Button>,
                  ]}
                >
                  <List.Item.Meta
                    avatar={<Badge status="processing" />}
                    title={n.title}
                    description={
                      <>
                        <Typography.Paragraph ellipsis={{ rows: 2 }} type="secondary" style={{ marginBottom: 2 }}>
                          {n.body}
                        </Typography.Paragraph>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {(n.senderName ?? t('messages.system')) + ' · ' + formatDateTime(n.createdAt)}
                        </Typography.Text>
                      </>
                    }
                  />
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('dashboard.myInfo')}>
            <ProDescriptions<MeUser>
              column={1}
              size="small"
              dataSource={user}
              columns={[
                { title: t('user.username'), dataIndex: 'username' },
                { title: t('user.displayName'), dataIndex: 'displayName' },
                { title: t('user.tenant'), dataIndex: 'tenantName' },
                { title: t('user.org'), dataIndex: 'orgName', render: (_, r) => r.orgName ?? '-' },
                {
                  title: t('user.roles'),
                  dataIndex: 'roles',
                  render: (_, r) => (
                    <Space size={[0, 4]} wrap>
                      {r.roles.map((role) => (
                        <Tag key={role.id} color="blue" bordered={false}>
                          {role.name}
                        </Tag>
                      ))}
                    </Space>
                  ),
                },
              ]}
            />
          </Card>
          {shortcuts.length > 0 && (
            <Card title={t('dashboard.shortcuts')} style={{ marginTop: 16 }}>
              <div className="shortcut-grid">
                {shortcuts.map((m) => (
                  <Link key={m.key || m.path} to={m.path} className="shortcut">
                    <span className="shortcut-icon">{menuIcon(m.icon ?? 'appstore')}</span>
                    <span className="shortcut-text">{t(m.titleKey, { defaultValue: m.titleKey || m.key })}</span>
                  </Link>
                ))}
              </div>
            </Card>
          )}
        </Col>
      </Row>
    </PageContainer>
  );
}
