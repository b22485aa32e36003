import { useMemo } from 'react';
import { Empty, Space, Tag, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useTranslation } from 'react-i18next';
import { TaskStatusTag } from './StatusTags';
import { flattenRegions, useRegions } from './useRegions';
import type { ChainNode, TimelineEvent } from './types';

/** 处置链路: the task tree across levels and tenants, each hop with unit, tenant, state and signer. */
export function ChainView({ chain, timeline = [] }: { chain: ChainNode[]; timeline?: TimelineEvent[] }) {
  const { t } = useTranslation();
  const regions = useRegions();
  const tenantName = useMemo(() => new Map(flattenRegions(regions).map((r) => [r.id, r.name])), [regions]);
  // Tenants the user may not list: the unit's own timeline entries name its tenant.
  const tenantOfOrg = useMemo(() => new Map(timeline.filter((e) => e.org && e.tenant).map((e) => [e.org as string, e.tenant as string])), [timeline]);
  const tenantOf = (n: ChainNode) => tenantName.get(n.tenantId) ?? tenantOfOrg.get(n.orgName);
  const toNode = (n: ChainNode): DataNode => ({
    key: n.taskId,
    title: (
      <Space size={[6, 0]} wrap data-testid="chain-node">
        <Typography.Text strong>{n.orgName}</Typography.Text>
        {tenantOf(n) && (
          <Tag bordered={false} color="geekblue">
            {tenantOf(n)}
          </Tag>
        )}
        <Tag bordered={false}>{t(`tickets.role.${n.role}`, { defaultValue: n.role })}</Tag>
        <TaskStatusTag status={n.status} />
        {n.signedBy && <Typography.Text type="secondary">{t('tickets.chain.signedBy', { name: n.signedBy })}</Typography.Text>}
        {n.reportedBy && <Typography.Text type="secondary">{t('tickets.chain.reportedBy', { name: n.reportedBy })}</Typography.Text>}
      </Space>
    ),
    children: n.children.map(toNode),
  });
  if (chain.length === 0) return <Empty description={t('tickets.chain.empty')} />;
  return <Tree treeData={chain.map(toNode)} defaultExpandAll selectable={false} showLine />;
}
