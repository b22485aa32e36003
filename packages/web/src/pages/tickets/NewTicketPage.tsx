import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { PageContainer } from '@ant-design/pro-components';
import { Button, Card, Col, Form, Input, InputNumber, Result, Row, Select, Space, Switch, Tag, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import { useAuth } from '../../auth/AuthContext';
import { AttachmentUpload } from './components/AttachmentUpload';
import { CallerHistory, type CitizenHistory } from './components/CallerHistory';
import { DispatchDrawer } from './components/DispatchDrawer';
import { ItemFormFields } from './components/ItemFormFields';
import { ItemPicker } from './components/ItemPicker';
import { MyDraftsDrawer } from './components/MyDraftsDrawer';
import { RegionSelect } from './components/RegionSelect';
import { MapPointPicker } from './components/MapPointPicker';
import { SmartFillPanel, type AssistAnalysis, type SmartFill } from './components/SmartFillPanel';
import { TextActionModal } from './components/TextActionModal';
import { ticketApi } from './components/ticketApi';
import type { AttachmentRef, CallbackMode, TicketDetail, Urgency } from './components/types';
import { fire } from './components/fire';
import { RecommendPanel } from '../knowledge/RecommendPanel';

interface Values {
  phone?: string;
  citizenName?: string;
  gender?: string;
  idNo?: string;
  kind?: string;
  itemId?: string | null;
  title?: string;
  content?: string;
  urgency: Urgency;
  confidential: boolean;
  callbackMode: CallbackMode;
  enterpriseRelated: boolean;
  enterpriseName?: string;
  regionCode?: string | null;
  regionName?: string | null;
  address?: string;
  lat?: number | null;
  lng?: number | null;
  tags?: string[];
  attachments?: AttachmentRef[];
  formData?: Record<string, FieldValue>;
}

type FieldValue = string | number | boolean | null;

const isFieldValue = (v: unknown): v is FieldValue => v === null || ['string', 'number', 'boolean'].includes(typeof v);

interface Saved {
  id: string;
  no: string;
  status: string;
}

const KINDS = ['consult', 'help', 'complaint', 'report', 'suggest', 'praise'] as const;
const INITIAL: Values = { urgency: 'normal', confidential: false, callbackMode: 'default', enterpriseRelated: false, tags: [], attachments: [] };
const AUTOSAVE_MS = 3000;

/** A stored draft back into the form (gender and ID number are not returned by the detail API). */
function fromDetail(d: TicketDetail): Values {
  return {
    phone: d.citizenPhone ?? undefined,
    citizenName: d.citizenName || undefined,
    kind: d.kind ?? undefined,
    itemId: d.itemId,
    title: d.title,
    content: d.content,
    urgency: d.urgency,
    confidential: d.confidential,
    callbackMode: d.callbackMode,
    enterpriseRelated: d.enterpriseRelated,
    enterpriseName: d.enterpriseName ?? undefined,
    regionCode: d.regionCode,
    regionName: d.regionName,
    address: d.address ?? undefined,
    lat: d.lat,
    lng: d.lng,
    tags: d.tags,
    attachments: d.attachments,
    formData: Object.fromEntries(Object.entries(d.formData ?? {}).filter((e): e is [string, FieldValue] => isFieldValue(e[1]))),
  };
}

function toBody(v: Values) {
  const citizen = { name: v.citizenName?.trim() || undefined, phone: v.phone?.trim() || undefined, gender: v.gender || undefined, idNo: v.idNo?.trim() || undefined };
  return {
    channel: 'phone',
    kind: v.kind || undefined,
    title: v.title?.trim() ?? '',
    content: v.content?.trim() ?? '',
    itemId: v.itemId ?? null,
    urgency: v.urgency,
    confidential: v.confidential,
    callbackMode: v.callbackMode,
    citizen,
    enterpriseRelated: v.enterpriseRelated,
    enterpriseName: v.enterpriseName?.trim() || null,
    regionCode: v.regionCode ?? null,
    regionName: v.regionName ?? null,
    address: v.address?.trim() || null,
    lat: v.lat ?? null,
    lng: v.lng ?? null,
    formData: v.formData ?? {},
    tags: v.tags ?? [],
    attachmentIds: (v.attachments ?? []).map((a) => a.id),
  };
}

/** 工单登记: caller lookup with history, demand and item, address, files; draft autosave. */
export default function NewTicketPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [history, setHistory] = useState<CitizenHistory | null>(null);
  const [draft, setDraft] = useState<Saved | null>(null);
  const [registered, setRegistered] = useState<Saved | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [autosavedAt, setAutosavedAt] = useState<Date | null>(null);
  const [dispatching, setDispatching] = useState<{ id: string; no: string; title: string } | null>(null);
  const [answering, setAnswering] = useState(false);
  const [showMine, setShowMine] = useState(false);
  const [suggestedItems, setSuggestedItems] = useState<{ id: string; name: string }[]>([]);
  // Knowledge inserted from 知识推荐 becomes the start of the 直接答复 text, and its ids go with the answer.
  const [answerDraft, setAnswerDraft] = useState<{ text: string; knowledgeIds: string[] }>({ text: '', knowledgeIds: [] });
  const [params, setParams] = useSearchParams();
  const itemId = Form.useWatch('itemId', form);
  const lat = Form.useWatch('lat', form);
  const lng = Form.useWatch('lng', form);
  const content = Form.useWatch('content', form);
  const title = Form.useWatch('title', form);
  const timer = useRef<number>();
  const draftRef = useRef<Saved | null>(null);
  const saving = useRef(false);
  draftRef.current = draft;

  useEffect(() => () => window.clearTimeout(timer.current), []);

  /** Opens a stored draft (from 我的登记 or /tickets/new?draft=ID) for editing. */
  async function resume(id: string) {
    window.clearTimeout(timer.current);
    const d = await ticketApi.get(id);
    if (d.status !== 'draft') {
      navigate(`/tickets/${d.id}`);
      return;
    }
    form.resetFields();
    form.setFieldsValue(fromDetail(d));
    const saved = { id: d.id, no: d.no, status: d.status };
    setDraft(saved);
    draftRef.current = saved;
    setRegistered(null);
    setShowMine(false);
  }
  const draftParam = params.get('draft');
  useEffect(() => {
    if (!draftParam) return;
    fire(resume(draftParam));
    setParams({}, { replace: true });
  }, [draftParam]);

  async function lookup() {
    const phone = (form.getFieldValue('phone') as string | undefined)?.trim();
    if (!phone || !/^[0-9+\- ]{5,20}$/.test(phone)) return;
    const h = await api.get<CitizenHistory>('/citizens/history', { phone }, { silent: true });
    setHistory(h);
    if (h.citizen && !form.getFieldValue('citizenName')) form.setFieldsValue({ citizenName: h.citizen.name, gender: h.citizen.gender ?? undefined });
  }

  /** Creates the draft on first save, then patches it. */
  async function saveDraft(quiet: boolean): Promise<Saved | null> {
    if (saving.current) return draftRef.current;
    const body = toBody(form.getFieldsValue(true) as Values);
    saving.current = true;
    try {
      const current = draftRef.current;
      const saved = current
        ? { ...current, ...(await api.patch<Saved>(`/tickets/${current.id}`, body, { silent: quiet })) }
        : await api.post<Saved>('/tickets', { ...body, draft: true }, { silent: quiet });
      setDraft(saved);
      draftRef.current = saved;
      setAutosavedAt(new Date());
      if (!quiet) getMessage().success(t('tickets.new.draftSaved', { no: saved.no }));
      return saved;
    } catch {
      return null;
    } finally {
      saving.current = false;
    }
  }

  function scheduleAutosave() {
    window.clearTimeout(timer.current);
    if (registered) return;
    timer.current = window.setTimeout(() => {
      const v = form.getFieldsValue(true) as Values;
      if (v.title?.trim() || v.content?.trim()) fire(saveDraft(true));
    }, AUTOSAVE_MS);
  }

  async function register(): Promise<Saved | null> {
    window.clearTimeout(timer.current);
    const v = await form.validateFields();
    // An autosave in flight may be creating the draft: wait for it so we register that one.
    while (saving.current) await new Promise((r) => window.setTimeout(r, 50));
    const body = toBody({ ...(form.getFieldsValue(true) as Values), ...v });
    setBusy('register');
    try {
      const current = draftRef.current;
      const saved = current ? { ...current, ...(await api.patch<Saved>(`/tickets/${current.id}`, { ...body, register: true })) } : await api.post<Saved>('/tickets', body);
      setRegistered(saved);
      setDraft(null);
      getMessage().success(t('tickets.new.registered', { no: saved.no }));
      return saved;
    } finally {
      setBusy(null);
    }
  }

  async function registerAndDispatch() {
    const title = String(form.getFieldValue('title') ?? '');
    const saved = await register();
    if (saved) setDispatching({ id: saved.id, no: saved.no, title });
  }

  async function answerDirectly(answer: string) {
    const saved = registered ?? (await register());
    if (!saved) return;
    const knowledgeIds = answerDraft.knowledgeIds.slice(0, 10);
    await ticketApi.action(saved.id, 'answer', knowledgeIds.length ? { answer, knowledgeIds } : { answer });
    setAnswerDraft({ text: '', knowledgeIds: [] });
    getMessage().success(t('tickets.new.answered', { no: saved.no }));
    setAnswering(false);
    setRegistered({ ...saved, status: 'callback' });
  }

  async function copy() {
    if (!registered) return;
    const fresh = await ticketApi.action<Saved>(registered.id, 'copy');
    getMessage().success(t('tickets.copy.done', { no: fresh.no }));
    navigate(`/tickets/${fresh.id}`);
  }

  function startOver() {
    form.resetFields();
    setRegistered(null);
    setDraft(null);
    setHistory(null);
    setAutosavedAt(null);
    setAnswerDraft({ text: '', knowledgeIds: [] });
  }

  function insertKnowledge(id: string, text: string) {
    setAnswerDraft((d) => ({
      text: d.text.includes(text) ? d.text : d.text.trim() ? `${d.text.trim()}\n\n${text}` : text,
      knowledgeIds: d.knowledgeIds.includes(id) ? d.knowledgeIds : [...d.knowledgeIds, id],
    }));
    setAnswering(true);
  }

  if (registered) {
    return (
      <PageContainer title={t('menu.tickets.new')}>
        <Result
          status="success"
          title={t('tickets.new.registered', { no: registered.no })}
          subTitle={<span data-testid="registered-no">{registered.no}</span>}
          extra={[
            <Button key="detail" type="primary" onClick={() => navigate(`/tickets/${registered.id}`)} data-testid="open-detail">
              {t('tickets.new.openDetail')}
            </Button>,
            <Button key="copy" onClick={() => fire(copy())} data-testid="copy-ticket">
              {t('tickets.action.copy')}
            </Button>,
            <Button key="again" onClick={startOver}>
              {t('tickets.new.again')}
            </Button>,
          ]}
        />
        <DispatchDrawer ticket={dispatching} onClose={() => setDispatching(null)} onDone={() => setDispatching(null)} />
      </PageContainer>
    );
  }

  const required = (message: string) => [{ required: true, whitespace: true, message }];

  /** 一键填入: suggested values go into the form; the agent checks and edits before registering. */
  const applyFill = (fill: SmartFill, analysis: AssistAnalysis) => {
    setSuggestedItems(analysis.items.map((i) => ({ id: i.itemId, name: i.name })));
    const current = form.getFieldsValue();
    form.setFieldsValue({
      title: fill.title || current.title,
      content: current.content?.trim() ? current.content : fill.content,
      itemId: fill.itemId ?? current.itemId,
      kind: fill.kind ?? current.kind,
      urgency: fill.urgency ?? current.urgency,
      regionCode: fill.regionCode ?? current.regionCode,
      regionName: fill.regionName ?? current.regionName,
      address: fill.address ?? current.address,
      citizenName: fill.citizen.name ?? current.citizenName,
      phone: current.phone || fill.citizen.phone || undefined,
      idNo: fill.citizen.idNo ?? current.idNo,
      gender: fill.citizen.gender ?? current.gender,
    });
    getMessage().success(t("assist.filled"));
  };
  return (
    <PageContainer
      title={t('menu.tickets.new')}
      extra={
        <Space wrap>
          <Button onClick={() => setShowMine(true)} data-testid="my-drafts">
            {t('tickets.box.mine')}
          </Button>
          {draft && <Tag color="blue">{t('tickets.new.draftNo', { no: draft.no })}</Tag>}
          {autosavedAt && <Typography.Text type="secondary">{t('tickets.new.autosaved', { time: autosavedAt.toLocaleTimeString() })}</Typography.Text>}
        </Space>
      }
    >
      <Form form={form} layout="vertical" initialValues={INITIAL} onValuesChange={scheduleAutosave}>
        <Row gutter={16}>
          <Col xs={24} lg={16}>
            <Card size="small" title={t('tickets.new.citizen')} style={{ marginBottom: 16 }}>
              <Row gutter={16}>
                <Col xs={24} md={8}>
                  <Form.Item name="phone" label={t('tickets.field.phone')} rules={[{ pattern: /^[0-9+\- ]{5,20}$/, message: t('tickets.field.phoneInvalid') }]}>
                    <Input
                      data-testid="field-phone"
                      onPressEnter={() => fire(lookup())}
                      onBlur={() => fire(lookup())}
                      suffix={<SearchOutlined onClick={() => fire(lookup())} />}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={6}>
                  <Form.Item name="citizenName" label={t('tickets.field.citizenName')}>
                    <Input maxLength={50} data-testid="field-citizen-name" />
                  </Form.Item>
                </Col>
                <Col xs={12} md={4}>
                  <Form.Item name="gender" label={t('tickets.field.gender')}>
                    <Select allowClear options={['M', 'F', 'U'].map((g) => ({ value: g, label: t(`tickets.gender.${g}`) }))} />
                  </Form.Item>
                </Col>
                <Col xs={12} md={6}>
                  <Form.Item name="idNo" label={t('tickets.field.idNo')} rules={[{ pattern: /^[0-9]{17}[0-9Xx]$/, message: t('tickets.field.idNoInvalid') }]}>
                    <Input maxLength={18} />
                  </Form.Item>
                </Col>
              </Row>
            </Card>
            <Card size="small" title={t('tickets.new.demand')} style={{ marginBottom: 16 }}>
              <Row gutter={16}>
                <Col xs={24} md={8}>
                  <Form.Item name="kind" label={t('tickets.field.kind')}>
                    <Select allowClear options={KINDS.map((k) => ({ value: k, label: t(`tickets.kind.${k}`) }))} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={16}>
                  <Form.Item name="itemId" label={t('tickets.field.item')}>
                    <ItemPicker known={suggestedItems} />
                  </Form.Item>
                </Col>
              </Row>
              <ItemFormFields itemId={itemId} />
              <Form.Item name="title" label={t('tickets.field.title')} rules={required(t('tickets.field.titleRequired'))}>
                <Input maxLength={200} data-testid="field-title" />
              </Form.Item>
              <Form.Item name="content" label={t('tickets.field.content')} rules={required(t('tickets.field.contentRequired'))}>
                <Input.TextArea rows={5} maxLength={20000} showCount data-testid="field-content" />
              </Form.Item>
              <Row gutter={16}>
                <Col xs={12} md={6}>
                  <Form.Item name="urgency" label={t('tickets.field.urgency')}>
                    <Select options={(['normal', 'urgent', 'critical'] as const).map((u) => ({ value: u, label: t(`tickets.urgency.${u}`) }))} />
                  </Form.Item>
                </Col>
                <Col xs={12} md={6}>
                  <Form.Item name="callbackMode" label={t('tickets.field.callbackMode')}>
                    <Select options={(['default', 'manual', 'sms', 'robot', 'none'] as const).map((m) => ({ value: m, label: t(`tickets.callbackMode.${m}`) }))} />
                  </Form.Item>
                </Col>
                <Col xs={12} md={6}>
                  <Form.Item name="confidential" label={t('tickets.field.confidential')} valuePropName="checked">
                    <Switch />
                  </Form.Item>
                </Col>
                <Col xs={12} md={6}>
                  <Form.Item name="enterpriseRelated" label={t('tickets.enterpriseRelated')} valuePropName="checked">
                    <Switch />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="enterpriseName" label={t('tickets.field.enterprise')}>
                <Input maxLength={200} />
              </Form.Item>
            </Card>
            <Card size="small" title={t('tickets.new.location')} style={{ marginBottom: 16 }}>
              <Row gutter={16}>
                <Col xs={24} md={8}>
                  <Form.Item name="regionCode" label={t('tickets.field.region')}>
                    <RegionSelect onName={(name) => form.setFieldValue('regionName', name)} />
                  </Form.Item>
                  <Form.Item name="regionName" hidden>
                    <Input />
                  </Form.Item>
                </Col>
                <Col xs={24} md={16}>
                  <Form.Item name="address" label={t('tickets.field.address')}>
                    <Input maxLength={300} />
                  </Form.Item>
                </Col>
                <Col xs={24}>
                  <MapPointPicker lat={lat} lng={lng} onPick={(a, b) => form.setFieldsValue({ lat: a, lng: b })} />
                </Col>
                <Col xs={12} md={8}>
                  <Form.Item name="lat" label={t('tickets.field.lat')}>
                    <InputNumber min={-90} max={90} step={0.000001} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={12} md={8}>
                  <Form.Item name="lng" label={t('tickets.field.lng')}>
                    <InputNumber min={-180} max={180} step={0.000001} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
              </Row>
            </Card>
            <Card size="small" title={t('tickets.new.more')} style={{ marginBottom: 16 }}>
              <Form.Item name="tags" label={t('tickets.field.tags')}>
                <Select mode="tags" maxCount={10} tokenSeparators={[',', '，']} />
              </Form.Item>
              <Form.Item name="attachments" label={t('tickets.attachments')}>
                <AttachmentUpload />
              </Form.Item>
            </Card>
          </Col>
          <Col xs={24} lg={8}>
            {can('assist:use') && (
              <Card size="small" title={t('assist.panel')} style={{ marginBottom: 16 }}>
                <SmartFillPanel initialText={() => String(form.getFieldValue('content') ?? '')} onFill={applyFill} />
              </Card>
            )}
            {can('kb:read') && <RecommendPanel text={[title, content].filter(Boolean).join('\n')} itemId={itemId} ticketId={draft?.id} onInsert={insertKnowledge} />}
            <Card size="small" title={t('tickets.history.title')} style={{ marginBottom: 16 }}>
              {history ? <CallerHistory history={history} /> : <Typography.Text type="secondary">{t('tickets.history.hint')}</Typography.Text>}
            </Card>
          </Col>
        </Row>
        <Space wrap style={{ position: 'sticky', bottom: 0, padding: '12px 0', background: 'var(--ant-color-bg-layout, #f5f5f5)', width: '100%' }}>
          <Button onClick={() => fire(saveDraft(false))} data-testid="save-draft">
            {t('tickets.new.saveDraft')}
          </Button>
          <Button type="primary" loading={busy === 'register'} onClick={() => fire(register())} data-testid="register">
            {t('tickets.new.register')}
          </Button>
          {can('ticket:dispatch') && (
            <Button onClick={() => fire(registerAndDispatch())} data-testid="register-dispatch">
              {t('tickets.new.registerAndDispatch')}
            </Button>
          )}
          <Button onClick={() => setAnswering(true)} data-testid="direct-answer">
            {t('tickets.action.direct_answer')}
          </Button>
        </Space>
      </Form>
      <MyDraftsDrawer open={showMine} onClose={() => setShowMine(false)} onResume={(id) => fire(resume(id))} />
      <TextActionModal open={answering} title={t('tickets.textAction.answer')} label={t('tickets.textAction.answer.label')} onClose={() => setAnswering(false)} onSubmit={answerDirectly} initialText={answerDraft.text} maxLength={5000} />
    </PageContainer>
  );
}
