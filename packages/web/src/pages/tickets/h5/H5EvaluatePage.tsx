import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Card, Descriptions, Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/client';
import { publicApi } from '../components/ticketApi';
import { H5Shell } from './H5Shell';
import { RatingForm, type Rating } from './RatingForm';

interface View {
  no: string;
  title: string;
  answer: string | null;
  status: string;
}

/** 短信评价: the link in the callback SMS (?t=TOKEN) opens this page. */
export default function H5EvaluatePage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('t') ?? '';
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (!token) {
      setError(t('tickets.h5.linkInvalid'));
      return;
    }
    publicApi
      .evaluationView(token)
      .then(setView)
      .catch((e: unknown) => setError(isApiError(e) ? e.detail : t('tickets.h5.linkInvalid')));
  }, [token, t]);

  async function evaluate(r: Rating) {
    await publicApi.evaluateByToken(token, r);
    setDone(true);
  }

  return (
    <H5Shell title={t('tickets.h5.evaluateTitle')}>
      {error && <Alert type="error" showIcon message={error} />}
      {!error && !view && <Spin />}
      {view && (done || view.status !== 'pending') && <Result status="success" title={t('tickets.h5.thanks')} />}
      {view && !done && view.status === 'pending' && (
        <Card>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('tickets.field.no')}>{view.no}</Descriptions.Item>
            <Descriptions.Item label={t('tickets.field.title')}>{view.title}</Descriptions.Item>
            <Descriptions.Item label={t('tickets.detail.answer')}>{view.answer ?? '-'}</Descriptions.Item>
          </Descriptions>
          <RatingForm onSubmit={evaluate} />
        </Card>
      )}
    </H5Shell>
  );
}
