import type { ModuleMigration } from './db/migrator.js';
import { runSql } from './db/migrator.js';

export const platformMigrations: ModuleMigration[] = [
  {
    name: '0001-platform-audit-outbox',
    up: (db) =>
      runSql(
        db,
        `
create table audit_log (
  id bigserial primary key,
  at timestamptz not null,
  tenant_id uuid,
  actor_id uuid,
  actor_name text not null,
  ip text not null default '',
  user_agent text not null default '',
  action text not null,
  target_type text not null,
  target_id text not null default '',
  summary jsonb not null default '{}'::jsonb,
  result text not null check (result in ('success', 'failure')),
  prev_hash text not null,
  hash text not null
);
create index audit_log_at_idx on audit_log (at);
create index audit_log_tenant_idx on audit_log (tenant_id, at);
create table access_log (
  id bigserial primary key,
  at timestamptz not null,
  tenant_id uuid,
  user_id uuid,
  username text,
  method text not null,
  path text not null,
  module text not null default '',
  status int not null,
  ip text not null default '',
  duration_ms int not null default 0
);
create index access_log_at_idx on access_log (at);
create table login_log (
  id bigserial primary key,
  at timestamptz not null,
  tenant_id uuid,
  user_id uuid,
  username text not null,
  ip text not null default '',
  user_agent text not null default '',
  result text not null check (result in ('success', 'failure')),
  reason text not null default ''
);
create index login_log_at_idx on login_log (at);
create table outbox_event (
  id bigserial primary key,
  topic text not null,
  payload jsonb not null,
  created_at timestamptz not null,
  available_at timestamptz not null,
  attempts int not null default 0,
  processed_at timestamptz,
  last_error text
);
create index outbox_pending_idx on outbox_event (available_at) where processed_at is null;
`,
      ),
  },
  {
    // The audit chain is split into independent lanes (see platform/audit/audit.ts): each lane has
    // its own lock, so concurrent writes no longer queue on one installation-wide lock. Existing
    // rows are lane 0 and keep their hashes; `heads` (null on those rows) holds the last row id of
    // every lane that a new row saw when it was written. Ids now come from the sequence, which
    // the old code never advanced.
    name: '0011-audit-lanes',
    up: (db) =>
      runSql(
        db,
        `
alter table audit_log add column lane smallint not null default 0;
alter table audit_log add column heads jsonb;
create index audit_log_lane_idx on audit_log (lane, id);
select setval('audit_log_id_seq', coalesce((select max(id) from audit_log), 0) + 1, false);
`,
      ),
  },
];
