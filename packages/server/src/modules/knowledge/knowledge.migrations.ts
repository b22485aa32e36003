import type { ModuleMigration } from '../../platform/db/migrator.js';
import { runSql } from '../../platform/db/migrator.js';
import { KB_TYPES } from './knowledge.types.js';

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * 知识库五级联动. An article is an identity (owner tenant, directory, type, status) whose content
 * lives in revisions: the live revision is what agents search, the open revision is what editors
 * work on. Each revision is also the 知识工单 of its change (新增/修订/撤销/恢复) and its state is
 * the work order's current 环节, so there is one record of a change, not two.
 * Owners publish down their subtree (scope 'subtree') or keep knowledge local (scope 'tenant').
 * Types are installation-wide (the 自治区 defines them); everything else belongs to a tenant.
 * Item ids point into the catalogue, which another module owns, so they carry no foreign key.
 */
export const knowledgeMigrations: ModuleMigration[] = [
  {
    name: '0015-knowledge-base',
    up: (db) =>
      runSql(
        db,
        `
create table kb_type (
  code text primary key check (code ~ '^[a-z][a-z0-9_-]{1,31}$'),
  name text not null check (name <> ''),
  description text not null default '',
  sort int not null default 0,
  enabled boolean not null default true,
  template jsonb not null default '{"fields":[]}',
  updated_by uuid,
  updated_at timestamptz not null
);
create table kb_directory (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  parent_id uuid references kb_directory (id),
  name text not null check (name <> ''),
  sort int not null default 0,
  enabled boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index kb_directory_name_uq on kb_directory (tenant_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), name);
create table kb_article (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  directory_id uuid not null references kb_directory (id),
  type_code text not null references kb_type (code),
  scope text not null default 'subtree' check (scope in ('subtree', 'tenant')),
  status text not null check (status in ('draft', 'pending_review', 'pending_publish', 'published', 'offline', 'recycled')),
  title text not null,
  live_revision_id uuid,
  open_revision_id uuid,
  published_at timestamptz,
  offline_reason text,
  temporary_offline boolean not null default false,
  recycled_at timestamptz,
  recycled_by uuid,
  purge_after timestamptz,
  expiry_notified_at timestamptz,
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index kb_article_tenant_idx on kb_article (tenant_id, status);
create index kb_article_directory_idx on kb_article (directory_id);
create table kb_revision (
  id uuid primary key,
  article_id uuid not null references kb_article (id) on delete cascade,
  version int not null check (version > 0),
  change_type text not null check (change_type in ('create', 'revise', 'withdraw', 'restore')),
  state text not null check (state in ('draft', 'pending_review', 'pending_publish', 'published', 'superseded', 'discarded', 'applied')),
  title text not null check (title <> ''),
  summary text not null default '',
  body text not null default '',
  fields jsonb not null default '{}',
  keywords jsonb not null default '[]',
  item_ids jsonb not null default '[]',
  basis text not null default '',
  source text not null default '',
  valid_to text check (valid_to ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  note text not null default '',
  author_id uuid,
  created_at timestamptz not null,
  submitted_at timestamptz,
  reviewed_by uuid,
  reviewed_at timestamptz,
  review_opinion text,
  publish_at timestamptz,
  published_by uuid,
  published_at timestamptz,
  closed_at timestamptz,
  unique (article_id, version)
);
create index kb_revision_state_idx on kb_revision (state) where state in ('pending_review', 'pending_publish');
create table kb_hot_word (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  word text not null check (word <> ''),
  weight numeric(6, 2) not null default 1 check (weight > 0),
  article_ids jsonb not null default '[]',
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, word)
);
create table kb_synonym (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  term text not null check (term <> ''),
  synonyms jsonb not null default '[]',
  updated_by uuid,
  updated_at timestamptz not null,
  unique (tenant_id, term)
);
create table kb_usage (
  id uuid primary key,
  article_id uuid not null references kb_article (id) on delete cascade,
  tenant_id uuid not null references tenant (id),
  user_id uuid,
  kind text not null check (kind in ('view', 'insert', 'copy', 'recommend_click')),
  ticket_id uuid,
  at timestamptz not null
);
create index kb_usage_article_at_idx on kb_usage (article_id, at);
create table kb_search_log (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  user_id uuid,
  query text not null,
  terms jsonb not null default '[]',
  hits int not null,
  at timestamptz not null
);
create index kb_search_log_tenant_at_idx on kb_search_log (tenant_id, at);
`,
      ),
  },
  {
    // The knowledge product for installations seeded before it existed, as a fresh seed has it:
    // the five types with their templates (fresh installs get them here too, before the seed),
    // the product and menus wherever the work orders are enabled, kb:read for the roles that
    // answer or handle demands, and the knowledge editor, reviewer and admin roles at the root.
    name: '0016-knowledge-menus',
    up: (db) =>
      runSql(
        db,
        `
insert into kb_type (code, name, description, sort, enabled, template, updated_by, updated_at) values
${KB_TYPES.map((t) => `  (${literal(t.code)}, ${literal(t.name)}, ${literal(t.description)}, ${t.sort}, true, ${literal(JSON.stringify({ fields: t.fields }))}::jsonb, null, now())`).join(',\n')}
  on conflict (code) do nothing;
insert into tenant_product (tenant_id, product_key)
  select tenant_id, 'knowledge' from tenant_product where product_key = 'tickets'
  on conflict do nothing;
insert into tenant_menu (tenant_id, menu_key)
  select p.tenant_id, m.key from tenant_product p
    cross join (values ('knowledge.search'), ('knowledge.articles'), ('knowledge.reviews'), ('knowledge.recycle'), ('knowledge.config')) as m (key)
  where p.product_key = 'tickets'
  on conflict do nothing;
update role set permissions = array(select x from unnest(permissions || array['kb:read']) as x order by x collate "C"), updated_at = now()
  where builtin and code in ('hotline_agent', 'dispatcher', 'reviewer', 'supervisor', 'unit_handler', 'unit_leader') and not ('kb:read' = any (permissions));
insert into role (id, tenant_id, code, name, data_scope, permissions, mfa_required, admin_type, builtin, shared, created_at, updated_at)
  select gen_random_uuid(), t.id, r.code, r.name, 'tenant', r.permissions, false, null, true, true, now(), now()
  from tenant t cross join (values
    ('kb_editor', '知识采编员', array['catalog:read', 'dashboard:view', 'kb:edit', 'kb:read', 'message:read']),
    ('kb_reviewer', '知识审核员', array['dashboard:view', 'kb:publish', 'kb:read', 'kb:review', 'message:read']),
    ('kb_admin', '知识库管理员', array['dashboard:view', 'kb:admin', 'kb:publish', 'kb:read', 'message:read'])
  ) as r (code, name, permissions)
  where t.parent_id is null
  on conflict (tenant_id, code) do nothing;
`,
      ),
  },
];
