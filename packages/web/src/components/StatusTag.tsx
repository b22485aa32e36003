import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const COLORS: Record<string, string> = {
  active: 'success',
  enabled: 'success',
  success: 'success',
  ok: 'success',
  disabled: 'default',
  locked: 'error',
  failure: 'error',
  failed: 'error',
};

/** Coloured tag for status/result values, translated through `status.<value>`. */
export function StatusTag({ value }: { value: string | null | undefined }) {
  const { t } = useTranslation();
  if (!value) return <>-</>;
  return (
    <Tag color={COLORS[value] ?? 'processing'} bordered={false}>
      {t(`status.${value}`, { defaultValue: value })}
    </Tag>
  );
}
