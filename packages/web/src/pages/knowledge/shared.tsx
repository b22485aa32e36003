import { Fragment, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { kbApi } from './kbApi';
import type { KbChangeType, KbDirectory, KbRevision, KbRevisionState, KbStatus, KbType, Span } from './types';

/**
 * Marks the server's highlight spans inside plain text. The text stays a React string child, so
 * whatever the server (or an editor) wrote is never parsed as HTML.
 */
export function Highlighted({ text, spans, testId }: { text: string; spans: Span[] | undefined; testId?: string }) {
  const parts: ReactNode[] = [];
  let at = 0;
  const sorted = [...(spans ?? [])].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  for (const s of sorted) {
    const start = Math.max(s.start, at);
    const end = Math.min(s.end, text.length);
    if (end <= start) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(
      <mark key={`${start}-${end}`} className="kb-hl" data-testid={testId}>
        {text.slice(start, end)}
      </mark>,
    );
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts.map((p, i) => (typeof p === 'string' ? <Fragment key={`t${i}`}>{p}</Fragment> : p))}</>;
}

const STATUS_COLORS: Record<KbStatus, string> = {
  draft: 'default',
  pending_review: 'processing',
  pending_publish: 'warning',
  published: 'success',
  offline: 'error',
  recycled: 'default',
};

export function KbStatusTag({ value }: { value: KbStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[value] ?? 'default'} bordered={false} data-testid="kb-status">
      {t(`kb.status.${value}`, { defaultValue: value })}
    </Tag>
  );
}

export function ChangeTypeTag({ value }: { value: KbChangeType }) {
  const { t } = useTranslation();
  const color = value === 'create' ? 'blue' : value === 'revise' ? 'cyan' : value === 'withdraw' ? 'orange' : 'purple';
  return (
    <Tag color={color} bordered={false}>
      {t(`kb.change.${value}`, { defaultValue: value })}
    </Tag>
  );
}

/** A revision the reviewer sent back: the server puts it in 'draft' again, with the opinion. */
export function isReturned(rev: { state: KbRevisionState; reviewedAt?: string | null } | null | undefined): boolean {
  return !!rev && rev.state === 'draft' && !!rev.reviewedAt;
}

export function StateTag({ value, returned }: { value: KbRevisionState | null | undefined; returned?: boolean }) {
  const { t } = useTranslation();
  if (!value) return null;
  const key = returned ? 'returned' : value;
  return (
    <Tag bordered={false} color={returned ? 'error' : value === 'published' || value === 'applied' ? 'success' : value === 'discarded' || value === 'superseded' ? 'default' : 'processing'}>
      {t(`kb.state.${key}`, { defaultValue: key })}
    </Tag>
  );
}

/** Types and directories for labels, filters and forms; quiet, since an agent's page must not toast about them. */
export function useKbMeta() {
  const [types, setTypes] = useState<KbType[]>([]);
  const [directories, setDirectories] = useState<KbDirectory[]>([]);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      const [ts, ds] = await Promise.all([kbApi.types(true).catch(() => []), kbApi.directories(true).catch(() => [])]);
      setTypes([...ts].sort((a, b) => a.sort - b.sort));
      setDirectories(ds);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { types, directories, loading, reload };
}

export interface DirNode {
  value: string;
  title: string;
  key: string;
  disabled?: boolean;
  children: DirNode[];
}

/** The flat directory list as a tree ordered by sort number (the order the editors chose). */
export function directoryTree(dirs: KbDirectory[], opts: { ownOnly?: boolean } = {}): DirNode[] {
  const byParent = new Map<string | null, KbDirectory[]>();
  const ids = new Set(dirs.map((d) => d.id));
  for (const d of dirs) {
    const parent = d.parentId && ids.has(d.parentId) ? d.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), d]);
  }
  const build = (parent: string | null): DirNode[] =>
    (byParent.get(parent) ?? [])
      .sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name, 'zh-CN'))
      .map((d) => ({
        value: d.id,
        key: d.id,
        title: d.inherited ? `${d.name}（${d.tenantName}）` : d.name,
        disabled: (opts.ownOnly && d.inherited) || !d.enabled,
        children: build(d.id),
      }));
  return build(null);
}

/** Tenants that own knowledge the caller can read: their own and the ancestors seen in the directories. */
export function ownerTenants(dirs: KbDirectory[]): { value: string; label: string }[] {
  const seen = new Map<string, string>();
  for (const d of dirs) if (!seen.has(d.tenantId)) seen.set(d.tenantId, d.tenantName);
  return [...seen].map(([value, label]) => ({ value, label }));
}

/** The knowledge as plain text, for 复制 and for 插入 into a ticket. */
export function knowledgeText(rev: Pick<KbRevision, 'title' | 'summary' | 'body' | 'fields'>, type?: KbType, withTitle = true): string {
  const lines: string[] = [];
  if (withTitle) lines.push(`【${rev.title}】`);
  if (rev.summary?.trim()) lines.push(rev.summary.trim());
  if (rev.body?.trim()) lines.push(rev.body.trim());
  for (const f of type?.template.fields ?? []) {
    const v = rev.fields?.[f.key];
    if (v && String(v).trim()) lines.push(`${f.label}：${String(v).trim()}`);
  }
  return lines.join('\n');
}

export function useTypeMap(types: KbType[]) {
  return useMemo(() => new Map(types.map((x) => [x.code, x])), [types]);
}

/** Copies text, falling back to a hidden textarea where the clipboard API is not offered (plain http). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}

/** Beijing date (YYYY-MM-DD) of an ISO time, for dates the editors pick without a time. */
export function isoDate(value: string | null | undefined): string {
  if (!value) return '-';
  const d = new Date(new Date(value).getTime() + 8 * 3600_000);
  return Number.isNaN(d.getTime()) ? value : d.toISOString().slice(0, 10);
}
