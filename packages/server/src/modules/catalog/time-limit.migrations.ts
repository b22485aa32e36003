import type { ModuleMigration } from '../../platform/db/migrator.js';
import { runSql } from '../../platform/db/migrator.js';

/**
 * 办结时限 rules. A null dimension means "any": a rule with only `level` set is that level's
 * general limit, a rule with every dimension null is its owner's catch-all. The near-due (yellow)
 * stage is stored as a share of the limit (`warn_ratio`), because a ratio stays valid in every
 * unit and for one-day limits; red is always the deadline itself. `item_id` points into the
 * catalogue's item table, which another part owns, so it carries no foreign key.
 */
export const timeLimitMigrations: ModuleMigration[] = [
  {
    name: '0006-catalog-time-limits',
    up: (db) =>
      runSql(
        db,
        `
create table time_limit (
  id uuid primary key,
  tenant_id uuid not null references tenant (id),
  level int check (level between 1 and 5),
  industry text check (industry <> ''),
  urgency text check (urgency <> ''),
  item_id uuid,
  amount int not null check (amount > 0),
  unit text not null check (unit in ('workday', 'hour', 'natural_day')),
  warn_ratio numeric(4, 3) not null default 0.8 check (warn_ratio > 0 and warn_ratio < 1),
  legal_basis text not null default '',
  note text not null default '',
  updated_by text,
  updated_at timestamptz not null
);
create unique index time_limit_dimensions_uq on time_limit (
  tenant_id,
  coalesce(level, 0),
  coalesce(industry, ''),
  coalesce(urgency, ''),
  coalesce(item_id, '00000000-0000-0000-0000-000000000000'::uuid)
);
create index time_limit_item_idx on time_limit (item_id) where item_id is not null;
`,
      ),
  },
];
