import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Descriptions, Form, Input, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../../api/feedback';
import { formatDateTime } from '../../../utils/format';
import { publicApi, type PublicProgress } from '../components/ticketApi';
import { H5Shell } from './H5Shell';
import { RatingForm, type Rating } from './RatingForm';
import { fire } from '../components/fire';

interface Values {
  no: string;
  phone: string;
}

/** 进度查询: ticket number + phone → status, public steps, reply, and the evaluation when due. */
export default function H5QueryPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Values>();
  const [progress, setProgress] = useState<PublicProgress | null>(null);
  const [creds, setCreds] = useState<Values | null>(null);
  const [busy, setBusy] = useState(false);
  const [evaluated, setEvaluated] = useState(false);

  async function query(v?: Values) {
    const values = v ?? (await form.validateFields());
    setBusy(true);
    try {
      setProgress(await publicApi.query(values.no.trim(), values.phone.trim()));
      setCreds(values);
    } finally {
      setBusy(false);
    }
  }

  async function evaluate(r: Rating) {
    if (!creds) return;
    await publicApi.evaluate({ no: creds.no.trim(), phone: creds.phone.trim(), ...r });
    getMessage().success(t('tickets.h5.thanks'));
    setEvaluated(true);
    await query(creds);
  }

  return (
    <H5Shell title={t('tickets.h5.queryTitle')}>
      <Card>
        <Form form={form} layout="vertical" initialValues={{ no: params.get('no') ?? '' }}>
          <Form.Item name="no" label={t('tickets.field.no')} rules={[{ required: true, pattern: /^XJ[0-9]{14}$/, message: t('tickets.h5.noInvalid') }]}>
            <Input maxLength={16} />
          </Form.Item>
          <Form.Item name="phone" label={t('tickets.h5.mobile')} rules={[{ required: true, pattern: /^1[3-9][0-9]{9}$/, message: t('tickets.h5.mobileInvalid') }]}>
            <Input inputMode="tel" maxLength={11} />
          </Form.Item>
          <Button type="primary" block loading={busy} onClick={() => fire(query())}>
            {t('common.search')}
          </Button>
        </Form>
      </Card>
      {progress && (
        <Card style={{ marginTop: 16 }}>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('tickets.field.no')}>{progress.no}</Descriptions.Item>
            <Descriptions.Item label={t('tickets.field.title')}>{progress.title}</Descriptions.Item>
            <Descriptions.Item label={t('common.status')}>
              <Typography.Text strong>{progress.status}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('tickets.field.createdAt')}>{formatDateTime(progress.createdAt)}</Descriptions.Item>
          </Descriptions>
          <Timeline
            style={{ marginTop: 12 }}
            items={progress.steps.map((s, i) => ({ key: i, children: `${formatDateTime(s.at)} ${s.step}${s.unit ? `（${s.unit}）` : ''}` }))}
          />
          {progress.answer && <Alert type="success" message={t('tickets.detail.answer')} description={progress.answer} />}
          {progress.canEvaluate && !evaluated && (
            <Card size="small" title={t('tickets.h5.evaluateTitle')} style={{ marginTop: 12 }}>
              <RatingForm onSubmit={evaluate} />
            </Card>
          )}
        </Card>
      )}
    </H5Shell>
  );
}
