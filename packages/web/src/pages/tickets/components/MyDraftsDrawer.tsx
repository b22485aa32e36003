import { Button, Drawer } from 'antd';
import { useTranslation } from 'react-i18next';
import { TicketTable } from './TicketTable';

/** 我的登记: the agent's drafts and registered tickets still in intake; a draft opens in the form. */
export function MyDraftsDrawer({ open, onClose, onResume }: { open: boolean; onClose: () => void; onResume: (id: string) => void }) {
  const { t } = useTranslation();
  return (
    <Drawer open={open} onClose={onClose} width={Math.min(1000, window.innerWidth)} title={t('tickets.box.mine')} destroyOnClose>
      <TicketTable
        box="mine"
        testId="box-mine"
        actions={(r) =>
          r.status === 'draft' ? (
            <Button size="small" type="primary" onClick={() => onResume(r.id)} data-testid="resume-draft">
              {t('tickets.new.resume')}
            </Button>
          ) : null
        }
      />
    </Drawer>
  );
}
