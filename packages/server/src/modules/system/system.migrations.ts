import type { ModuleMigration } from '../../platform/db/migrator.js';
import { runSql } from '../../platform/db/migrator.js';

export const systemMigrations: ModuleMigration[] = [
  {
    name: '0003-system-params-dicts-notifications',
    up: (db) =>
      runSql(
        db,
        `
create table sys_param (
  key text primary key,
  value jsonb not null,
  value_type text not null check (value_type in ('int', 'bool', 'string', 'json')),
  group_key text not null,
  description text not null default '',
  security boolean not null default false,
  updated_at timestamptz not null,
  updated_by text
);
create table dict_type (
  code text primary key,
  tenant_id uuid not null,
  name text not null,
  description text not null default '',
  builtin boolean not null default false,
  created_at timestamptz not null
);
create table dict_item (
  id uuid primary key,
  type_code text not null references dict_type (code),
  value text not null,
  label text not null,
  sort int not null default 0,
  enabled boolean not null default true,
  unique (type_code, value)
);
create table notification (
  id uuid primary key,
  tenant_id uuid not null,
  sender_id uuid,
  sender_name text not null,
  title text not null,
  body text not null,
  created_at timestamptz not null
);
create table notification_recipient (
  notification_id uuid not null references notification (id),
  user_id uuid not null,
  read_at timestamptz,
  primary key (notification_id, user_id)
);
create index notification_recipient_user_idx on notification_recipient (user_id, read_at);
`,
      ),
  },
];
