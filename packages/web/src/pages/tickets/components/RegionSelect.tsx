import { useMemo } from 'react';
import { TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import { flattenRegions, regionOptions, useRegions } from './useRegions';

/** Division picker over the region tenants (codes such as 650102); emits code and name. */
export function RegionSelect({ value, onChange, onName, testId }: { value?: string | null; onChange?: (code: string | null) => void; onName?: (name: string | null) => void; testId?: string }) {
  const { t } = useTranslation();
  const regions = useRegions();
  const options = useMemo(() => regionOptions(regions, 'code', (n) => /^[0-9]{2,12}$/.test(n.code)), [regions]);
  const names = useMemo(() => new Map(flattenRegions(regions).map((r) => [r.code, r.name])), [regions]);
  return (
    <TreeSelect
      data-testid={testId}
      allowClear
      showSearch
      treeNodeFilterProp="title"
      value={value ?? undefined}
      treeData={options}
      placeholder={t('tickets.field.regionPlaceholder')}
      popupMatchSelectWidth={false}
      onChange={(code: string | undefined) => {
        onChange?.(code ?? null);
        onName?.(code ? (names.get(code) ?? null) : null);
      }}
    />
  );
}
