import { Button, Card, Drawer, Empty, Spin, Tabs, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { getMessage } from '../../../api/feedback';
import { TextActionModal } from './TextActionModal';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CallbackList } from './CallbackList';
import { CallbackRecordForm } from './CallbackRecordForm';
import { RobotCallbackPanel } from './RobotCallbackPanel';
import { ticketApi } from './ticketApi';
import { TicketTimeline } from './TicketTimeline';
import type { TicketDetail } from './types';

/** 回访: the handling process and result, then a manual record or the robot dialogue. */
export function CallbackDrawer({ ticketId, onClose, onDone }: { ticketId: string | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [detail, setDetail] = useState<TicketDetail | null>(null);
  // Once a robot dialogue ran, its transcript stays on screen after the callback is done.
  const [robotSession, setRobotSession] = useState(false);
  const [redoing, setRedoing] = useState(false);
  const navigate = useNavigate();
  const load = useCallback(() => {
    if (!ticketId) return;
    ticketApi
      .get(ticketId)
      .then(setDetail)
      .catch(() => undefined);
  }, [ticketId]);
  useEffect(() => {
    setDetail(null);
    setRobotSession(false);
    load();
  }, [load]);

  const pending = detail?.callbacks.find((c) => c.status === 'pending');
  const robot = pending?.mode === 'robot' || robotSession;
  return (
    <Drawer
      open={!!ticketId}
      onClose={onClose}
      width={Math.min(720, window.innerWidth)}
      title={t('tickets.callback.title')}
      destroyOnClose
      extra={
        detail && ['callback', 'rework', 'archived'].includes(detail.status) ? (
          <Button onClick={() => setRedoing(true)} data-testid="callback-redo">
            {t('tickets.action.redo')}
          </Button>
        ) : null
      }
    >
      {!detail ? (
        <Spin />
      ) : (
        <>
          <Typography.Title level={5}>
            {detail.no} · {detail.title}
          </Typography.Title>
          <Card size="small" title={t('tickets.detail.answer')} style={{ marginBottom: 12 }}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{detail.answer ?? '-'}</Typography.Paragraph>
          </Card>
          {pending || robotSession ? (
            <Tabs
              defaultActiveKey={robot ? 'robot' : 'manual'}
              items={[
                {
                  key: 'robot',
                  label: t('tickets.robot.title'),
                  disabled: !robot,
                  children: (
                    <RobotCallbackPanel
                      ticketId={detail.id}
                      title={detail.title}
                      answer={detail.answer}
                      onStarted={() => setRobotSession(true)}
                      onFinished={() => {
                        load();
                        onDone();
                      }}
                    />
                  ),
                },
                {
                  key: 'manual',
                  label: t('tickets.callback.manual'),
                  children: (
                    <CallbackRecordForm
                      ticketId={detail.id}
                      onDone={() => {
                        load();
                        onDone();
                      }}
                    />
                  ),
                },
              ]}
            />
          ) : (
            <Empty description={t('tickets.callback.noPending')} />
          )}
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('tickets.detail.callbacks')}
          </Typography.Title>
          <CallbackList items={detail.callbacks} />
          <Typography.Title level={5}>{t('tickets.detail.timeline')}</Typography.Title>
          <TicketTimeline events={detail.timeline} />
        </>
      )}
      <TextActionModal
        open={redoing}
        title={t('tickets.textAction.redo')}
        label={t('tickets.textAction.redo.label')}
        onClose={() => setRedoing(false)}
        onSubmit={async (reason) => {
          if (!detail) return;
          const fresh = await ticketApi.action<{ id: string; no: string }>(detail.id, 'redo', { reason });
          getMessage().success(t('tickets.redo.done', { no: fresh.no }));
          setRedoing(false);
          navigate(`/tickets/${fresh.id}`);
        }}
      />
    </Drawer>
  );
}
