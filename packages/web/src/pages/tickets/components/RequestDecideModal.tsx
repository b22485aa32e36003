import { useEffect, useRef, useState } from 'react';
import { Button, Form, Input, Modal, Radio, Space, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../../api/feedback';
import { RequestList } from './RequestList';
import { ticketApi } from './ticketApi';
import { UnitPicker } from './UnitPicker';
import type { TicketDetail, TicketRequest } from './types';
import { fire } from './fire';

type Scope = 'return' | 'others' | 'appeal' | 'unit';

/** Whether this desk decides the request's current step: units decide leader/assigner steps, the hotline its own. */
function decidesHere(r: TicketRequest, scope: Scope): boolean {
  const by = r.steps[r.step]?.by;
  if (scope === 'unit') return by !== 'hotline';
  if (by !== 'hotline') return false;
  if (scope === 'return') return r.kind === 'return';
  if (scope === 'appeal') return r.kind === 'appeal';
  return r.kind !== 'return';
}

type ReturnOutcome = 'pool' | 'redispatch' | 'difficult';

interface Values {
  opinion: string;
  outcome?: ReturnOutcome;
  orgIds?: string[];
}

/**
 * Decides the ticket's pending requests of the given kinds (approve or reject with an opinion). An
 * approved return goes back to the dispatch pool, to other units, or to the difficult-case pool.
 */
export function RequestDecideModal({ ticketId, kinds, onClose, onDone }: { ticketId: string | null; kinds: Scope; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  // The parent passes a new closure each render; the load effect must not re-run for it.
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const [detail, setDetail] = useState<TicketDetail | null>(null);
  const [active, setActive] = useState<TicketRequest | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<Values>();
  const outcome = Form.useWatch('outcome', form);

  useEffect(() => {
    setDetail(null);
    setActive(null);
    if (!ticketId) return;
    ticketApi
      .get(ticketId)
      .then(setDetail)
      .catch(() => closeRef.current());
  }, [ticketId]);

  const pending = (detail?.requests ?? []).filter((r) => r.status === 'pending' && decidesHere(r, kinds));

  // Only the hotline re-routes an approved return; a unit above just takes the task back.
  const hotlineReturn = active?.kind === 'return' && active.steps[active.step]?.by === 'hotline';

  async function decide(approve: boolean) {
    if (!active) return;
    const v = await form.validateFields();
    setSaving(true);
    try {
      const isReturn = hotlineReturn && approve;
      await ticketApi.decide(active.id, {
        approve,
        opinion: v.opinion.trim(),
        redispatch: isReturn && v.outcome === 'redispatch' ? { mode: 'single', orgIds: v.orgIds ?? [] } : undefined,
        toDifficultPool: isReturn && v.outcome === 'difficult' ? true : undefined,
      });
      getMessage().success(approve ? t('tickets.request.approvedMsg') : t('tickets.request.rejectedMsg'));
      onDone();
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal open={!!ticketId} title={t('tickets.request.decideTitle')} onCancel={onClose} footer={null} destroyOnClose width={Math.min(720, window.innerWidth - 16)}>
      {!detail ? (
        <Spin />
      ) : (
        <>
          <RequestList
            items={pending}
            extra={(r) => (
              <Button type={active?.id === r.id ? 'primary' : 'default'} onClick={() => setActive(r)} data-testid="request-pick">
                {t('tickets.request.decide')}
              </Button>
            )}
          />
          {active && (
            <Form form={form} layout="vertical" initialValues={{ outcome: 'pool', orgIds: [] }}>
              {hotlineReturn && (
                <Form.Item name="outcome" label={t('tickets.request.returnOutcome')}>
                  <Radio.Group
                    options={(['pool', 'redispatch', 'difficult'] as const).map((o) => ({ value: o, label: t(`tickets.request.outcome.${o}`) }))}
                  />
                </Form.Item>
              )}
              {hotlineReturn && outcome === 'redispatch' && (
                <Form.Item name="orgIds" label={t('tickets.dispatch.units')} rules={[{ required: true, type: 'array', min: 1, message: t('tickets.dispatch.pickUnit') }]}>
                  <UnitPicker multiple={false} />
                </Form.Item>
              )}
              <Form.Item name="opinion" label={t('tickets.request.opinion')} rules={[{ required: true, whitespace: true, message: t('tickets.request.opinionRequired') }]}>
                <Input.TextArea rows={3} maxLength={2000} data-testid="decide-opinion" />
              </Form.Item>
              <Space>
                <Button type="primary" loading={saving} onClick={() => fire(decide(true))} data-testid="decide-approve">
                  {t('tickets.request.approve')}
                </Button>
                <Button danger loading={saving} onClick={() => fire(decide(false))} data-testid="decide-reject">
                  {t('tickets.request.reject')}
                </Button>
              </Space>
            </Form>
          )}
        </>
      )}
    </Modal>
  );
}
