import { useState } from 'react';
import { Button, Upload, type UploadFile } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../../api/feedback';
import { download, isApiError } from '../../../api/client';
import { uploadAttachment } from './ticketApi';
import type { AttachmentRef } from './types';

/** Form control: uploads each file at once and keeps the list of stored attachments. */
export function AttachmentUpload({ value, onChange, testId, max = 10 }: { value?: AttachmentRef[]; onChange?: (v: AttachmentRef[]) => void; testId?: string; max?: number }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(0);
  const list = value ?? [];
  const files: UploadFile[] = list.map((a) => ({ uid: a.id, name: a.name, status: 'done' }));
  return (
    <Upload
      data-testid={testId}
      fileList={files}
      multiple
      maxCount={max}
      beforeUpload={(file) => {
        setBusy((n) => n + 1);
        uploadAttachment(file)
          .then((a) => onChange?.([...(value ?? []), a]))
          .catch((e: unknown) => getMessage().error(isApiError(e) ? e.detail : t('tickets.upload.failed')))
          .finally(() => setBusy((n) => n - 1));
        return false;
      }}
      onRemove={(f) => {
        onChange?.(list.filter((a) => a.id !== f.uid));
        return true;
      }}
    >
      <Button icon={<UploadOutlined />} loading={busy > 0}>
        {t('tickets.upload.button')}
      </Button>
    </Upload>
  );
}

/** Links that download stored attachments with the session token. */
export function AttachmentLinks({ items }: { items: AttachmentRef[] | null | undefined }) {
  const { t } = useTranslation();
  if (!items || items.length === 0) return null;
  return (
    <span>
      {t('tickets.attachments')}:{' '}
      {items.map((a) => (
        <AttachmentLink key={a.id} item={a} />
      ))}
    </span>
  );
}

function AttachmentLink({ item }: { item: AttachmentRef }) {
  const open = () => {
    void download(`/tickets/attachments/${encodeURIComponent(item.id)}`, undefined, item.name).catch(() => undefined);
  };
  return (
    <Button type="link" size="small" onClick={open} style={{ paddingInline: 4 }}>
      {item.name}
    </Button>
  );
}
