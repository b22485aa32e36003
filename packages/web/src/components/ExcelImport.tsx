import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, Button, Checkbox, Modal, Progress, Result, Space, Table, TreeSelect, Typography, Upload } from 'antd';
import { DownloadOutlined, FileExcelOutlined, InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { API_BASE, ApiError, api, buildQuery, download, getToken, isApiError, type Problem, type Query } from '../api/client';
import { getMessage } from '../api/feedback';
import type { TreeOption } from './useTenantTree';

/**
 * The Excel workflow shared by the catalogue pages: the raw .xlsx is POSTed as the request body,
 * the server answers 202 with an import job, and the dialog polls GET /api/v1/imports/:id until the
 * job has succeeded (counts) or failed (every rejected cell with its line, column and reason).
 * Template and export downloads go through the client's authenticated fetch + blob download.
 * Shared words live in i18n/features/excel.json; each page supplies only its own hint and texts.
 */

/** One rejected cell: the sheet line, the column header and why. */
export interface ImportRowError {
  line: number;
  column: string;
  reason: string;
}

/** An import job as answered by the upload (202) and by GET /api/v1/imports/:id. */
export interface ImportJob {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  total: number;
  processed: number;
  created: number;
  updated: number;
  errors: ImportRowError[];
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const FIRST_POLL_MS = 300;
const POLL_MS = 800;

type QuerySource = Query | (() => Query);
const resolveQuery = (query: QuerySource | undefined): Query | undefined => (typeof query === 'function' ? query() : query);

/** The raw .xlsx goes up as the body (the shared client only sends JSON). */
async function uploadXlsx(path: string, query: Query, file: File): Promise<ImportJob> {
  const token = getToken();
  const res = await fetch(`${API_BASE}${path}${buildQuery(query)}`, {
    method: 'POST',
    headers: { 'Content-Type': XLSX_MIME, Accept: 'application/json, application/problem+json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: file,
  });
  const body: unknown = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body as Problem);
  return body as ImportJob;
}

/** Follows one job at a time; `lost` is set when polling failed (the client has shown why). */
function useImportJob(onSucceeded: (job: ImportJob) => void) {
  const [job, setJob] = useState<ImportJob | null>(null);
  const [lost, setLost] = useState(false);
  const timer = useRef<number>();
  // Bumped on reset and unmount, so an answer still in flight is dropped.
  const generation = useRef(0);
  const succeeded = useRef(onSucceeded);
  succeeded.current = onSucceeded;

  const stop = () => {
    generation.current += 1;
    window.clearTimeout(timer.current);
  };
  useEffect(
    () => () => {
      generation.current += 1;
      window.clearTimeout(timer.current);
    },
    [],
  );

  function follow(started: ImportJob) {
    stop();
    const mine = generation.current;
    setJob(started);
    setLost(false);
    const poll = async () => {
      try {
        const next = await api.get<ImportJob>(`/imports/${encodeURIComponent(started.id)}`);
        if (mine !== generation.current) return;
        setJob(next);
        if (next.status === 'running') timer.current = window.setTimeout(() => void poll(), POLL_MS);
        else if (next.status === 'succeeded') succeeded.current(next);
      } catch {
        if (mine === generation.current) setLost(true);
      }
    };
    timer.current = window.setTimeout(() => void poll(), FIRST_POLL_MS);
  }

  function reset() {
    stop();
    setJob(null);
    setLost(false);
  }

  return { job, lost, follow, reset };
}

// ---------------------------------------------------------------- downloads

export interface ExcelDownloadButtonProps {
  /** Picks the icon and the default label (excel.template / excel.export). */
  kind: 'template' | 'export';
  /** Endpoint below /api/v1, e.g. '/enterprises/export'. */
  path: string;
  /** Query string; a function is read at click time (e.g. the table's current filters). */
  query?: QuerySource;
  /** Used when the answer has no Content-Disposition file name. */
  fileName: string;
  testId?: string;
  children?: ReactNode;
}

/** Downloads an .xlsx from an authenticated endpoint; spins while the file is being fetched. */
export function ExcelDownloadButton({ kind, path, query, fileName, testId, children }: ExcelDownloadButtonProps) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);

  async function run() {
    setBusy(true);
    try {
      await download(path, resolveQuery(query), fileName);
    } catch (e) {
      if (!(isApiError(e) && e.handled)) getMessage().error(t('error.unknown'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Button icon={kind === 'template' ? <FileExcelOutlined /> : <DownloadOutlined />} loading={busy} onClick={() => void run()} data-testid={testId}>
      {children ?? t(kind === 'template' ? 'excel.template' : 'excel.export')}
    </Button>
  );
}

// ---------------------------------------------------------------- import

export interface ExcelImportButtonProps {
  /** Upload endpoint below /api/v1, e.g. '/enterprises/import'. */
  importUrl: string;
  /** Fixed query parameters of the upload (e.g. { listType }). */
  query?: Query;
  /** What the file must contain; shown at the top of the dialog. */
  hint: ReactNode;
  /** A tenant picker in the dialog; its value goes up as ?tenantId=. Follows defaultValue when that changes. */
  tenantPicker?: { label: ReactNode; treeData: TreeOption[]; defaultValue?: string };
  /** Checkboxes in the dialog, each sent as ?<param>=true|false. */
  toggles?: { param: string; label: ReactNode }[];
  /** A template download offered inside the dialog. */
  template?: { path: string; query?: QuerySource; fileName: string };
  /** Text of the success result; defaults to "import finished" with the total/created/updated counts. */
  successText?: (job: ImportJob) => { title: ReactNode; subTitle?: ReactNode };
  /** Called once when a job has succeeded (a failed job writes nothing), e.g. to reload the table. */
  onDone: (job: ImportJob) => void;
  /**
   * data-testid prefix: `${p}-import` (button), `${p}-import-progress`, `${p}-import-errors`,
   * `${p}-import-tenant` and `${p}-import-template`.
   */
  testIdPrefix: string;
  /** Overrides for ids that do not follow the prefix pattern. */
  testIds?: Partial<Record<'button' | 'progress' | 'errors', string>>;
}

interface TestIds {
  button: string;
  progress: string;
  errors: string;
}

/** Import button and dialog: optional tenant / options, .xlsx drop zone, progress, result or error table. */
export function ExcelImportButton({ importUrl, query, hint, tenantPicker, toggles = [], template, successText, onDone, testIdPrefix, testIds }: ExcelImportButtonProps) {
  const { t } = useTranslation();
  const ids: TestIds = { button: `${testIdPrefix}-import`, progress: `${testIdPrefix}-import-progress`, errors: `${testIdPrefix}-import-errors`, ...testIds };
  const [open, setOpen] = useState(false);
  const [tenantId, setTenantId] = useState<string | undefined>(tenantPicker?.defaultValue);
  const [flags, setFlags] = useState<Record<string, boolean>>({});
  const [uploading, setUploading] = useState(false);
  const { job, lost, follow, reset } = useImportJob(onDone);
  const running = uploading || (job?.status === 'running' && !lost);
  const defaultTenantId = tenantPicker?.defaultValue;
  useEffect(() => setTenantId(defaultTenantId), [defaultTenantId]);

  async function start(file: File) {
    setUploading(true);
    try {
      const params: Query = { ...query };
      if (tenantPicker) params.tenantId = tenantId;
      for (const toggle of toggles) params[toggle.param] = flags[toggle.param] === true;
      follow(await uploadXlsx(importUrl, params, file));
    } catch (e) {
      getMessage().error((e instanceof ApiError && e.detail) || t('error.unknown'));
    } finally {
      setUploading(false);
    }
  }

  function close() {
    setOpen(false);
    reset();
  }

  return (
    <>
      <Button icon={<UploadOutlined />} onClick={() => setOpen(true)} data-testid={ids.button}>
        {t('excel.import')}
      </Button>
      <Modal open={open} title={t('excel.import')} width={720} footer={null} maskClosable={!running} closable={!running} keyboard={!running} onCancel={close} destroyOnHidden>
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {hint}
          </Typography.Paragraph>
          {tenantPicker && (
            <Space>
              <Typography.Text>{tenantPicker.label}</Typography.Text>
              <TreeSelect
                style={{ minWidth: 260 }}
                value={tenantId}
                onChange={(v: string) => setTenantId(v)}
                treeData={tenantPicker.treeData}
                showSearch
                treeNodeFilterProp="title"
                disabled={running}
                popupMatchSelectWidth={false}
                data-testid={`${testIdPrefix}-import-tenant`}
              />
            </Space>
          )}
          {(template || toggles.length > 0) && (
            <Space wrap>
              {template && <ExcelDownloadButton kind="template" path={template.path} query={template.query} fileName={template.fileName} testId={`${testIdPrefix}-import-template`} />}
              {toggles.map((toggle) => (
                <Checkbox key={toggle.param} checked={flags[toggle.param] === true} onChange={(e) => setFlags((f) => ({ ...f, [toggle.param]: e.target.checked }))} disabled={running}>
                  {toggle.label}
                </Checkbox>
              ))}
            </Space>
          )}
          {job ? (
            <ImportOutcome job={job} lost={lost} ids={ids} successText={successText} onAgain={reset} />
          ) : (
            <Upload.Dragger
              accept=".xlsx"
              maxCount={1}
              showUploadList={false}
              disabled={running}
              beforeUpload={(file) => {
                void start(file);
                return false;
              }}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t('excel.importDrop')}</p>
            </Upload.Dragger>
          )}
        </Space>
      </Modal>
    </>
  );
}

function ImportOutcome({
  job,
  lost,
  ids,
  successText,
  onAgain,
}: {
  job: ImportJob;
  lost: boolean;
  ids: TestIds;
  successText?: ExcelImportButtonProps['successText'];
  onAgain: () => void;
}) {
  const { t } = useTranslation();
  const again = <Button onClick={onAgain}>{t('excel.importAgain')}</Button>;

  if (job.status === 'running') {
    const percent = job.total > 0 ? Math.round((job.processed / job.total) * 100) : 0;
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        <Progress percent={percent} status={lost ? 'exception' : 'active'} data-testid={ids.progress} />
        {lost && again}
      </Space>
    );
  }

  if (job.status === 'succeeded') {
    const text = successText?.(job) ?? { title: t('excel.importDone'), subTitle: t('excel.importCounts', { total: job.total, created: job.created, updated: job.updated }) };
    return <Result status="success" title={text.title} subTitle={text.subTitle} extra={again} />;
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert type="error" showIcon message={t('excel.importFailed', { count: job.errors.length })} />
      <Table<ImportRowError>
        size="small"
        rowKey={(e) => `${e.line}-${e.column}-${e.reason}`}
        dataSource={job.errors}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        data-testid={ids.errors}
        columns={[
          { title: t('excel.errorLine'), dataIndex: 'line', width: 80 },
          { title: t('excel.errorColumn'), dataIndex: 'column', width: 160 },
          { title: t('excel.errorReason'), dataIndex: 'reason' },
        ]}
      />
      {again}
    </Space>
  );
}
