import { useEffect, useRef, useState } from 'react';
import { PageContainer, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { Alert, Button, Descriptions, Drawer, Empty, Space, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { PlayCircleOutlined, SoundOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { API_BASE, ApiError, api, getToken, isApiError, type Problem } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../utils/format';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';

/** One call as the list shows it (caller masked by the server unless the user may see it). */
interface CallItem {
  id: string;
  tenantId: string | null;
  caller: string;
  callerWithheld: boolean;
  callee: string;
  startedAt: string;
  answeredAt: string | null;
  bridgedAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  talkSeconds: number | null;
  endReason: string | null;
  queue: string | null;
  agent: string | null;
  hasRecording: boolean;
  recordingSize: number | null;
  hasVoicemail: boolean;
}

interface CallDetail extends CallItem {
  callerName: string | null;
  sipCallId: string;
  dtmf: string;
  ivrPath: string[];
  ivrInputs: { node: string; digits: string }[];
  holdSeconds: number;
  legs: { id: string; role: 'citizen' | 'agent' | 'party'; party: string; startedAt: string; answeredAt: string | null; endedAt: string | null; failStatus: number | null }[];
  transfers: { at: string; kind: string; from: string | null; to: string; ok: boolean }[];
  recording: { size: number; sm3: string | null } | null;
  voicemail: { size: number; sm3: string | null } | null;
  timeline: { at: string; kind: string; leg?: string; party?: string; detail?: Record<string, unknown> }[];
}

const END_REASONS = ['caller-hangup', 'agent-hangup', 'ivr-hangup', 'ivr-end', 'cancelled', 'rejected', 'transfer-failed', 'api-hangup', 'rtp-timeout', 'queue-timeout', 'shutdown', 'error'] as const;

/** 03:07 or 1:02:03. */
function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/**
 * Fetches a recording with the session's bearer token (an <audio src> cannot send it) and hands
 * back an object URL for the player. The server audits every fetch, so this runs on a click only.
 */
async function fetchRecording(id: string, kind: 'recording' | 'voicemail'): Promise<string> {
  const headers = new Headers({ Accept: 'audio/wav, application/problem+json' });
  const token = getToken();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const res = await fetch(`${API_BASE}/telephony/calls/${encodeURIComponent(id)}/recording?kind=${kind}`, { headers, credentials: 'same-origin' });
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({ status: res.status }))) as Problem;
    throw new ApiError(res.status, problem);
  }
  return URL.createObjectURL(await res.blob());
}

/** Player for one recording: loads on demand, frees the object URL when closed. */
function RecordingPlayer({ callId, kind }: { callId: string; kind: 'recording' | 'voicemail' }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );
  const load = async () => {
    setLoading(true);
    setError(null);
    try {
      setUrl(await fetchRecording(callId, kind));
    } catch (e) {
      setError(isApiError(e) ? e.detail : t('telephony.calls.playFailed'));
    } finally {
      setLoading(false);
    }
  };
  if (url) return <audio controls autoPlay src={url} style={{ width: '100%' }} data-testid={`call-${kind}-audio`} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Button icon={<PlayCircleOutlined />} loading={loading} onClick={() => void load()} data-testid={`call-${kind}-play`}>
        {t(kind === 'recording' ? 'telephony.calls.play' : 'telephony.calls.playVoicemail')}
      </Button>
      <Typography.Text type="secondary">{t('telephony.calls.playAudited')}</Typography.Text>
      {error && <Alert type="error" showIcon message={error} />}
    </Space>
  );
}

function CallDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [call, setCall] = useState<CallDetail | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    setCall(null);
    if (!id) return;
    let live = true;
    setLoading(true);
    api
      .get<CallDetail>(`/telephony/calls/${encodeURIComponent(id)}`)
      .then((c) => live && setCall(c))
      .catch(() => undefined)
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [id]);
  const reason = (r: string | null) => (r ? t(`telephony.calls.endReason.${r}`, { defaultValue: r }) : '-');
  return (
    <Drawer open={!!id} onClose={onClose} width={720} title={t('telephony.calls.detail')} destroyOnClose data-testid="call-drawer">
      {loading && <Spin />}
      {!loading && !call && <Empty />}
      {call && (
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('telephony.calls.caller')}>
              <span dir="ltr">{call.caller}</span>
              {call.callerWithheld && <Tag style={{ marginInlineStart: 8 }}>{t('telephony.calls.withheld')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('telephony.calls.callee')}>{call.callee}</Descriptions.Item>
            <Descriptions.Item label={t('telephony.calls.startedAt')}>{formatDateTime(call.startedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('telephony.calls.endedAt')}>{formatDateTime(call.endedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('telephony.calls.duration')}>{duration(call.durationSeconds)}</Descriptions.Item>
            <Descriptions.Item label={t('telephony.calls.talk')}>{duration(call.talkSeconds)}</Descriptions.Item>
            <Descriptions.Item label={t('telephony.calls.queue')}>{call.queue ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('telephony.calls.agent')}>{call.agent ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('telephony.calls.endReasonLabel')}>{reason(call.endReason)}</Descriptions.Item>
            <Descriptions.Item label={t('telephony.calls.hold')}>{duration(Math.round(call.holdSeconds))}</Descriptions.Item>
            <Descriptions.Item label={t('telephony.calls.ivrPath')} span={2}>
              {call.ivrPath.length ? call.ivrPath.map((n, i) => <Tag key={`${n}-${i}`}>{n}</Tag>) : '-'}
            </Descriptions.Item>
            <Descriptions.Item label={t('telephony.calls.dtmf')} span={2}>
              <span dir="ltr">{call.dtmf || '-'}</span>
              {call.ivrInputs.length > 0 && (
                <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
                  {call.ivrInputs.map((x) => `${x.node}: ${x.digits}`).join('；')}
                </Typography.Text>
              )}
            </Descriptions.Item>
          </Descriptions>

          {can('telephony:recording:play') && (call.recording || call.voicemail) && (
            <div>
              <Typography.Title level={5}>
                <SoundOutlined /> {t('telephony.calls.recording')}
              </Typography.Title>
              <Space direction="vertical" style={{ width: '100%' }}>
                {call.recording && <RecordingPlayer callId={call.id} kind="recording" />}
                {call.voicemail && <RecordingPlayer callId={call.id} kind="voicemail" />}
              </Space>
            </div>
          )}

          <div>
            <Typography.Title level={5}>{t('telephony.calls.timeline')}</Typography.Title>
            <Timeline
              items={call.timeline.map((e) => ({
                color: e.kind === 'ended' ? 'gray' : e.kind === 'transfer' ? 'orange' : 'blue',
                children: (
                  <span>
                    <Typography.Text type="secondary">{formatDateTime(e.at)}</Typography.Text> {t(`telephony.calls.event.${e.kind}`, { defaultValue: e.kind })}
                    {e.party ? <span dir="ltr"> {e.party}</span> : null}
                    {e.kind === 'ended' && typeof e.detail?.reason === 'string' ? ` · ${reason(e.detail.reason)}` : null}
                  </span>
                ),
              }))}
            />
          </div>

          <div>
            <Typography.Title level={5}>{t('telephony.calls.legs')}</Typography.Title>
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={call.legs}
              columns={[
                { title: t('telephony.calls.legRole'), dataIndex: 'role', render: (v: string) => t(`telephony.calls.role.${v}`, { defaultValue: v }) },
                { title: t('telephony.calls.party'), dataIndex: 'party', render: (v: string) => <span dir="ltr">{v}</span> },
                { title: t('telephony.calls.startedAt'), dataIndex: 'startedAt', render: (v: string) => formatDateTime(v) },
                { title: t('telephony.calls.answeredAt'), dataIndex: 'answeredAt', render: (v: string | null) => formatDateTime(v) },
                { title: t('telephony.calls.endedAt'), dataIndex: 'endedAt', render: (v: string | null) => formatDateTime(v) },
              ]}
            />
          </div>

          <div>
            <Typography.Title level={5}>{t('telephony.calls.transfers')}</Typography.Title>
            {call.transfers.length === 0 ? (
              <Typography.Text type="secondary">{t('telephony.calls.noTransfers')}</Typography.Text>
            ) : (
              <Table
                size="small"
                rowKey={(r) => `${r.at}-${r.to}`}
                pagination={false}
                dataSource={call.transfers}
                columns={[
                  { title: t('telephony.calls.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v) },
                  { title: t('telephony.calls.transferKind'), dataIndex: 'kind', render: (v: string) => t(`telephony.calls.transfer.${v}`, { defaultValue: v }) },
                  { title: t('telephony.calls.from'), dataIndex: 'from', render: (v: string | null) => v ?? '-' },
                  { title: t('telephony.calls.to'), dataIndex: 'to' },
                  { title: t('telephony.calls.result'), dataIndex: 'ok', render: (v: boolean) => <Tag color={v ? 'success' : 'error'}>{t(v ? 'telephony.calls.ok' : 'telephony.calls.failed')}</Tag> },
                ]}
              />
            )}
          </div>
        </Space>
      )}
    </Drawer>
  );
}

/** 通话记录: every call of the hotline in the user's scope, with its detail and recording. */
export default function CallRecordsPage() {
  const { t } = useTranslation();
  const actionRef = useRef<ActionType>();
  const [open, setOpen] = useState<string | null>(null);

  const columns: ProColumns<CallItem>[] = [
    {
      title: t('telephony.calls.startedAt'),
      dataIndex: 'at',
      valueType: 'dateTimeRange',
      width: 170,
      render: (_, r) => formatDateTime(r.startedAt),
      fieldProps: { style: { width: '100%' } },
    },
    { title: t('telephony.calls.caller'), dataIndex: 'caller', width: 140, render: (_, r) => <span dir="ltr">{r.caller}</span>, fieldProps: { placeholder: t('telephony.calls.callerHint') } },
    {
      title: t('telephony.calls.callerMatch'),
      dataIndex: 'callerMatch',
      hideInTable: true,
      valueType: 'select',
      initialValue: 'exact',
      valueEnum: { exact: { text: t('telephony.calls.match.exact') }, suffix: { text: t('telephony.calls.match.suffix') } },
    },
    { title: t('telephony.calls.callee'), dataIndex: 'callee', search: false, width: 90 },
    { title: t('telephony.calls.agent'), dataIndex: 'agent', width: 100, render: (_, r) => r.agent ?? '-' },
    { title: t('telephony.calls.queue'), dataIndex: 'queue', width: 100, render: (_, r) => r.queue ?? '-' },
    { title: t('telephony.calls.duration'), dataIndex: 'durationSeconds', search: false, width: 90, render: (_, r) => duration(r.durationSeconds) },
    { title: t('telephony.calls.talk'), dataIndex: 'talkSeconds', search: false, width: 90, render: (_, r) => duration(r.talkSeconds) },
    {
      title: t('telephony.calls.endReasonLabel'),
      dataIndex: 'endReason',
      width: 120,
      valueType: 'select',
      valueEnum: Object.fromEntries(END_REASONS.map((r) => [r, { text: t(`telephony.calls.endReason.${r}`, { defaultValue: r }) }])),
      render: (_, r) => (r.endReason ? t(`telephony.calls.endReason.${r.endReason}`, { defaultValue: r.endReason }) : '-'),
    },
    {
      title: t('telephony.calls.recording'),
      dataIndex: 'hasRecording',
      width: 100,
      valueType: 'select',
      valueEnum: { true: { text: t('telephony.calls.withRecording') }, false: { text: t('telephony.calls.withoutRecording') } },
      render: (_, r) => (
        <Space size={4}>
          {r.hasRecording && <Tag color="blue">{t('telephony.calls.recording')}</Tag>}
          {r.hasVoicemail && <Tag color="purple">{t('telephony.calls.voicemail')}</Tag>}
          {!r.hasRecording && !r.hasVoicemail && '-'}
        </Space>
      ),
    },
    {
      title: t('common.actions', { defaultValue: '操作' }),
      valueType: 'option',
      width: 80,
      render: (_, r) => [
        <a key="detail" onClick={() => setOpen(r.id)} data-testid={`call-detail-${r.id}`}>
          {t('telephony.calls.view')}
        </a>,
      ],
    },
  ];

  return (
    <PageContainer title={t('menu.telephony.calls')} subTitle={t('telephony.calls.subtitle')}>
      <div data-testid="call-records-table">
        <ProTable<CallItem>
          rowKey="id"
          actionRef={actionRef}
          columns={columns}
          request={(params) => {
            const q = toListQuery(params);
            // The match mode only means something together with a number.
            if (!q.caller) delete q.callerMatch;
            return fetchPage<CallItem>('/telephony/calls', q);
          }}
          pagination={DEFAULT_PAGINATION}
          search={{ labelWidth: 'auto', defaultCollapsed: false, span: { xs: 24, sm: 12, md: 8, lg: 8, xl: 6, xxl: 6 } }}
          dateFormatter="string"
          onRow={(r) => ({ onDoubleClick: () => setOpen(r.id) })}
        />
      </div>
      <CallDrawer id={open} onClose={() => setOpen(null)} />
    </PageContainer>
  );
}
