import { PageContainer } from '@ant-design/pro-components';
import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { CalendarEditor } from './components/CalendarEditor';
import { PolicyEditor } from './components/PolicyEditor';
import { SlaRulesTable } from './components/SlaRulesTable';

/** 时限与督办规则: rules with dry run, the work-order policy, and the local holiday calendar. */
export default function SlaRulesPage() {
  const { t } = useTranslation();
  return (
    <PageContainer title={t('menu.tickets.slaRules')}>
      <Tabs
        items={[
          { key: 'rules', label: t('tickets.sla.rules'), children: <SlaRulesTable /> },
          { key: 'policy', label: t('tickets.policy.title'), children: <PolicyEditor /> },
          { key: 'calendar', label: t('tickets.calendar.title'), children: <CalendarEditor /> },
        ]}
      />
    </PageContainer>
  );
}
