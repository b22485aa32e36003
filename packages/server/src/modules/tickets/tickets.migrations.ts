import type { ModuleMigration } from '../../platform/db/migrator.js';
import { runSql } from '../../platform/db/migrator.js';

/**
 * 工单: one ticket row for the whole life (一单到底), a tree of assignment tasks (派单任务, one per
 * receiving unit, any depth, any tenant), approval requests, the timeline, callbacks, supervision
 * orders and the SLA rules. Catalogue items, enterprises, orgs and tenants are referenced by id only
 * where another module owns them (no foreign keys into other modules' tables except tenant/org,
 * which every module scopes by).
 */
export const ticketMigrations: ModuleMigration[] = [
  {
    name: '0009-tickets',
    up: (db) =>
      runSql(
        db,
        `
create table ticket_counter (
  day text primary key,
  n int not null
);

create table citizen (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  phone_idx text not null,
  phone_enc text not null,
  name text not null default '',
  gender text,
  age_range text,
  address_enc text,
  id_no_enc text,
  updated_at timestamptz not null,
  unique (tenant_id, phone_idx)
);

create table ticket (
  id uuid primary key,
  no text not null unique,
  tenant_id uuid not null references tenant (id),
  org_id uuid not null references org (id),
  created_by uuid,
  created_by_name text not null,
  status text not null,
  close_reason text,
  channel text not null,
  kind text,
  title text not null default '',
  content text not null default '',
  item_id uuid,
  item_name text,
  industry text,
  urgency text not null default 'normal',
  confidential boolean not null default false,
  callback_mode text not null default 'manual',
  citizen_id uuid references citizen (id),
  citizen_name text not null default '',
  citizen_phone_enc text,
  citizen_phone_idx text,
  citizen_id_no_enc text,
  enterprise_id uuid,
  enterprise_name text,
  enterprise_related boolean not null default false,
  region_code text,
  region_name text,
  address text,
  lat double precision,
  lng double precision,
  form_data jsonb not null default '{}',
  tags jsonb not null default '[]',
  answer text,
  sla_amount numeric(8, 2),
  sla_unit text,
  sla_warn_ratio numeric(4, 3),
  deadline_at timestamptz,
  warn_at timestamptz,
  warned_at timestamptz,
  overdue boolean not null default false,
  supervised boolean not null default false,
  difficult boolean not null default false,
  return_count int not null default 0,
  complaint_count int not null default 0,
  redo_of uuid references ticket (id),
  copied_from uuid references ticket (id),
  external_source text,
  external_id text,
  dispatched_at timestamptz,
  completed_at timestamptz,
  archived_at timestamptz,
  version int not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index ticket_external_uq on ticket (external_source, external_id) where external_id is not null;
create index ticket_tenant_status_idx on ticket (tenant_id, status, created_at desc);
create index ticket_phone_idx on ticket (citizen_phone_idx, created_at desc);
create index ticket_deadline_idx on ticket (deadline_at) where status in ('handling', 'rework', 'return_review', 'result_review', 'pending_dispatch');
create index ticket_warn_idx on ticket (warn_at) where warned_at is null and status in ('handling', 'rework');
create index ticket_created_by_idx on ticket (created_by, created_at desc);

create table ticket_task (
  id uuid primary key,
  ticket_id uuid not null references ticket (id),
  parent_id uuid references ticket_task (id),
  tenant_id uuid not null references tenant (id),
  org_id uuid not null references org (id),
  org_name text not null,
  role text not null check (role in ('single', 'lead', 'assist', 'parallel')),
  status text not null,
  depth int not null default 0,
  assigned_by uuid,
  assigned_by_name text not null,
  assigned_tenant_id uuid not null references tenant (id),
  assigned_at timestamptz not null,
  handler_id uuid,
  opinion text not null default '',
  deadline_at timestamptz,
  signed_by uuid,
  signed_by_name text,
  signed_at timestamptz,
  result jsonb,
  reported_by_name text,
  reported_at timestamptz,
  closed_at timestamptz,
  suspended_at timestamptz,
  version int not null default 0
);
create index ticket_task_ticket_idx on ticket_task (ticket_id);
create index ticket_task_org_status_idx on ticket_task (org_id, status);
create index ticket_task_tenant_idx on ticket_task (tenant_id, status);

create table ticket_request (
  id uuid primary key,
  ticket_id uuid not null references ticket (id),
  task_id uuid references ticket_task (id),
  kind text not null check (kind in ('return', 'extension', 'suspension', 'resume', 'difficult', 'appeal', 'tracking')),
  status text not null check (status in ('pending', 'approved', 'rejected', 'cancelled')),
  reason_code text,
  reason text not null,
  payload jsonb not null default '{}',
  steps jsonb not null,
  step int not null default 0,
  requested_by uuid,
  requested_by_name text not null,
  requested_org_id uuid,
  requested_at timestamptz not null,
  decided_by_name text,
  decided_at timestamptz,
  opinion text,
  decisions jsonb not null default '[]'
);
create index ticket_request_pending_idx on ticket_request (kind, status, requested_at);
create index ticket_request_ticket_idx on ticket_request (ticket_id);

create table ticket_event (
  id bigserial primary key,
  ticket_id uuid not null references ticket (id),
  task_id uuid,
  at timestamptz not null,
  actor_id uuid,
  actor_name text not null,
  actor_tenant_id uuid,
  actor_tenant_name text,
  actor_org_name text,
  action text not null,
  from_status text,
  to_status text,
  opinion text,
  detail jsonb not null default '{}',
  attachments jsonb not null default '[]'
);
create index ticket_event_ticket_idx on ticket_event (ticket_id, id);

create table ticket_attachment (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  ticket_id uuid references ticket (id),
  name text not null,
  mime text not null,
  size int not null,
  sha256 text not null,
  content bytea not null,
  uploaded_by uuid,
  uploaded_at timestamptz not null
);
create index ticket_attachment_ticket_idx on ticket_attachment (ticket_id);

create table ticket_callback (
  id uuid primary key,
  ticket_id uuid not null references ticket (id),
  round int not null,
  mode text not null check (mode in ('manual', 'sms', 'robot')),
  status text not null check (status in ('pending', 'done', 'expired', 'cancelled')),
  token_hash text,
  due_at timestamptz not null,
  robot_state jsonb,
  result text check (result in ('satisfied', 'dissatisfied', 'unreachable')),
  service_rating int check (service_rating between 1 and 5),
  handling_rating int check (handling_rating between 1 and 5),
  comment text,
  channel text,
  done_by_name text,
  done_at timestamptz,
  created_at timestamptz not null
);
create index ticket_callback_pending_idx on ticket_callback (status, due_at);
create index ticket_callback_ticket_idx on ticket_callback (ticket_id);

create table sla_rule (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  name text not null,
  kind text not null check (kind in ('warning', 'supervision')),
  trigger text not null check (trigger in ('near_due', 'overdue', 'returns', 'complaints')),
  threshold numeric(8, 2) not null check (threshold >= 0),
  level text not null default 'county',
  requirement text not null default '',
  channels jsonb not null default '["inapp"]',
  item_id uuid,
  region_code text,
  owner_id uuid,
  active boolean not null default false,
  tested_at timestamptz,
  test_result jsonb,
  updated_at timestamptz not null
);

create table ticket_supervision (
  id uuid primary key,
  ticket_id uuid not null references ticket (id),
  task_id uuid,
  rule_id uuid references sla_rule (id),
  kind text not null check (kind in ('warning', 'supervision')),
  level text not null,
  reason text not null,
  requirement text not null default '',
  target_org_id uuid,
  target_org_name text,
  owner_id uuid,
  status text not null check (status in ('open', 'responded', 'closed')),
  reply text,
  first_response_at timestamptz,
  closed_at timestamptz,
  created_by_name text not null,
  created_at timestamptz not null
);
create unique index ticket_supervision_rule_uq on ticket_supervision (ticket_id, rule_id) where rule_id is not null;
create index ticket_supervision_status_idx on ticket_supervision (status, created_at);

create table ticket_policy (
  tenant_id uuid primary key references tenant (id),
  policy jsonb not null,
  updated_at timestamptz not null
);

create table calendar_override (
  tenant_id uuid not null references tenant (id),
  date text not null,
  kind text not null check (kind in ('holiday', 'workday')),
  name text not null default '',
  primary key (tenant_id, date)
);

create table sms_message (
  id uuid primary key,
  dedupe_key text not null unique,
  tenant_id uuid,
  phone_enc text not null,
  body text not null,
  status text not null check (status in ('queued', 'sent', 'failed')),
  created_at timestamptz not null,
  sent_at timestamptz
);
`,
      ),
  },
];

/**
 * 接口对接: partner platforms and prefecture hotlines that post tickets into a tenant. The secret is
 * stored SM4-encrypted and shown once when the client is created.
 */
ticketMigrations.push({
  name: '0010-ticket-intake-clients',
  up: (db) =>
    runSql(
      db,
      `
create table intake_client (
  id uuid primary key,
  code text not null unique,
  name text not null,
  tenant_id uuid not null references tenant (id),
  org_id uuid not null references org (id),
  secret_enc text not null,
  active boolean not null default true,
  created_at timestamptz not null
);
create table intake_nonce (
  client_id uuid not null references intake_client (id),
  nonce text not null,
  seen_at timestamptz not null,
  primary key (client_id, nonce)
);
`,
    ),
});
