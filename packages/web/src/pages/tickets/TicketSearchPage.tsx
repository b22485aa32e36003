import { useRef, useState } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { Button, Checkbox, Modal } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../api/feedback';
import { useAuth } from '../../auth/AuthContext';
import { downloadPost } from './components/ticketApi';
import { TicketTable, type TicketTableHandle } from './components/TicketTable';
import { fire } from './components/fire';

const EXPORT_COLUMNS = ['no', 'status', 'channel', 'title', 'itemName', 'citizenName', 'citizenPhone', 'regionName', 'units', 'createdAt', 'deadlineAt', 'overdue', 'completedAt'] as const;

/** 工单查询: filters and the Excel export with a column chooser (the export follows the filters). */
export default function TicketSearchPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const table = useRef<TicketTableHandle>(null);
  const [choosing, setChoosing] = useState(false);
  const [columns, setColumns] = useState<string[]>([...EXPORT_COLUMNS]);
  const [busy, setBusy] = useState(false);

  async function exportNow() {
    const { page: _p, pageSize: _s, sort: _o, order: _r, ...filters } = table.current?.lastQuery() ?? {};
    setBusy(true);
    try {
      await downloadPost('/tickets/export', { ...filters, columns }, `tickets-${new Date().toISOString().slice(0, 10)}.xlsx`);
      setChoosing(false);
    } catch {
      getMessage().error(t('tickets.export.failed'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <PageContainer title={t('menu.tickets.search')}>
      <TicketTable
        ref={table}
        filters
        testId="ticket-search"
        toolBar={
          can('ticket:export')
            ? [
                <Button key="export" icon={<DownloadOutlined />} onClick={() => setChoosing(true)}>
                  {t('tickets.export.button')}
                </Button>,
              ]
            : []
        }
      />
      <Modal open={choosing} title={t('tickets.export.title')} onCancel={() => setChoosing(false)} onOk={() => fire(exportNow())} okButtonProps={{ loading: busy, disabled: columns.length === 0 }} okText={t('tickets.export.button')} cancelText={t('common.cancel')}>
        <Checkbox.Group value={columns} onChange={(v) => setColumns(v as string[])} options={EXPORT_COLUMNS.map((c) => ({ value: c, label: t(`tickets.export.col.${c}`) }))} />
      </Modal>
    </PageContainer>
  );
}
