import { useRef, useState } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { Button, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { RequestDecideModal } from './components/RequestDecideModal';
import { ReviewModal } from './components/ReviewModal';
import { TicketTable, type TicketTableHandle } from './components/TicketTable';
import type { TicketSummary } from './components/types';

type Box = 'result_review' | 'approvals' | 'appeal';

/** 审核工作台: results to review, extension/suspension/resume/difficult approvals, appeals. */
export default function ReviewPage() {
  const { t } = useTranslation();
  const [box, setBox] = useState<Box>('result_review');
  const table = useRef<TicketTableHandle>(null);
  const [reviewing, setReviewing] = useState<string | null>(null);
  const [deciding, setDeciding] = useState<string | null>(null);
  const reload = () => table.current?.reload();

  const actions = (r: TicketSummary) =>
    box === 'result_review' ? (
      <Button size="small" type="primary" onClick={() => setReviewing(r.id)} data-testid="open-review">
        {t('tickets.review.title')}
      </Button>
    ) : (
      <Button size="small" type="primary" onClick={() => setDeciding(r.id)} data-testid="open-decide">
        {box === 'appeal' ? t('tickets.request.decideAppeal') : t('tickets.request.decideOthers')}
      </Button>
    );

  return (
    <PageContainer title={t('menu.tickets.review')}>
      <Tabs
        activeKey={box}
        onChange={(k) => setBox(k as Box)}
        items={(['result_review', 'approvals', 'appeal'] as const).map((b) => ({ key: b, label: t(`tickets.box.${b}`) }))}
      />
      <TicketTable key={box} ref={table} box={box} actions={actions} testId={`box-${box}`} />
      <ReviewModal
        ticketId={reviewing}
        onClose={() => setReviewing(null)}
        onDone={() => {
          setReviewing(null);
          reload();
        }}
      />
      <RequestDecideModal
        ticketId={deciding}
        kinds={box === 'appeal' ? 'appeal' : 'others'}
        onClose={() => setDeciding(null)}
        onDone={() => {
          setDeciding(null);
          reload();
        }}
      />
    </PageContainer>
  );
}
