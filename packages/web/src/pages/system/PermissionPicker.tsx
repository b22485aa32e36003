import { useMemo } from 'react';
import { Alert, Checkbox, Empty, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AdminType, Permission } from '../../api/types';

export const ADMIN_TYPE_COLORS: Record<AdminType, string> = {
  system: 'blue',
  security: 'gold',
  audit: 'purple',
};

/** Grouped permission checkboxes (antd form control: value / onChange). */
export function PermissionPicker({
  permissions,
  value,
  onChange,
  disabled,
}: {
  permissions: Permission[];
  value?: string[];
  onChange?: (next: string[]) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const selected = useMemo(() => new Set(value ?? []), [value]);
  const groups = useMemo(() => {
    const map = new Map<string, Permission[]>();
    for (const p of permissions) {
      const list = map.get(p.group) ?? [];
      list.push(p);
      map.set(p.group, list);
    }
    return Array.from(map.entries());
  }, [permissions]);

  // 三员分立: one role should not mix system / security / audit administration permissions.
  const adminTypes = useMemo(() => {
    const s = new Set<AdminType>();
    for (const p of permissions) if (p.adminType && selected.has(p.code)) s.add(p.adminType);
    return Array.from(s);
  }, [permissions, selected]);

  const set = (codes: string[], on: boolean) => {
    const next = new Set(selected);
    for (const c of codes) {
      if (on) next.add(c);
      else next.delete(c);
    }
    onChange?.(permissions.map((p) => p.code).filter((c) => next.has(c)));
  };

  if (permissions.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;

  return (
    <div className="perm-picker" data-testid="permission-picker">
      {adminTypes.length > 1 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('role.separationWarning', {
            types: adminTypes.map((a) => t(`role.adminType.${a}`)).join(' / '),
          })}
        />
      )}
      {groups.map(([group, perms]) => {
        const codes = perms.map((p) => p.code);
        const count = codes.filter((c) => selected.has(c)).length;
        const groupTypes = Array.from(new Set(perms.map((p) => p.adminType).filter((a): a is AdminType => a !== null)));
        return (
          <div key={group} className="perm-group">
            <div className="perm-group-head">
              <Checkbox
                disabled={disabled}
                checked={count === codes.length}
                indeterminate={count > 0 && count < codes.length}
                onChange={(e) => set(codes, e.target.checked)}
              >
                <Typography.Text strong>{t(`permGroup.${group}`, { defaultValue: group })}</Typography.Text>
              </Checkbox>
              <Space size={4}>
                {groupTypes.map((a) => (
                  <Tag key={a} color={ADMIN_TYPE_COLORS[a]} bordered={false}>
                    {t(`role.adminType.${a}`)}
                  </Tag>
                ))}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {count}/{codes.length}
                </Typography.Text>
              </Space>
            </div>
            <div className="perm-group-body">
              {perms.map((p) => (
                <Checkbox
                  key={p.code}
                  disabled={disabled}
                  checked={selected.has(p.code)}
                  onChange={(e) => set([p.code], e.target.checked)}
                >
                  <span title={p.code}>{t(`perm.${p.code}`, { defaultValue: p.code })}</span>
                </Checkbox>
              ))}
            </div>
          </div>
        );
      })}
    </div>
  );
}
