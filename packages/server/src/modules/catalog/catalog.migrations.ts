import type { ModuleMigration } from '../../platform/db/migrator.js';
import { runSql } from '../../platform/db/migrator.js';

/**
 * Core catalogue tables. Published content lives in catalog_category / catalog_item (what dispatch,
 * forms and search read); every change goes through catalog_change (draft → pending → approved /
 * rejected, one mechanism for categories, items and list entries) and each published item
 * version is frozen in catalog_item_version, so diffs and rollbacks work on real snapshots.
 */
export const catalogCoreMigrations: ModuleMigration[] = [
  {
    name: '0004-catalog-core',
    up: (db) =>
      runSql(
        db,
        `
create table catalog_category (
  id uuid primary key,
  tenant_id uuid not null,
  parent_id uuid references catalog_category (id),
  code text not null unique,
  name text not null,
  level int not null,
  path text not null,
  sort int not null default 0,
  status text not null check (status in ('draft', 'pending', 'published', 'rejected', 'offline', 'void')),
  description text not null default '',
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index catalog_category_path_idx on catalog_category (path text_pattern_ops);
create table catalog_item (
  id uuid primary key,
  tenant_id uuid not null,
  origin text not null check (origin in ('standard', 'local')),
  code text not null unique,
  category_id uuid not null references catalog_category (id),
  status text not null check (status in ('draft', 'pending', 'published', 'rejected', 'offline', 'void')),
  current_version int not null default 0,
  name text not null,
  description text not null default '',
  keywords text[] not null default '{}',
  synonyms text[] not null default '{}',
  industry text not null default 'other',
  demand_types text[] not null default '{}',
  levels int[] not null default '{}',
  urgency_tiers text[] not null default '{}',
  department text not null default '',
  handling_standard text not null default '',
  legal_basis text not null default '',
  effective_from date,
  effective_to date,
  pinyin text not null default '',
  search_text text not null default '',
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index catalog_item_category_idx on catalog_item (category_id);
create index catalog_item_tenant_idx on catalog_item (tenant_id);
create index catalog_item_search_idx on catalog_item (lower(search_text) text_pattern_ops);
create table catalog_item_version (
  item_id uuid not null references catalog_item (id),
  version int not null,
  snapshot jsonb not null,
  change_id uuid,
  published_by uuid,
  published_at timestamptz not null,
  primary key (item_id, version)
);
create table catalog_change (
  id uuid primary key,
  tenant_id uuid not null,
  entity_type text not null check (entity_type in ('category', 'item', 'list_entry')),
  entity_id uuid not null,
  action text not null check (action in ('create', 'update', 'offline', 'void', 'rollback')),
  base_version int not null default 0,
  payload jsonb not null,
  status text not null check (status in ('draft', 'pending', 'approved', 'rejected', 'withdrawn')),
  created_by uuid,
  created_at timestamptz not null,
  submitted_by uuid,
  submitted_at timestamptz,
  reviewed_by uuid,
  reviewed_at timestamptz,
  opinion text not null default ''
);
create index catalog_change_entity_idx on catalog_change (entity_type, entity_id);
create index catalog_change_status_idx on catalog_change (status, tenant_id);
create table catalog_adoption (
  tenant_id uuid not null,
  item_id uuid not null references catalog_item (id),
  adopted_version int not null,
  status text not null check (status in ('pending', 'active', 'excluded')),
  local_detail jsonb not null default '{}'::jsonb,
  updated_by uuid,
  updated_at timestamptz not null,
  primary key (tenant_id, item_id)
);
create table catalog_publication (
  id uuid primary key,
  item_id uuid not null references catalog_item (id),
  version int not null,
  from_tenant_id uuid not null,
  summary jsonb not null,
  published_at timestamptz not null
);
create index catalog_publication_item_idx on catalog_publication (item_id, version);
create table catalog_list_entry (
  id uuid primary key,
  list_type text not null check (list_type in ('responsibility', 'power', 'negative')),
  item_id uuid not null references catalog_item (id),
  tenant_id uuid not null,
  org_id uuid,
  unit_name text not null,
  role text not null default 'lead' check (role in ('lead', 'assist')),
  duty text not null default '',
  legal_basis text not null default '',
  status text not null check (status in ('draft', 'pending', 'published', 'rejected', 'offline', 'void')),
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index catalog_list_entry_item_idx on catalog_list_entry (item_id, tenant_id);
create table catalog_element (
  id uuid primary key,
  tenant_id uuid not null,
  code text not null unique,
  name text not null,
  data_type text not null,
  dict_code text,
  validation jsonb not null default '{}'::jsonb,
  group_code text not null default 'common',
  domain text not null default '',
  description text not null default '',
  status text not null default 'published',
  version int not null default 1,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create table catalog_element_relation (
  from_element_id uuid not null references catalog_element (id),
  to_element_id uuid not null references catalog_element (id),
  kind text not null check (kind in ('parent', 'association', 'dependency', 'exclusive')),
  primary key (from_element_id, to_element_id, kind)
);
create table catalog_item_element (
  item_id uuid not null references catalog_item (id),
  element_id uuid not null references catalog_element (id),
  required boolean not null default false,
  sort int not null default 0,
  primary key (item_id, element_id)
);
create table catalog_item_knowledge (
  item_id uuid not null references catalog_item (id),
  article_id uuid not null,
  note text not null default '',
  created_by uuid,
  created_at timestamptz not null,
  primary key (item_id, article_id)
);
`,
      ),
  },
];
