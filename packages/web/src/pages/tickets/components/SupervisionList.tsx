import { Empty, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../utils/format';
import type { Supervision } from './types';

/** Supervision orders and warnings on a ticket. */
export function SupervisionList({ items }: { items: Supervision[] }) {
  const { t } = useTranslation();
  if (items.length === 0) return <Empty description={t('tickets.supervision.none')} />;
  return (
    <List
      dataSource={items}
      renderItem={(s) => (
        <List.Item>
          <List.Item.Meta
            title={
              <Space wrap>
                <Tag color={s.kind === 'warning' ? 'gold' : 'red'}>{t(`tickets.supervision.kind.${s.kind}`)}</Tag>
                <Tag>{t(`tickets.supervision.status.${s.status}`)}</Tag>
                <Typography.Text type="secondary">
                  {s.createdBy ?? t('tickets.supervision.system')} · {formatDateTime(s.createdAt)}
                </Typography.Text>
              </Space>
            }
            description={
              <Space direction="vertical" size={0}>
                <span>{s.reason}</span>
                {s.requirement && <span>{t('tickets.supervision.requirementLine', { text: s.requirement })}</span>}
                {s.reply && <span>{t('tickets.supervision.replyLine', { text: s.reply })}</span>}
              </Space>
            }
          />
        </List.Item>
      )}
    />
  );
}
