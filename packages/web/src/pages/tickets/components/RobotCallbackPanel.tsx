import { useState } from 'react';
import { Alert, Button, Input, List, Space, Tag, Typography } from 'antd';
import { RobotOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { fire } from './fire';

// Key presses the robot understands in any language (按1满意, 按2不满意, 按3基本满意).
const DTMF = [
  ['1', 'satisfied'],
  ['2', 'dissatisfied'],
  ['3', 'basic'],
] as const;

interface Turn {
  who: 'robot' | 'citizen';
  text: string;
}

interface RobotReply {
  say: string;
  done: boolean;
  outcome: { result: string; handlingRating: number | null; serviceRating: number | null; comment: string | null } | null;
  status: string;
}

/**
 * 机器人回访: drives the callback robot turn by turn. The citizen's answers are typed here (the voice
 * robot feeds the same endpoint with ASR text or DTMF digits) and the transcript is shown.
 */
export function RobotCallbackPanel({ ticketId, title, answer, onStarted, onFinished }: { ticketId: string; title: string; answer: string | null; onStarted?: () => void; onFinished: () => void }) {
  const { t } = useTranslation();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<RobotReply['outcome']>(null);
  const started = turns.length > 0;

  // The server speaks its opening when the callback starts; the panel shows the same question.
  const start = () => {
    const said = answer?.trim() ? t('tickets.robot.opening', { title, answer: answer.slice(0, 120) }) : t('tickets.robot.openingNoAnswer', { title });
    setTurns([{ who: 'robot', text: said }]);
    onStarted?.();
  };

  async function send(utterance: string) {
    if (!utterance.trim()) return;
    setBusy(true);
    setTurns((ts) => [...ts, { who: 'citizen', text: utterance }]);
    setText('');
    try {
      const reply = await api.post<RobotReply>(`/tickets/${encodeURIComponent(ticketId)}/callback/robot`, { utterance });
      setTurns((ts) => [...ts, { who: 'robot', text: reply.say }]);
      if (reply.done) {
        setOutcome(reply.outcome);
        onFinished();
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div data-testid="robot-panel">
      {!started ? (
        <Button type="primary" icon={<RobotOutlined />} onClick={start} data-testid="robot-start">
          {t('tickets.robot.start')}
        </Button>
      ) : (
        <>
          <List
            size="small"
            dataSource={turns}
            data-testid="robot-transcript"
            renderItem={(turn) => (
              <List.Item>
                <Space align="start">
                  {turn.who === 'robot' ? <RobotOutlined /> : <UserOutlined />}
                  <Typography.Text type={turn.who === 'robot' ? 'secondary' : undefined}>{turn.text}</Typography.Text>
                </Space>
              </List.Item>
            )}
          />
          {outcome ? (
            <Alert
              type={outcome.result === 'satisfied' ? 'success' : 'warning'}
              showIcon
              data-testid="robot-outcome"
              message={
                <Space>
                  {t('tickets.robot.finished')}
                  <Tag>{t(`tickets.callback.result.${outcome.result}`, { defaultValue: outcome.result })}</Tag>
                </Space>
              }
            />
          ) : (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                {DTMF.map(([digit, verdict]) => (
                  <Button key={digit} size="small" disabled={busy} onClick={() => fire(send(digit))}>
                    {t(`tickets.robot.quick.${verdict}`)} ({digit})
                  </Button>
                ))}
              </Space>
              <Space.Compact style={{ width: '100%' }}>
                <Input value={text} onChange={(e) => setText(e.target.value)} onPressEnter={() => fire(send(text))} placeholder={t('tickets.robot.placeholder')} data-testid="robot-input" />
                <Button type="primary" loading={busy} onClick={() => fire(send(text))} data-testid="robot-send">
                  {t('tickets.robot.send')}
                </Button>
              </Space.Compact>
            </Space>
          )}
        </>
      )}
    </div>
  );
}
