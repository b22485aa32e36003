import { TreeSelect } from 'antd';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/AuthContext';
import { tenantOptions, useTenantTree } from './useTenantTree';

/** Tenant picker (TreeSelect over /tenants/tree) with search. */
export function TenantPicker({
  value,
  onChange,
  style,
  allowClear = false,
  testId,
}: {
  value?: string;
  onChange?: (id: string | undefined) => void;
  style?: CSSProperties;
  allowClear?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const { tree, loading } = useTenantTree();
  const { me } = useAuth();
  // Without access to the tenant tree, the user's own tenant is the only choice.
  const options =
    tree.length > 0 || !me ? tenantOptions(tree) : [{ value: me.user.tenantId, title: me.user.tenantName, label: me.user.tenantName }];
  return (
    <TreeSelect
      data-testid={testId}
      style={{ minWidth: 240, ...style }}
      value={value}
      onChange={(v: string | undefined) => onChange?.(v ?? undefined)}
      treeData={options}
      loading={loading}
      showSearch
      treeNodeFilterProp="title"
      allowClear={allowClear}
      placeholder={t('tenant.pick')}
      treeDefaultExpandedKeys={value ? [value] : undefined}
      popupMatchSelectWidth={false}
      listHeight={400}
      virtual
    />
  );
}
