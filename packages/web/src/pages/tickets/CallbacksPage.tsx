import { useRef, useState } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { CallbackDrawer } from './components/CallbackDrawer';
import { TicketTable, type TicketTableHandle } from './components/TicketTable';

/** 回访: tickets waiting for a callback; the drawer shows the process and records the result. */
export default function CallbacksPage() {
  const { t } = useTranslation();
  const table = useRef<TicketTableHandle>(null);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <PageContainer title={t('menu.tickets.callbacks')}>
      <TicketTable
        ref={table}
        box="callback"
        testId="box-callback"
        actions={(r) => (
          <Button size="small" type="primary" onClick={() => setOpen(r.id)} data-testid="open-callback">
            {t('tickets.callback.title')}
          </Button>
        )}
      />
      <CallbackDrawer
        ticketId={open}
        onClose={() => {
          setOpen(null);
          table.current?.reload();
        }}
        onDone={() => table.current?.reload()}
      />
    </PageContainer>
  );
}
