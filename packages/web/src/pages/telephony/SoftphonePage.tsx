import { useEffect, useRef, useState } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { Alert, Badge, Button, Card, Descriptions, Input, Space, Typography, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useRinger } from './useRinger';
import { useSoftphone, type CallState, type LineState } from './useSoftphone';

interface Status {
  enabled: boolean;
  extension: string | null;
}

const LINE_BADGE: Record<LineState, 'default' | 'processing' | 'success' | 'error'> = {
  idle: 'default',
  connecting: 'processing',
  registered: 'success',
  closed: 'error',
};

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** Seconds since `from`, ticking once a second while the call lasts. */
function useTalkTime(from: number | undefined, running: boolean): string {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return undefined;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [running]);
  if (from === undefined) return '00:00';
  const s = Math.max(0, Math.floor((now - from) / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** 坐席软电话: the agent registers the assigned extension, answers, holds, transfers and hangs up in the browser. */
export default function SoftphonePage() {
  const { t } = useTranslation();
  const audio = useRef<HTMLAudioElement | null>(null);
  const phone = useSoftphone(audio);
  const [status, setStatus] = useState<Status | null>(null);
  const [target, setTarget] = useState('');
  /** The extension a blind transfer is ringing; the call ends when it answers. */
  const [transferring, setTransferring] = useState<string | null>(null);
  const { call, connect } = phone;
  const live = call !== null && call.state !== 'ended';
  useEffect(() => {
    if (!live || phone.problem?.code === 'transfer-failed') setTransferring(null);
  }, [live, phone.problem]);
  const talk = useTalkTime(call?.connectedAt, live);
  useRinger(call?.state === 'ringing', call?.from);

  useEffect(() => {
    void api.get<Status>('/telephony/softphone').then((s) => {
      setStatus(s);
      if (s.enabled && s.extension) connect();
    });
  }, [connect]);

  const stateLabel = (s: CallState) => t(`softphone.call.${s}`);
  const problemText = phone.problem ? (t(`softphone.problem.${phone.problem.code}`, { defaultValue: '' }) || phone.problem.message) : null;

  if (status && (!status.enabled || !status.extension)) {
    return (
      <PageContainer title={t('menu.telephony.softphone')}>
        <Result status="info" title={t(status.enabled ? 'softphone.noExtension' : 'softphone.disabled')} subTitle={t('softphone.askAdmin')} data-testid="softphone-unavailable" />
      </PageContainer>
    );
  }

  return (
    <PageContainer title={t('menu.telephony.softphone')}>
      <audio ref={audio} autoPlay data-testid="softphone-audio" />
      <Space direction="vertical" size="middle" style={{ width: '100%', maxWidth: 720 }}>
        <Card size="small">
          <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
            <Space>
              <Badge status={LINE_BADGE[phone.line]} />
              <Typography.Text data-testid="softphone-line" data-state={phone.line}>
                {t(`softphone.line.${phone.line}`)}
              </Typography.Text>
              {phone.extension && <Typography.Text type="secondary" data-testid="softphone-extension">{t('softphone.extension', { extension: phone.extension })}</Typography.Text>}
            </Space>
            {phone.line === 'registered' || phone.line === 'connecting' ? (
              <Button onClick={phone.disconnect} disabled={live} data-testid="softphone-offline">
                {t('softphone.goOffline')}
              </Button>
            ) : (
              <Button type="primary" onClick={phone.connect} data-testid="softphone-online">
                {t('softphone.goOnline')}
              </Button>
            )}
          </Space>
        </Card>

        {problemText && <Alert type="warning" showIcon message={problemText} data-testid="softphone-problem" />}

        {call ? (
          <Card
            title={t('softphone.currentCall')}
            data-testid="softphone-call"
            data-state={call.state}
            extra={<Typography.Text data-testid="softphone-call-state">{stateLabel(call.state)}</Typography.Text>}
          >
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('softphone.caller')}>
                <Typography.Text strong style={{ fontSize: 20 }} dir="ltr" data-testid="softphone-caller">
                  {call.from}
                </Typography.Text>
                {call.fromName && <Typography.Text type="secondary"> {call.fromName}</Typography.Text>}
              </Descriptions.Item>
              {call.connectedAt !== undefined && <Descriptions.Item label={t('softphone.talkTime')}>{talk}</Descriptions.Item>}
              {call.state === 'ended' && call.reason && <Descriptions.Item label={t('softphone.endReason')}>{t(`softphone.reason.${call.reason}`, { defaultValue: call.reason })}</Descriptions.Item>}
            </Descriptions>

            {call.state === 'ringing' && (
              <Space>
                <Button type="primary" size="large" onClick={() => void phone.answer()} data-testid="softphone-answer">
                  {t('softphone.answer')}
                </Button>
                <Button danger size="large" onClick={phone.reject} data-testid="softphone-reject">
                  {t('softphone.reject')}
                </Button>
              </Space>
            )}

            {(call.state === 'connected' || call.state === 'held') && (
              <Space direction="vertical" style={{ width: '100%' }}>
                <Space wrap>
                  <Button onClick={() => phone.hold(call.state !== 'held')} data-testid="softphone-hold">
                    {call.state === 'held' ? t('softphone.retrieve') : t('softphone.hold')}
                  </Button>
                  <Button danger type="primary" onClick={phone.hangup} data-testid="softphone-hangup">
                    {t('softphone.hangup')}
                  </Button>
                </Space>
                <Space.Compact style={{ maxWidth: 360 }}>
                  <Input
                    value={target}
                    onChange={(e) => setTarget(e.target.value.replace(/[^0-9*#+]/g, ''))}
                    placeholder={t('softphone.transferTarget')}
                    data-testid="softphone-transfer-target"
                    dir="ltr"
                  />
                  <Button
                    disabled={!target || transferring !== null}
                    onClick={() => {
                      setTransferring(target);
                      phone.transfer(target);
                    }}
                    data-testid="softphone-transfer"
                  >
                    {t('softphone.transfer')}
                  </Button>
                </Space.Compact>
                {transferring && <Alert type="info" showIcon message={t('softphone.transferring', { target: transferring })} data-testid="softphone-transferring" />}
                <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 56px)', gap: 8 }} dir="ltr">
                  {KEYS.map((k) => (
                    <Button key={k} onClick={() => phone.dtmf(k)} data-testid={`softphone-dtmf-${k}`}>
                      {k}
                    </Button>
                  ))}
                </div>
              </Space>
            )}

            {call.state === 'ended' && (
              <Button onClick={phone.dismiss} data-testid="softphone-dismiss">
                {t('softphone.dismiss')}
              </Button>
            )}
          </Card>
        ) : (
          phone.line === 'registered' && <Alert type="info" message={t('softphone.waiting')} data-testid="softphone-waiting" />
        )}
      </Space>
    </PageContainer>
  );
}
