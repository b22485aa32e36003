import { useEffect, useMemo, useState } from 'react';
import { Space, Tag, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import { ticketApi } from './ticketApi';
import { flattenRegions, regionOptions, useRegions } from './useRegions';
import type { UnitNode } from './types';

interface UnitOption {
  value: string;
  title: string;
  label: string;
  children?: UnitOption[];
}

const unitOptions = (nodes: UnitNode[]): UnitOption[] =>
  nodes.map((n) => ({ value: n.id, title: n.name, label: n.name, children: n.children?.length ? unitOptions(n.children) : undefined }));

function findUnit(nodes: UnitNode[], id: string): UnitNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const hit = findUnit(n.children ?? [], id);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Handling units across tenants: pick a tenant (own region, a prefecture, or a partner hotline for
 * 跨租户转派), then one or more of its departments. Picks from several tenants add up.
 */
export function UnitPicker({ value, onChange, multiple = true, defaultTenantId }: { value?: string[]; onChange?: (ids: string[]) => void; multiple?: boolean; defaultTenantId?: string }) {
  const { t } = useTranslation();
  const regions = useRegions();
  const [tenantId, setTenantId] = useState<string | undefined>(defaultTenantId);
  const [units, setUnits] = useState<UnitNode[]>([]);
  const [labels, setLabels] = useState<Record<string, string>>({});
  const tenants = useMemo(() => regionOptions(regions, 'id'), [regions]);
  const tenantName = useMemo(() => new Map(flattenRegions(regions).map((r) => [r.id, r.name])), [regions]);
  const selected = value ?? [];

  // A user who can list only one tenant picks among its departments straight away.
  useEffect(() => {
    const all = flattenRegions(regions);
    if (!tenantId && all.length === 1) setTenantId(all[0]?.id);
  }, [regions, tenantId]);

  useEffect(() => {
    if (!tenantId) {
      setUnits([]);
      return;
    }
    let alive = true;
    ticketApi
      .units(tenantId)
      .then((u) => alive && setUnits(u))
      .catch(() => alive && setUnits([]));
    return () => {
      alive = false;
    };
  }, [tenantId]);

  const pick = (ids: string[]) => {
    const next = { ...labels };
    for (const id of ids) {
      const u = findUnit(units, id);
      if (u) next[id] = `${tenantName.get(u.tenantId) ?? ''} / ${u.name}`;
    }
    setLabels(next);
    onChange?.(ids);
  };
  // Units picked under another tenant stay selected while the tree shows the current tenant.
  const inTree = selected.filter((id) => findUnit(units, id));
  const elsewhere = selected.filter((id) => !findUnit(units, id));

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <TreeSelect
        data-testid="unit-tenant"
        value={tenantId}
        onChange={(v: string | undefined) => setTenantId(v)}
        treeData={tenants}
        showSearch
        treeNodeFilterProp="title"
        placeholder={t('tickets.unit.tenant')}
        style={{ width: '100%' }}
        popupMatchSelectWidth={false}
        listHeight={360}
      />
      <TreeSelect
        data-testid="unit-orgs"
        multiple={multiple}
        value={multiple ? inTree : inTree[0]}
        onChange={(v: string[] | string | undefined) => {
          const now = Array.isArray(v) ? v : v ? [v] : [];
          pick(multiple ? [...elsewhere, ...now] : now);
        }}
        treeData={unitOptions(units)}
        showSearch
        treeNodeFilterProp="title"
        treeDefaultExpandAll
        disabled={!tenantId}
        placeholder={t('tickets.unit.orgs')}
        style={{ width: '100%' }}
      />
      {elsewhere.length > 0 && (
        <Space size={[4, 4]} wrap>
          {elsewhere.map((id) => (
            <Tag key={id} closable onClose={() => onChange?.(selected.filter((s) => s !== id))}>
              {labels[id] ?? id}
            </Tag>
          ))}
        </Space>
      )}
    </Space>
  );
}
