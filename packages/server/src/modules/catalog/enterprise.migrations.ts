import type { ModuleMigration } from '../../platform/db/migrator.js';
import { runSql } from '../../platform/db/migrator.js';

/**
 * The enterprise library (企业库). A record is deleted logically, so a credit code is unique only
 * among live rows and a deleted enterprise can be entered again.
 */
export const enterpriseMigrations: ModuleMigration[] = [
  {
    name: '0005-catalog-enterprise',
    up: (db) =>
      runSql(
        db,
        `
create table enterprise (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  credit_code text not null check (credit_code ~ '^[0-9A-HJ-NPQRTUW-Y]{18}$'),
  name text not null,
  ownership text,
  industry text,
  registered_region text,
  address text,
  legal_person text,
  contacts jsonb not null default '[]'::jsonb,
  tags text[] not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  review_opinion text,
  submitted_by uuid,
  reviewed_by uuid,
  reviewed_at timestamptz,
  created_by uuid not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  deleted_at timestamptz
);
create unique index enterprise_credit_code_uq on enterprise (credit_code) where deleted_at is null;
create index enterprise_credit_code_prefix_idx on enterprise (credit_code text_pattern_ops) where deleted_at is null;
create index enterprise_tenant_idx on enterprise (tenant_id, status) where deleted_at is null;
create index enterprise_name_idx on enterprise (name) where deleted_at is null;
create index enterprise_updated_idx on enterprise (updated_at desc, id) where deleted_at is null;
create index enterprise_tags_idx on enterprise using gin (tags);
`,
      ),
  },
];
