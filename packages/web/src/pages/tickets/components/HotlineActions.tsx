import { useState } from 'react';
import { Button, Space } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { download } from '../../../api/client';
import { getMessage } from '../../../api/feedback';
import { useAuth } from '../../../auth/AuthContext';
import { CallbackDrawer } from './CallbackDrawer';
import { DispatchDrawer } from './DispatchDrawer';
import { RequestDecideModal } from './RequestDecideModal';
import { ReviewModal } from './ReviewModal';
import { SuperviseModal } from './SuperviseModal';
import { TextActionModal } from './TextActionModal';
import { ticketApi } from './ticketApi';
import type { TicketDetail, TicketStatus } from './types';
import { fire } from './fire';

type TextAction = 'append' | 'urge' | 'withdraw' | 'redo' | 'answer' | 'supplement';
const INTAKE: TicketStatus[] = ['registered', 'shift_lead', 'intake_review', 'supplement'];
const OPEN: TicketStatus[] = [...INTAKE, 'pending_dispatch', 'handling', 'return_review', 'difficult', 'result_review', 'callback', 'rework', 'appeal_review'];
const URGEABLE: TicketStatus[] = ['handling', 'return_review', 'rework', 'result_review', 'pending_dispatch'];
const SUPERVISABLE: TicketStatus[] = [...URGEABLE, 'difficult'];

