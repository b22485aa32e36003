import { useState } from 'react';
import { Alert, Button, Descriptions, Empty, Input, List, Progress, Space, Tag, Typography } from 'antd';
import { ThunderboltOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';

/** What POST /api/v1/assist/analyse answers (the fields this panel shows). */
export interface AssistAnalysis {
  engine: 'offline' | 'llm';
  elapsedMs: number;
  intent: { label: string; probability: number | null };
  region: { code: string; name: string; text: string } | null;
  items: { itemId: string; name: string; probability: number }[];
  units: { unitId: string; orgId: string | null; unitName: string; tenantName: string | null; probability: number; reasons: string[] }[];
  dispatchDecision: { auto: boolean; reason: string };
  title: string;
  summary: { text: string; keywords: string[] };
  sentiment: { label?: string; urgent?: boolean };
  sensitive: { word: string }[];
  similar: { id: string; no: string; title: string; score: number }[];
  elements: { times?: { text: string }[]; persons?: { name: string }[]; phones?: { value: string }[] };
  fill: SmartFill;
  warnings: string[];
}

export interface SmartFill {
  title: string;
  content: string;
  itemId: string | null;
  kind: string | null;
  urgency: 'urgent' | null;
  regionCode: string | null;
  regionName: string | null;
  address: string | null;
  citizen: { name: string | null; phone: string | null; idNo: string | null; gender: 'M' | 'F' | null };
}

const pct = (p: number) => Math.round(p * 100);

/**
 * 智能填单 (demo ① step 2): the agent pastes or types what the citizen said, the offline engine
 * extracts elements, the item type and 1–3 handling units, and one click copies them into the
 * registration form, where every field stays editable.
 */
export function SmartFillPanel({ initialText, onFill }: { initialText: () => string; onFill: (fill: SmartFill, analysis: AssistAnalysis) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AssistAnalysis | null>(null);

  const analyse = async () => {
    const source = text.trim() || initialText().trim();
    if (!source) return;
    setBusy(true);
    try {
      setResult(await api.post<AssistAnalysis>('/assist/analyse', { text: source }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="smart-fill">
      <Input.TextArea rows={4} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('assist.placeholder')} maxLength={20000} />
      <Space wrap>
        <Button icon={<ThunderboltOutlined />} loading={busy} onClick={() => void analyse()} data-testid="smart-analyse">
          {t('assist.analyse')}
        </Button>
        {result && (
          <Button type="primary" onClick={() => onFill(result.fill, result)} data-testid="smart-fill-apply">
            {t('assist.apply')}
          </Button>
        )}
      </Space>
      {result && <AnalysisView result={result} />}
    </Space>
  );
}

function AnalysisView({ result }: { result: AssistAnalysis }) {
  const { t } = useTranslation();
  const f = result.fill;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Tag color="blue">{t('assist.intent')}：{result.intent.label}</Tag>
        {result.sentiment.urgent && <Tag color="red">{t('assist.urgent')}</Tag>}
        <Typography.Text type="secondary">
          {t('assist.engine.' + result.engine)} · {result.elapsedMs} ms
        </Typography.Text>
      </Space>
      {result.warnings.map((w) => (
        <Alert key={w} type="warning" showIcon message={w} />
      ))}
      <Descriptions size="small" column={1} bordered title={t('assist.elements')}>
        <Descriptions.Item label={t('assist.citizen')}>{f.citizen.name ?? '-'}</Descriptions.Item>
        <Descriptions.Item label={t('assist.phone')}>{f.citizen.phone ?? '-'}</Descriptions.Item>
        <Descriptions.Item label={t('assist.address')}>{f.regionName ? `${f.regionName} ${f.address ?? ''}` : '-'}</Descriptions.Item>
        <Descriptions.Item label={t('assist.time')}>{result.elements.times?.map((x) => x.text).join('、') || '-'}</Descriptions.Item>
        <Descriptions.Item label={t('assist.title')}>{f.title || '-'}</Descriptions.Item>
      </Descriptions>
      <Typography.Text strong>{t('assist.items')}</Typography.Text>
      {result.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <List size="small" dataSource={result.items} renderItem={(i) => (
          <List.Item>
            <Space direction="vertical" style={{ width: '100%' }} size={0}>
              <Typography.Text>{i.name}</Typography.Text>
              <Progress percent={pct(i.probability)} size="small" />
            </Space>
          </List.Item>
        )} />
      )}
      <Typography.Text strong>{t('assist.units')}</Typography.Text>
      <List size="small" dataSource={result.units} locale={{ emptyText: t('assist.noUnits') }} renderItem={(u, idx) => (
        <List.Item>
          <Space direction="vertical" size={0}>
            <Typography.Text>
              {idx + 1}. {u.unitName}
              {u.tenantName ? <Typography.Text type="secondary">（{u.tenantName}）</Typography.Text> : null} <Tag>{pct(u.probability)}%</Tag>
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {u.reasons.join('；')}
            </Typography.Text>
          </Space>
        </List.Item>
      )} />
      <Typography.Text type="secondary">{result.dispatchDecision.reason}</Typography.Text>
      {result.sensitive.length > 0 && (
        <Alert type="info" showIcon message={t('assist.sensitive', { words: result.sensitive.map((s) => s.word).join('、') })} />
      )}
      {result.similar.length > 0 && (
        <Alert
          type="warning"
          showIcon
          message={t('assist.similar')}
          description={result.similar.map((s) => (
            <div key={s.id}>
              <a href={`/tickets/${s.id}`} target="_blank" rel="noreferrer">
                {s.no}
              </a>{' '}
              {s.title}
            </div>
          ))}
        />
      )}
    </Space>
  );
}
