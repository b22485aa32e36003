import { PageContainer, ProDescriptions } from '@ant-design/pro-components';
import { Alert, App, Button, Card, Col, Empty, Progress, Row, Space, Spin, Statistic, Tag, Typography } from 'antd';
import { ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../utils/format';
import type { IntentModelState, ItemModel, JobStatus, ModelsInfo, TitleModelState, TrainingJob } from './types';
import { useModelsStatus } from './useModelsStatus';

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** A timestamp kept left-to-right, so the Uyghur page does not swap its date and time around. */
function Time({ value }: { value: string | null | undefined }) {
  return <span dir="ltr">{formatDateTime(value)}</span>;
}

const STATUS_COLOR: Record<JobStatus, string> = { running: 'processing', succeeded: 'success', failed: 'error' };

function ItemModelCard({ info }: { info: ModelsInfo }) {
  const { t } = useTranslation();
  const model = info.model;
  return (
    <Card title={t('assistModels.item.title')} data-testid="assist-item-model" style={{ height: '100%' }}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        {model?.stale && <Alert type="warning" showIcon message={t('assistModels.item.stale')} data-testid="assist-item-stale" />}
        {info.buildError && <Alert type="error" showIcon message={t('assistModels.item.buildError', { error: info.buildError })} />}
        {info.building && <Alert type="info" showIcon icon={<SyncOutlined spin />} message={t('assistModels.item.building')} />}
        {model ? (
          <>
            <Row gutter={[16, 16]}>
              <Col xs={12} md={6}>
                <Statistic title={t('assistModels.item.examples')} value={model.examples} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('assistModels.item.catalogueItems')} value={model.catalogueItems} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('assistModels.item.top1')} value={model.holdOut ? percent(model.holdOut.top1) : '-'} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('assistModels.item.top3')} value={model.holdOut ? percent(model.holdOut.top3) : '-'} />
              </Col>
            </Row>
            <ProDescriptions<ItemModel>
              column={{ xs: 1, md: 3 }}
              size="small"
              dataSource={model}
              columns={[
                {
                  title: t('assistModels.item.kind'),
                  dataIndex: 'kind',
                  render: (_, r) => (
                    <Tag color={r.kind === 'trained' ? 'green' : 'default'} data-testid="assist-item-kind">
                      {t(`assistModels.item.kind.${r.kind}`)}
                    </Tag>
                  ),
                },
                { title: t('assistModels.trainedAt'), dataIndex: 'trainedAt', render: (_, r) => <Time value={r.trainedAt} /> },
                {
                  title: t('assistModels.holdOutSize'),
                  dataIndex: 'holdOut',
                  render: (_, r) => (r.holdOut ? r.holdOut.size : <Typography.Text type="secondary">{t('assistModels.item.noHoldOut')}</Typography.Text>),
                },
              ]}
            />
          </>
        ) : (
          !info.building && <Empty description={t('assistModels.item.none')} />
        )}
      </Space>
    </Card>
  );
}

function ActiveTag({ active, inactiveText }: { active: boolean; inactiveText: string }) {
  const { t } = useTranslation();
  return active ? <Tag color="green">{t('assistModels.active')}</Tag> : <Tag>{inactiveText}</Tag>;
}

function TitleModelCard({ model }: { model: TitleModelState }) {
  const { t } = useTranslation();
  return (
    <Card title={t('assistModels.title.title')} data-testid="assist-title-model" style={{ height: '100%' }}>
      <ProDescriptions<TitleModelState>
        column={1}
        size="small"
        dataSource={model}
        columns={[
          { title: t('assistModels.status'), dataIndex: 'active', render: (_, r) => <ActiveTag active={r.active} inactiveText={t('assistModels.title.inactive')} /> },
          { title: t('assistModels.title.pairs'), dataIndex: 'pairs', render: (_, r) => (r.active ? r.pairs : '-') },
          {
            title: t('assistModels.title.similarity'),
            dataIndex: 'holdOut',
            render: (_, r) => (r.holdOut ? t('assistModels.title.similarityValue', { value: r.holdOut.rougeL.toFixed(3), size: r.holdOut.size }) : '-'),
          },
          { title: t('assistModels.trainedAt'), dataIndex: 'trainedAt', render: (_, r) => <Time value={r.trainedAt} /> },
        ]}
      />
    </Card>
  );
}

const NO_INTENT_MODEL: IntentModelState = { active: false, examples: 0, trainedAt: null, holdOut: null };

function IntentModelCard({ model }: { model: IntentModelState }) {
  const { t } = useTranslation();
  return (
    <Card title={t('assistModels.intent.title')} data-testid="assist-intent-model" style={{ height: '100%' }}>
      <ProDescriptions<IntentModelState>
        column={1}
        size="small"
        dataSource={model}
        columns={[
          { title: t('assistModels.status'), dataIndex: 'active', render: (_, r) => <ActiveTag active={r.active} inactiveText={t('assistModels.intent.inactive')} /> },
          { title: t('assistModels.intent.examples'), dataIndex: 'examples', render: (_, r) => (r.active ? r.examples : '-') },
          {
            title: t('assistModels.intent.accuracy'),
            dataIndex: 'holdOut',
            render: (_, r) => (r.holdOut ? t('assistModels.intent.accuracyValue', { accuracy: percent(r.holdOut.accuracy), size: r.holdOut.size }) : '-'),
          },
          { title: t('assistModels.trainedAt'), dataIndex: 'trainedAt', render: (_, r) => <Time value={r.trainedAt} /> },
        ]}
      />
    </Card>
  );
}

