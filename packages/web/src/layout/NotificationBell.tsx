import { useEffect, useState } from 'react';
import { Badge, Button, Empty, List, Popover, Spin, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { NotificationRow, Paged } from '../api/types';
import { useNotifications } from '../realtime/NotificationContext';
import { formatDateTime } from '../utils/format';

export function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { enabled, unread, version, markRead, socketState } = useNotifications();
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<NotificationRow[]>([]);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!open || !enabled) return;
    let cancelled = false;
    setLoading(true);
    api
      .get<Paged<NotificationRow>>('/notifications', { unread: true, page: 1, pageSize: 6 }, { silent: true })
      .then((res) => !cancelled && setItems(res.items ?? []))
      .catch(() => !cancelled && setItems([]))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [open, version, enabled]);

  const content = (
    <div className="bell-popover">
      <Spin spinning={loading}>
        {items.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('messages.noUnread')} />
        ) : (
          <List
            size="small"
            dataSource={items}
            renderItem={(n) => (
              <List.Item
                actions={[
                  <Button key="read" type="link" size="small" onClick={() => void markRead(n.id).then(() => setItems((l) => l.filter((x) => x.id !== n.id)))}>
                    {t('messages.markRead')}
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={<Typography.Text strong ellipsis>{n.title}</Typography.Text>}
                  description={
                    <>
                      <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>
                        {n.body}
                      </Typography.Paragraph>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {n.senderName ? `${n.senderName} · ` : ''}
                        {formatDateTime(n.createdAt)}
                      </Typography.Text>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </Spin>
      <div className="bell-popover-footer">
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t(`messages.socket.${socketState}`)}
        </Typography.Text>
        <Button
          type="link"
          size="small"
          onClick={() => {
            setOpen(false);
            navigate('/messages');
          }}
        >
          {t('messages.viewAll')}
        </Button>
      </div>
    </div>
  );

  if (!enabled) return null;

  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={setOpen}
      title={t('messages.unreadTitle', { count: unread })}
      content={content}
    >
      <span className="header-action" data-testid="notification-bell" role="button" tabIndex={0} aria-label={t('messages.title')}>
        <Badge count={unread} size="small" overflowCount={99} data-testid="notification-badge">
          <BellOutlined className="header-action-icon" />
        </Badge>
      </span>
    </Popover>
  );
}
