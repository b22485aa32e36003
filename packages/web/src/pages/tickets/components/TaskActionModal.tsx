import { useEffect, useState } from 'react';
import { DatePicker, Form, Input, InputNumber, Modal, Select, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../../api/feedback';
import { AttachmentUpload } from './AttachmentUpload';
import { ticketApi } from './ticketApi';
import { UnitPicker } from './UnitPicker';
import { usePolicy } from './usePolicy';
import type { AttachmentRef, DispatchMode, Task } from './types';
import { fire } from './fire';

export type TaskActionKind = 'report' | 'return' | 'sub-assign' | 'extension' | 'suspension' | 'resume' | 'difficult' | 'appeal';

interface Values {
  result?: string;
  basis?: string;
  method?: string;
  reuseTaskId?: string;
  reasonCode?: string;
  reason?: string;
  amount?: number;
  unit?: 'workday' | 'hour' | 'natural_day';
  days?: number;
  promiseUntil?: Dayjs;
  attachments?: AttachmentRef[];
  mode?: DispatchMode;
  orgIds?: string[];
  opinion?: string;
}

/** The form of one unit action on a task (report, return, sub-assign and the requests). */
export function TaskActionModal({ task, kind, caption, onClose, onDone }: { task: Task | null; kind: TaskActionKind | null; caption?: string; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [children, setChildren] = useState<Task[]>([]);
  const policy = usePolicy();
  const reasonCode = Form.useWatch('reasonCode', form);
  const picked = policy?.suspensionReasons.find((r) => r.code === reasonCode);
  const promise = picked?.promise ?? false;
  const maxDays = picked?.maxDays ?? 365;
  const open = !!task && !!kind;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (kind === 'report' && task) {
      // 反馈引用: a parent unit may report the result one of its sub-units sent up.
      ticketApi
        .get(task.ticketId)
        .then((d) => setChildren(d.tasks.filter((k) => k.parentId === task.id && k.result)))
        .catch(() => setChildren([]));
    }
  }, [open, kind, task, form]);

  async function submit() {
    if (!task || !kind) return;
    const v = await form.validateFields();
    const attachmentIds = (v.attachments ?? []).map((a) => a.id);
    setSaving(true);
    try {
      if (kind === 'report') {
        await ticketApi.taskAction(task.id, 'report', { result: v.result?.trim() ?? '', basis: v.basis || undefined, method: v.method || undefined, attachmentIds, reuseTaskId: v.reuseTaskId || undefined });
      } else if (kind === 'sub-assign') {
        await ticketApi.taskAction(task.id, 'sub-assign', { mode: v.mode ?? 'single', orgIds: v.orgIds ?? [], opinion: v.opinion || undefined });
      } else {
        await ticketApi.taskAction(task.id, kind, {
          reasonCode: v.reasonCode || undefined,
          reason: v.reason?.trim() ?? '',
          attachmentIds,
          amount: v.amount,
          unit: v.unit,
          days: v.days,
          promiseUntil: v.promiseUntil ? v.promiseUntil.toISOString() : undefined,
        });
      }
      getMessage().success(t(`tickets.task.done.${kind}`));
      onDone();
    } finally {
      setSaving(false);
    }
  }

  const required = (message: string) => [{ required: true, whitespace: true, message }];
  return (
    <Modal
      open={open}
      title={kind ? t(`tickets.task.${kind}`) : ''}
      onCancel={onClose}
      onOk={() => fire(submit())}
      okButtonProps={{ loading: saving, 'data-testid': 'task-action-submit' }}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      destroyOnClose
      width={Math.min(560, window.innerWidth - 16)}
    >
      {task && (
        <Typography.Paragraph type="secondary">
          {caption ? `${caption} · ` : ''}
          {task.orgName}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" initialValues={{ unit: 'workday', mode: 'single', orgIds: [], attachments: [] }}>
        {kind === 'report' && (
          <>
            {children.length > 0 && (
              <Form.Item name="reuseTaskId" label={t('tickets.task.reuse')} extra={t('tickets.task.reuseHint')}>
                <Select
                  allowClear
                  options={children.map((c) => ({ value: c.id, label: `${c.orgName}：${(c.result?.result ?? '').slice(0, 40)}` }))}
                  onChange={(id: string | undefined) => {
                    const child = children.find((c) => c.id === id);
                    if (child?.result) form.setFieldValue('result', child.result.result);
                  }}
                />
              </Form.Item>
            )}
            <Form.Item name="result" label={t('tickets.task.result')} rules={required(t('tickets.task.resultRequired'))}>
              <Input.TextArea rows={5} maxLength={5000} data-testid="report-result" />
            </Form.Item>
            <Form.Item name="basis" label={t('tickets.task.basis')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            <Form.Item name="method" label={t('tickets.task.method')}>
              <Select
                allowClear
                options={['phone', 'visit', 'onsite', 'written'].map((m) => ({ value: m, label: t(`tickets.task.method.${m}`) }))}
              />
            </Form.Item>
          </>
        )}
        {kind === 'sub-assign' && (
          <>
            <Form.Item name="mode" label={t('tickets.dispatch.mode')}>
              <Select
                options={(['single', 'lead_assist', 'parallel'] as const).map((m) => ({ value: m, label: t(`tickets.dispatch.mode.${m}`) }))}
              />
            </Form.Item>
            <Form.Item name="orgIds" label={t('tickets.dispatch.units')} rules={[{ required: true, type: 'array', min: 1, message: t('tickets.dispatch.pickUnit') }]}>
              <UnitPicker defaultTenantId={task?.tenantId} />
            </Form.Item>
            <Form.Item name="opinion" label={t('tickets.dispatch.opinion')}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          </>
        )}
        {kind === 'return' && (
          <Form.Item name="reasonCode" label={t('tickets.task.returnReason')} rules={[{ required: true, message: t('tickets.task.reasonCodeRequired') }]}>
            <Select data-testid="return-reason" options={(policy?.returnReasons ?? []).map((r) => ({ value: r.code, label: r.name }))} />
          </Form.Item>
        )}
        {kind === 'suspension' && (
          <>
            <Form.Item name="reasonCode" label={t('tickets.task.suspensionReason')} rules={[{ required: true, message: t('tickets.task.reasonCodeRequired') }]}>
              <Select options={(policy?.suspensionReasons ?? []).map((r) => ({ value: r.code, label: `${r.name}（≤${r.maxDays}）` }))} />
            </Form.Item>
            {promise ? (
              <Form.Item name="promiseUntil" label={t('tickets.task.promiseUntil')} rules={[{ required: true, message: t('tickets.task.promiseRequired') }]}>
                <DatePicker style={{ width: '100%' }} />
              </Form.Item>
            ) : (
              <Form.Item name="days" label={t('tickets.task.days')} rules={[{ required: true, message: t('tickets.task.daysRequired') }]}>
                <InputNumber min={1} max={maxDays} style={{ width: '100%' }} />
              </Form.Item>
            )}
          </>
        )}
        {kind === 'extension' && (
          <>
            <Form.Item name="amount" label={t('tickets.task.amount')} rules={[{ required: true, message: t('tickets.task.amountRequired') }]}>
              <InputNumber min={0.5} max={365} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="unit" label={t('tickets.task.unit')}>
              <Select options={(['workday', 'hour', 'natural_day'] as const).map((u) => ({ value: u, label: t(`tickets.slaUnit.${u}`) }))} />
            </Form.Item>
          </>
        )}
        {kind !== 'report' && kind !== 'sub-assign' && (
          <Form.Item name="reason" label={t('tickets.task.reason')} rules={required(t('tickets.task.reasonRequired'))}>
            <Input.TextArea rows={4} maxLength={2000} data-testid="task-action-reason" />
          </Form.Item>
        )}
        {(kind === 'report' || kind === 'suspension' || kind === 'appeal' || kind === 'difficult' || kind === 'extension') && (
          <Form.Item
            name="attachments"
            label={kind === 'appeal' || kind === 'suspension' ? t('tickets.task.evidence') : t('tickets.attachments')}
            rules={kind === 'appeal' || kind === 'suspension' ? [{ required: true, type: 'array', min: 1, message: t('tickets.task.evidenceRequired') }] : undefined}
          >
            <AttachmentUpload testId="task-action-upload" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
