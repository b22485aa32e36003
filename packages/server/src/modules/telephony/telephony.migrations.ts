import type { ModuleMigration } from '../../platform/db/migrator.js';
import { runSql } from '../../platform/db/migrator.js';

/**
 * Call detail records of the media role, one row per inbound call. The columns the CTI will
 * filter and report on are columns; the rest of the record (IVR inputs, transfers, legs) is jsonb
 * as the engine produced it. `tenant_id` is the tenant the hotline number belongs to.
 */
export const telephonyMigrations: ModuleMigration[] = [
  {
    name: '0012-telephony-cdr',
    up: (db) =>
      runSql(
        db,
        `
create table telephony_cdr (
  id text primary key,
  tenant_id uuid references tenant (id),
  sip_call_id text not null,
  caller text not null,
  caller_withheld boolean not null default false,
  callee text not null,
  started_at timestamptz not null,
  answered_at timestamptz,
  bridged_at timestamptz,
  ended_at timestamptz,
  end_reason text,
  queue text,
  agent text,
  recording_path text,
  voicemail_path text,
  dtmf text not null default '',
  ivr_path jsonb not null default '[]',
  hold_seconds double precision not null default 0,
  record jsonb not null
);
create index telephony_cdr_tenant_started_idx on telephony_cdr (tenant_id, started_at desc);
create index telephony_cdr_caller_idx on telephony_cdr (caller, started_at desc);
`,
      ),
  },
  {
    name: '0013-telephony-recordings',
    up: (db) =>
      runSql(
        db,
        `
-- Recordings and voicemail move into the blob store when a call ends: the key, the SM3 digest
-- taken while storing (checked again on every full read) and the size. The *_path columns keep
-- where the engine wrote the file, for calls stored before the blob store existed.
alter table telephony_cdr add column recording_key text;
alter table telephony_cdr add column recording_sm3 text;
alter table telephony_cdr add column recording_size bigint;
alter table telephony_cdr add column voicemail_key text;
alter table telephony_cdr add column voicemail_sm3 text;
alter table telephony_cdr add column voicemail_size bigint;
create index telephony_cdr_agent_idx on telephony_cdr (agent, started_at desc);

-- Agent extensions: which user answers on which extension. The media role's registrar serves the
-- whole installation, so an extension is unique across tenants.
create table telephony_agent (
  tenant_id uuid not null references tenant (id),
  user_id uuid primary key references app_user (id),
  extension text not null unique,
  display_name text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index telephony_agent_tenant_idx on telephony_agent (tenant_id);

-- Installations seeded before the 话务 product existed: enable it (with its menus) where the work
-- orders are enabled, as a fresh seed does for every region and 兵团 tenant, and give the built-in
-- roles their telephony permissions (built-in roles change only with the code), sorted the way the
-- seed sorts them. A fresh database has no rows yet here; the seed does the same.
insert into tenant_product (tenant_id, product_key)
  select tp.tenant_id, 'telephony' from tenant_product tp join tenant t on t.id = tp.tenant_id
  where tp.product_key = 'tickets' and t.kind <> 'partner'
  on conflict do nothing;
insert into tenant_menu (tenant_id, menu_key)
  select tp.tenant_id, m.menu_key from tenant_product tp cross join (values ('telephony.calls'), ('telephony.softphone'), ('telephony.agents')) as m (menu_key)
  where tp.product_key = 'telephony'
  on conflict do nothing;
update role set permissions = array(select p from (select distinct p from unnest(permissions || array['telephony:call:read', 'telephony:recording:play', 'telephony:softphone:use']::text[]) as p) d order by p collate "C")
  where builtin and code = 'hotline_agent';
update role set permissions = array(select p from (select distinct p from unnest(permissions || array['telephony:call:read', 'telephony:recording:play']::text[]) as p) d order by p collate "C")
  where builtin and code = 'reviewer';
update role set permissions = array(select p from (select distinct p from unnest(permissions || array['telephony:call:read', 'telephony:recording:play']::text[]) as p) d order by p collate "C")
  where builtin and code = 'supervisor';
update role set permissions = array(select p from (select distinct p from unnest(permissions || array['telephony:agent:manage']::text[]) as p) d order by p collate "C")
  where builtin and code = 'sys_admin';
`,
      ),
  },
];
