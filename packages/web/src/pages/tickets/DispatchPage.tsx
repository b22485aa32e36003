import { useRef, useState } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { Button, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../api/feedback';
import { DispatchDrawer } from './components/DispatchDrawer';
import { RequestDecideModal } from './components/RequestDecideModal';
import { TextActionModal } from './components/TextActionModal';
import { ticketApi } from './components/ticketApi';
import { TicketTable, type TicketTableHandle } from './components/TicketTable';
import type { TicketSummary } from './components/types';
import { fire } from './components/fire';

type Box = 'intake' | 'dispatch' | 'returns';

/** 派单工作台: intake (registered / to review), the dispatch pool, and units' return requests. */
export default function DispatchPage() {
  const { t } = useTranslation();
  const [box, setBox] = useState<Box>('intake');
  const table = useRef<TicketTableHandle>(null);
  const [dispatching, setDispatching] = useState<TicketSummary | null>(null);
  const [deciding, setDeciding] = useState<string | null>(null);
  const [supplement, setSupplement] = useState<TicketSummary | null>(null);
  const reload = () => table.current?.reload();

  async function approveIntake(r: TicketSummary) {
    await ticketApi.action(r.id, 'approve-intake', {});
    getMessage().success(t('tickets.actionDone'));
    reload();
  }

  const actions = (r: TicketSummary) => {
    if (box === 'returns') {
      return (
        <Button size="small" type="primary" onClick={() => setDeciding(r.id)} data-testid="decide-return">
          {t('tickets.request.decideReturn')}
        </Button>
      );
    }
    return (
      <>
        <Button size="small" type="primary" onClick={() => setDispatching(r)} data-testid="open-dispatch">
          {t('tickets.action.dispatch')}
        </Button>
        {r.status === 'intake_review' && (
          <>
            <Button size="small" onClick={() => fire(approveIntake(r))}>
              {t('tickets.action.approve_intake')}
            </Button>
            <Button size="small" danger onClick={() => setSupplement(r)}>
              {t('tickets.action.return_for_supplement')}
            </Button>
          </>
        )}
      </>
    );
  };

  return (
    <PageContainer title={t('menu.tickets.dispatch')}>
      <Tabs
        activeKey={box}
        onChange={(k) => setBox(k as Box)}
        items={(['intake', 'dispatch', 'returns'] as const).map((b) => ({ key: b, label: t(`tickets.box.${b}`) }))}
      />
      <TicketTable key={box} ref={table} box={box} actions={actions} testId={`box-${box}`} />
      <DispatchDrawer
        ticket={dispatching}
        onClose={() => setDispatching(null)}
        onDone={() => {
          setDispatching(null);
          reload();
        }}
      />
      <RequestDecideModal
        ticketId={deciding}
        kinds="return"
        onClose={() => setDeciding(null)}
        onDone={() => {
          setDeciding(null);
          reload();
        }}
      />
      <TextActionModal
        open={!!supplement}
        title={t('tickets.action.return_for_supplement')}
        label={t('tickets.request.opinion')}
        onClose={() => setSupplement(null)}
        onSubmit={async (opinion) => {
          if (!supplement) return;
          await ticketApi.action(supplement.id, 'return-for-supplement', { opinion });
          setSupplement(null);
          reload();
        }}
      />
    </PageContainer>
  );
}
