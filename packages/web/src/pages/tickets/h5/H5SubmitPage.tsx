import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, Card, Form, Input, Result, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { publicApi } from '../components/ticketApi';
import { H5Shell } from './H5Shell';
import { fire } from '../components/fire';

interface Values {
  name: string;
  phone: string;
  kind?: string;
  title: string;
  content: string;
  address?: string;
}

const PHONE = /^1[3-9][0-9]{9}$/;

/** 网上诉求: a citizen submits without logging in and gets the ticket number. */
export default function H5SubmitPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [done, setDone] = useState<{ no: string; phone: string } | null>(null);

  async function submit() {
    const v = await form.validateFields();
    setSaving(true);
    try {
      const res = await publicApi.submit({ name: v.name.trim(), phone: v.phone.trim(), title: v.title.trim(), content: v.content.trim(), address: v.address?.trim() || undefined, kind: v.kind });
      setDone({ no: res.no, phone: v.phone.trim() });
    } finally {
      setSaving(false);
    }
  }

  const required = { required: true, whitespace: true, message: t('tickets.required') };
  return (
    <H5Shell title={t('tickets.h5.submitTitle')}>
      {done ? (
        <Result
          status="success"
          title={t('tickets.h5.submitted')}
          subTitle={
            <Typography.Text copyable strong data-testid="h5-no">
              {done.no}
            </Typography.Text>
          }
          extra={
            <Link to={`/h5/query?no=${encodeURIComponent(done.no)}`}>
              <Button type="primary">{t('tickets.h5.queryTitle')}</Button>
            </Link>
          }
        />
      ) : (
        <Card>
          <Form form={form} layout="vertical">
            <Form.Item name="name" label={t('tickets.field.citizenName')} rules={[required]}>
              <Input maxLength={50} />
            </Form.Item>
            <Form.Item name="phone" label={t('tickets.h5.mobile')} rules={[required, { pattern: PHONE, message: t('tickets.h5.mobileInvalid') }]}>
              <Input inputMode="tel" maxLength={11} />
            </Form.Item>
            <Form.Item name="kind" label={t('tickets.field.kind')}>
              <Select allowClear options={['consult', 'help', 'complaint', 'report', 'suggest', 'praise'].map((k) => ({ value: k, label: t(`tickets.kind.${k}`) }))} />
            </Form.Item>
            <Form.Item name="title" label={t('tickets.field.title')} rules={[required]}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item name="content" label={t('tickets.field.content')} rules={[required]}>
              <Input.TextArea rows={5} maxLength={5000} showCount />
            </Form.Item>
            <Form.Item name="address" label={t('tickets.field.address')}>
              <Input maxLength={300} />
            </Form.Item>
            <Button type="primary" block loading={saving} onClick={() => fire(submit())}>
              {t('tickets.h5.submit')}
            </Button>
          </Form>
        </Card>
      )}
    </H5Shell>
  );
}