function JobView({ job }: { job: TrainingJob }) {
  const { t } = useTranslation();
  const pct = Math.round(job.progress * 100);
  const outcomes = [job.titleModel, job.intentModel].filter((m): m is NonNullable<typeof m> => !!m);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="assist-job">
      <Space wrap>
        <Tag color={STATUS_COLOR[job.status]} data-testid="assist-job-status">
          {t(`assistModels.job.status.${job.status}`, { defaultValue: job.status })}
        </Tag>
        {job.status === 'running' && (
          <Typography.Text data-testid="assist-job-phase">
            {t(`assistModels.job.phase.${job.phase}`, { defaultValue: job.phase })}
            {job.epochs > 0 && ` · ${t('assistModels.job.epoch', { epoch: job.epoch, epochs: job.epochs })}`}
          </Typography.Text>
        )}
      </Space>
      <Progress
        percent={pct}
        status={job.status === 'failed' ? 'exception' : job.status === 'succeeded' ? 'success' : 'active'}
        // Keep the number even when finished: antd would otherwise replace it with an icon.
        format={(p) => `${p ?? 0}%`}
        data-testid="assist-job-progress"
      />
      <ProDescriptions<TrainingJob>
        column={{ xs: 1, md: 2 }}
        size="small"
        dataSource={job}
        columns={[
          { title: t('assistModels.job.startedAt'), dataIndex: 'startedAt', render: (_, r) => <Time value={r.startedAt} /> },
          { title: t('assistModels.job.finishedAt'), dataIndex: 'finishedAt', render: (_, r) => <Time value={r.finishedAt} /> },
        ]}
      />
      {job.error && <Alert type="error" showIcon message={t('assistModels.job.error', { error: job.error })} data-testid="assist-job-error" />}
      {outcomes.map((m, i) => (
        <Alert key={i} type={m.trained ? 'success' : 'info'} showIcon message={m.message} />
      ))}
    </Space>
  );
}

function TrainingCard({ info, onStarted }: { info: ModelsInfo; onStarted: (job?: TrainingJob) => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useAuth();
  const running = info.job?.status === 'running';

  const start = async () => {
    try {
      const job = await api.post<TrainingJob>('/assist/models/items/train', {}, { silent: true });
      message.success(t('assistModels.train.started'));
      onStarted(job);
    } catch (e) {
      if (isApiError(e) && e.handled) return;
      // Someone else started a job meanwhile: say so and follow theirs.
      if (isApiError(e) && e.status === 409) {
        message.warning(e.detail);
        onStarted();
        return;
      }
      message.error((isApiError(e) && e.detail) || t('error.unknown'));
    }
  };

  const confirm = () =>
    modal.confirm({
      title: t('assistModels.train.confirmTitle'),
      content: t('assistModels.train.confirmContent'),
      okText: t('assistModels.train.start'),
      cancelText: t('common.cancel'),
      onOk: start,
    });

  return (
    <Card
      title={t('assistModels.job.title')}
      data-testid="assist-training"
      extra={
        can('assist:train') && (
          <Button type="primary" icon={<ReloadOutlined />} disabled={running} loading={running} onClick={confirm} data-testid="assist-train">
            {t('assistModels.train')}
          </Button>
        )
      }
    >
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('assistModels.job.hint')}</Typography.Text>
        {info.job ? <JobView job={info.job} /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('assistModels.job.none')} />}
      </Space>
    </Card>
  );
}

/**
 * 智能辅助模型: what the smart intake panel runs on (item, title and demand type models) and the
 * retraining from this deployment's closed tickets, with the job's progress while it runs.
 */
export default function AssistModelsPage() {
  const { t } = useTranslation();
  const { info, setInfo, error, loading, reload } = useModelsStatus();

  const onStarted = (job?: TrainingJob) => {
    // Show the new job at once; the restarted poll then follows it to the end.
    if (job) setInfo((prev) => (prev ? { ...prev, job } : prev));
    reload();
  };

  return (
    <PageContainer title={t('menu.tickets.assistModels')} subTitle={t('assistModels.subtitle')}>
      {error !== null && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={error || t('assistModels.loadFailed')}
          action={
            <Button size="small" onClick={reload}>
              {t('common.retry')}
            </Button>
          }
        />
      )}
      {loading && !info && (
        <div style={{ padding: 80, textAlign: 'center' }}>
          <Spin size="large" />
        </div>
      )}
      {info && (
        <Row gutter={[16, 16]}>
          <Col xs={24} xxl={12}>
            <ItemModelCard info={info} />
          </Col>
          <Col xs={24} md={12} xxl={6}>
            <TitleModelCard model={info.titleModel} />
          </Col>
          <Col xs={24} md={12} xxl={6}>
            <IntentModelCard model={info.intentModel ?? NO_INTENT_MODEL} />
          </Col>
          <Col span={24}>
            <TrainingCard info={info} onStarted={onStarted} />
          </Col>
        </Row>
      )}
    </PageContainer>
  );
}
