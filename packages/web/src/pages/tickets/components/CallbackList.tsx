import { Descriptions, Empty, List, Rate, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../utils/format';
import type { CallbackRecord } from './types';

const RESULT_COLOR: Record<string, string> = { satisfied: 'success', dissatisfied: 'error', unreachable: 'default' };

/** The callback rounds of a ticket with their results and ratings. */
export function CallbackList({ items }: { items: CallbackRecord[] }) {
  const { t } = useTranslation();
  if (items.length === 0) return <Empty description={t('tickets.callback.none')} />;
  return (
    <List
      data-testid="callback-list"
      dataSource={items}
      renderItem={(c) => (
        <List.Item data-testid="callback-record">
          <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }} title={t('tickets.callback.round', { round: c.round })}>
            <Descriptions.Item label={t('tickets.callback.mode')}>{t(`tickets.callbackMode.${c.mode}`, { defaultValue: c.mode })}</Descriptions.Item>
            <Descriptions.Item label={t('common.status')}>{t(`tickets.callback.status.${c.status}`, { defaultValue: c.status })}</Descriptions.Item>
            <Descriptions.Item label={t('tickets.callback.result')}>
              {c.result ? (
                <Tag color={RESULT_COLOR[c.result]} data-testid="callback-result">
                  {t(`tickets.callback.result.${c.result}`)}
                </Tag>
              ) : (
                '-'
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('tickets.callback.handlingRating')}>{c.handlingRating ? <Rate disabled value={c.handlingRating} /> : '-'}</Descriptions.Item>
            <Descriptions.Item label={t('tickets.callback.serviceRating')}>{c.serviceRating ? <Rate disabled value={c.serviceRating} /> : '-'}</Descriptions.Item>
            <Descriptions.Item label={t('tickets.callback.channel')}>{c.channel ? t(`tickets.callbackChannel.${c.channel}`, { defaultValue: c.channel }) : '-'}</Descriptions.Item>
            <Descriptions.Item label={t('tickets.callback.comment')} span={2}>
              {c.comment ?? '-'}
            </Descriptions.Item>
            <Descriptions.Item label={t('tickets.callback.doneBy')}>
              <Space>
                {c.doneBy ?? '-'}
                {c.doneAt ? formatDateTime(c.doneAt) : ''}
              </Space>
            </Descriptions.Item>
          </Descriptions>
        </List.Item>
      )}
    />
  );
}
