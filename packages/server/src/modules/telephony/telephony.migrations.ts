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
];
