import type { ModuleMigration } from '../../platform/db/migrator.js';
import { runSql } from '../../platform/db/migrator.js';

export const identityMigrations: ModuleMigration[] = [
  {
    name: '0002-identity-tenants-users-roles',
    up: (db) =>
      runSql(
        db,
        `
create table tenant (
  id uuid primary key,
  parent_id uuid references tenant (id),
  code text not null unique,
  name text not null,
  kind text not null check (kind in ('region', 'xpcc', 'partner', 'enterprise')),
  level int not null,
  path text not null,
  status text not null default 'active' check (status in ('active', 'disabled')),
  sort int not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index tenant_path_idx on tenant (path text_pattern_ops);
create index tenant_parent_idx on tenant (parent_id);
create table tenant_product (
  tenant_id uuid not null references tenant (id),
  product_key text not null,
  primary key (tenant_id, product_key)
);
create table tenant_menu (
  tenant_id uuid not null references tenant (id),
  menu_key text not null,
  primary key (tenant_id, menu_key)
);
create table org (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  parent_id uuid references org (id),
  code text not null,
  name text not null,
  kind text not null check (kind in ('department', 'team')),
  path text not null,
  sort int not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, code)
);
create index org_path_idx on org (path text_pattern_ops);
create table app_user (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  org_id uuid not null references org (id),
  username text not null,
  display_name text not null,
  password_hash text not null,
  phone_enc text,
  phone_idx text,
  status text not null default 'active' check (status in ('active', 'disabled')),
  failed_attempts int not null default 0,
  locked_until timestamptz,
  must_change_password boolean not null default false,
  password_changed_at timestamptz not null,
  mfa_secret_enc text,
  mfa_enabled boolean not null default false,
  mfa_last_step bigint not null default 0,
  last_login_at timestamptz,
  last_login_ip text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  deleted_at timestamptz
);
create unique index app_user_username_idx on app_user (lower(username)) where deleted_at is null;
create index app_user_tenant_idx on app_user (tenant_id, created_at);
create index app_user_phone_idx on app_user (phone_idx);
create table role (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  code text not null,
  name text not null,
  data_scope text not null check (data_scope in ('self', 'org', 'org_subtree', 'tenant', 'tenant_subtree', 'all')),
  permissions text[] not null default '{}',
  mfa_required boolean not null default false,
  admin_type text check (admin_type in ('system', 'security', 'audit')),
  builtin boolean not null default false,
  shared boolean not null default false,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, code)
);
create table user_role (
  user_id uuid not null references app_user (id),
  role_id uuid not null references role (id),
  primary key (user_id, role_id)
);
create table session (
  id uuid primary key,
  user_id uuid not null references app_user (id),
  tenant_id uuid not null references tenant (id),
  token_hash text not null unique,
  stage text not null check (stage in ('mfa', 'active')),
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoke_reason text,
  ip text not null default '',
  user_agent text not null default '',
  mfa_attempts int not null default 0
);
create index session_user_idx on session (user_id);
create table mfa_recovery_code (
  id uuid primary key,
  user_id uuid not null references app_user (id),
  code_hash text not null,
  used_at timestamptz
);
create index mfa_recovery_user_idx on mfa_recovery_code (user_id);
`,
      ),
  },
];