/** The hotline's buttons on the detail page, by permission and status (the server enforces). */
export function HotlineActions({ ticket, onChanged }: { ticket: TicketDetail; onChanged: () => void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<'dispatch' | 'review' | 'callback' | 'supervise' | 'returns' | 'others' | 'appeal' | null>(null);
  const [text, setText] = useState<TextAction | null>(null);
  const s = ticket.status;
  const pending = ticket.requests.filter((r) => r.status === 'pending' && r.steps[r.step]?.by === 'hotline');
  const done = () => {
    setDialog(null);
    setText(null);
    onChanged();
  };

  async function submitText(value: string) {
    if (!text) return;
    if (text === 'append') await ticketApi.action(ticket.id, 'append', { content: value });
    if (text === 'urge') await ticketApi.action(ticket.id, 'urge', { content: value });
    if (text === 'withdraw') await ticketApi.action(ticket.id, 'withdraw', { reason: value });
    if (text === 'answer') await ticketApi.action(ticket.id, 'answer', { answer: value });
    if (text === 'supplement') await ticketApi.action(ticket.id, 'return-for-supplement', { opinion: value });
    if (text === 'redo') {
      const fresh = await ticketApi.action<{ id: string; no: string }>(ticket.id, 'redo', { reason: value });
      getMessage().success(t('tickets.redo.done', { no: fresh.no }));
      setText(null);
      navigate(`/tickets/${fresh.id}`);
      return;
    }
    getMessage().success(t('tickets.actionDone'));
    done();
  }

  /** Intake moves without a form: 送审核, 提交值班长, 审核通过. */
  async function move(action: 'send-to-review' | 'escalate' | 'approve-intake') {
    await ticketApi.action(ticket.id, action, {});
    getMessage().success(t('tickets.actionDone'));
    onChanged();
  }

  async function copy() {
    const fresh = await ticketApi.action<{ id: string; no: string }>(ticket.id, 'copy');
    getMessage().success(t('tickets.copy.done', { no: fresh.no }));
    navigate(`/tickets/${fresh.id}`);
  }

  if (!ticket.isHotline) return null;
  const btn = (key: string, label: string, onClick: () => void, primary = false) => (
    <Button key={key} type={primary ? 'primary' : 'default'} onClick={onClick} data-testid={`action-${key}`}>
      {label}
    </Button>
  );
  const buttons = [
    can('ticket:dispatch') && [...INTAKE, 'pending_dispatch', 'difficult'].includes(s) && btn('dispatch', t('tickets.action.dispatch'), () => setDialog('dispatch'), true),
    can('ticket:register') && ['registered', 'supplement'].includes(s) && btn('send-to-review', t('tickets.action.send_to_review'), () => fire(move('send-to-review'))),
    can('ticket:register') && ['registered', 'supplement'].includes(s) && btn('escalate', t('tickets.action.escalate'), () => fire(move('escalate'))),
    can('ticket:dispatch') && s === 'intake_review' && btn('approve-intake', t('tickets.action.approve_intake'), () => fire(move('approve-intake'))),
    can('ticket:dispatch') && ['intake_review', 'shift_lead'].includes(s) && btn('supplement', t('tickets.action.return_for_supplement'), () => setText('supplement')),
    can('ticket:register') && INTAKE.includes(s) && btn('answer', t('tickets.action.direct_answer'), () => setText('answer')),
    can('ticket:review') && s === 'result_review' && btn('review', t('tickets.review.title'), () => setDialog('review'), true),
    can('ticket:callback') && s === 'callback' && btn('callback', t('tickets.callback.title'), () => setDialog('callback'), true),
    pending.some((r) => r.kind === 'return') && (can('ticket:dispatch') || can('ticket:review')) && btn('returns', t('tickets.request.decideReturn'), () => setDialog('returns')),
    pending.some((r) => r.kind === 'appeal') && can('ticket:review') && btn('appeal', t('tickets.request.decideAppeal'), () => setDialog('appeal'), true),
    pending.some((r) => r.kind !== 'return' && r.kind !== 'appeal') && can('ticket:review') && btn('others', t('tickets.request.decideOthers'), () => setDialog('others')),
    can('ticket:supervise') && SUPERVISABLE.includes(s) && btn('supervise', t('tickets.supervise.title'), () => setDialog('supervise')),
    can('ticket:register') && URGEABLE.includes(s) && btn('urge', t('tickets.action.urge'), () => setText('urge')),
    can('ticket:register') && OPEN.includes(s) && btn('append', t('tickets.action.append'), () => setText('append')),
    can('ticket:callback') && ['callback', 'rework', 'archived'].includes(s) && btn('redo', t('tickets.action.redo'), () => setText('redo')),
    can('ticket:register') && btn('copy', t('tickets.action.copy'), () => fire(copy())),
    can('ticket:register') && OPEN.includes(s) && btn('withdraw', t('tickets.action.withdraw'), () => setText('withdraw')),
  ].filter(Boolean);

  return (
    <>
      <Space wrap>
        {buttons}
        <Button onClick={() => fire(download(`/tickets/${encodeURIComponent(ticket.id)}/timeline.xlsx`, undefined, `${ticket.no}.xlsx`))}>{t('tickets.detail.exportLog')}</Button>
      </Space>
      <DispatchDrawer ticket={dialog === 'dispatch' ? ticket : null} onClose={() => setDialog(null)} onDone={done} />
      <ReviewModal ticketId={dialog === 'review' ? ticket.id : null} onClose={() => setDialog(null)} onDone={done} />
      <CallbackDrawer ticketId={dialog === 'callback' ? ticket.id : null} onClose={done} onDone={onChanged} />
      <SuperviseModal ticketId={dialog === 'supervise' ? ticket.id : null} onClose={() => setDialog(null)} onDone={done} />
      <RequestDecideModal
        ticketId={dialog === 'returns' || dialog === 'others' || dialog === 'appeal' ? ticket.id : null}
        kinds={dialog === 'returns' ? 'return' : dialog === 'appeal' ? 'appeal' : 'others'}
        onClose={() => setDialog(null)}
        onDone={done}
      />
      <TextActionModal open={!!text} title={text ? t(`tickets.textAction.${text}`) : ''} label={text ? t(`tickets.textAction.${text}.label`) : ''} onClose={() => setText(null)} onSubmit={submitText} />
    </>
  );
}
