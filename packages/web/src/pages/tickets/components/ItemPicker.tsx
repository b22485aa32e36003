import { useEffect, useRef, useState } from 'react';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import type { Paged } from '../../../api/types';

interface ItemRow {
  id: string;
  code: string;
  name: string;
  categoryName?: string | null;
}

/** Catalogue item search (name, keyword, pinyin initials) for the registration form. */
export function ItemPicker({
  value,
  onChange,
  onPicked,
  known = [],
}: {
  value?: string | null;
  onChange?: (id: string | null) => void;
  onPicked?: (item: { id: string; name: string } | null) => void;
  /** Items named elsewhere (smart fill) that the search list may not contain yet. */
  known?: { id: string; name: string }[];
}) {
  const { t } = useTranslation();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [loading, setLoading] = useState(false);
  const timer = useRef<number>();

  const search = (keyword: string) => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      setLoading(true);
      api
        .get<Paged<ItemRow>>('/catalog/items', { q: keyword.trim() || undefined, status: 'published', pageSize: 20 }, { silent: true })
        .then((res) => setOptions(res.items.map((i) => ({ value: i.id, label: i.categoryName ? `${i.name}（${i.categoryName}）` : i.name }))))
        .catch(() => setOptions([]))
        .finally(() => setLoading(false));
    }, 250);
  };
  useEffect(() => {
    search('');
    return () => window.clearTimeout(timer.current);
  }, []);

  return (
    <Select
      data-testid="item-picker"
      showSearch
      allowClear
      value={value ?? undefined}
      filterOption={false}
      onSearch={search}
      loading={loading}
      options={[...known.filter((k) => !options.some((o) => o.value === k.id)).map((k) => ({ value: k.id, label: k.name })), ...options]}
      placeholder={t('tickets.field.itemPlaceholder')}
      onChange={(id: string | undefined) => {
        onChange?.(id ?? null);
        const o = options.find((x) => x.value === id);
        onPicked?.(o ? { id: o.value, name: o.label } : null);
      }}
    />
  );
}
