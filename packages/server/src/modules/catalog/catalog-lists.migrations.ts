import type { ModuleMigration } from '../../platform/db/migrator.js';
import { runSql } from '../../platform/db/migrator.js';

/**
 * Additions for the three lists and the elements on top of 0004-catalog-core:
 * - a list entry carries its version and the published entry it revises (replaces_id), so a change
 *   to a published entry is reviewed as a new row while the old one keeps serving dispatch, and
 *   every version stays readable as a snapshot (职责清单 版本追溯);
 * - the review outcome (reviewer, time, opinion) is kept on the entry for the author to read;
 * - an element may carry its own options when no data dictionary fits, and every element version is
 *   frozen in catalog_element_version, so an old version stays queryable (tender §3.6).
 */
export const catalogListsMigrations: ModuleMigration[] = [
  {
    name: '0008-catalog-lists-extra',
    up: (db) =>
      runSql(
        db,
        `
alter table catalog_list_entry add column version int not null default 1;
alter table catalog_list_entry add column replaces_id uuid references catalog_list_entry (id);
alter table catalog_list_entry add column reviewed_by uuid;
alter table catalog_list_entry add column reviewed_at timestamptz;
alter table catalog_list_entry add column review_opinion text not null default '';
create index catalog_list_entry_scope_idx on catalog_list_entry (tenant_id, list_type, status);
create index catalog_list_entry_replaces_idx on catalog_list_entry (replaces_id);
alter table catalog_element add column options jsonb not null default '[]'::jsonb;
create table catalog_element_version (
  element_id uuid not null references catalog_element (id),
  version int not null,
  snapshot jsonb not null,
  changed_by uuid,
  changed_at timestamptz not null,
  primary key (element_id, version)
);
`,
      ),
  },
];
