import { ModalForm, ProFormDigit, ProFormSelect, ProFormText, ProFormTextArea } from '@ant-design/pro-components';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { getMessage } from '../../../api/feedback';

export interface SlaRule {
  id: string;
  name: string;
  kind: 'warning' | 'supervision';
  trigger: 'near_due' | 'overdue' | 'returns' | 'complaints';
  threshold: number;
  level: 'county' | 'city' | 'region';
  requirement: string;
  channels: ('inapp' | 'sms')[];
  itemId: string | null;
  regionCode: string | null;
  active: boolean;
  testedAt: string | null;
  testResult: { matched?: number; sample?: { id: string; no: string; title: string }[] } | null;
  updatedAt: string;
}

type RuleInput = Pick<SlaRule, 'name' | 'kind' | 'trigger' | 'threshold' | 'level' | 'requirement' | 'channels'> & { regionCode?: string };

/** Create or edit a warning / supervision rule (saved rules are inactive until dry-run tested). */
export function SlaRuleForm({ rule, open, onOpenChange, onSaved }: { rule: SlaRule | null; open: boolean; onOpenChange: (o: boolean) => void; onSaved: () => void }) {
  const { t } = useTranslation();
  return (
    <ModalForm<RuleInput>
      open={open}
      onOpenChange={onOpenChange}
      title={rule ? t('tickets.sla.editRule') : t('tickets.sla.newRule')}
      modalProps={{ destroyOnClose: true }}
      initialValues={rule ?? { kind: 'supervision', trigger: 'overdue', threshold: 0, level: 'county', channels: ['inapp'] }}
      onFinish={async (v) => {
        const body = { ...v, regionCode: v.regionCode?.trim() || null, requirement: v.requirement ?? '' };
        if (rule) await api.put(`/sla-rules/${encodeURIComponent(rule.id)}`, body);
        else await api.post('/sla-rules', body);
        getMessage().success(t('common.saved'));
        onSaved();
        return true;
      }}
    >
      <ProFormText name="name" label={t('tickets.sla.ruleName')} rules={[{ required: true, whitespace: true }]} fieldProps={{ maxLength: 100 }} />
      <ProFormSelect name="kind" label={t('tickets.supervision.kind')} options={(['warning', 'supervision'] as const).map((k) => ({ value: k, label: t(`tickets.supervision.kind.${k}`) }))} rules={[{ required: true }]} />
      <ProFormSelect name="trigger" label={t('tickets.sla.trigger')} options={(['near_due', 'overdue', 'returns', 'complaints'] as const).map((k) => ({ value: k, label: t(`tickets.sla.trigger.${k}`) }))} rules={[{ required: true }]} />
      <ProFormDigit name="threshold" label={t('tickets.sla.threshold')} tooltip={t('tickets.sla.thresholdHint')} min={0} max={10000} rules={[{ required: true }]} />
      <ProFormSelect name="level" label={t('tickets.supervise.level')} options={(['county', 'city', 'region'] as const).map((l) => ({ value: l, label: t(`tickets.supervise.level.${l}`) }))} />
      <ProFormSelect name="channels" label={t('tickets.sla.channels')} mode="multiple" options={[{ value: 'inapp', label: t('tickets.sla.channel.inapp') }, { value: 'sms', label: t('tickets.sla.channel.sms') }]} />
      <ProFormText name="regionCode" label={t('tickets.field.region')} fieldProps={{ placeholder: '650100' }} rules={[{ pattern: /^[0-9]{2,12}$/, message: t('tickets.sla.regionInvalid') }]} />
      <ProFormTextArea name="requirement" label={t('tickets.supervise.requirement')} fieldProps={{ maxLength: 500 }} />
    </ModalForm>
  );
}
