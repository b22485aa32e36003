import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Clock } from '../../platform/clock.js';
import type {
  CatalogCategoryTable,
  CatalogElementRelationTable,
  CatalogElementTable,
  CatalogItemElementTable,
  CatalogItemTable,
  CatalogItemVersionTable,
  CatalogListEntryTable,
} from '../../platform/db/schema.js';
import type { CatalogElementVersionTable } from '../../platform/db/schema.js';
import type { ItemSnapshot } from './item.service.js';
import { buildSearchText, cleanList, pinyinInitials } from './search.js';
import { CATALOG_DOMAINS } from './seed-data/index.js';
import { ELEMENTS, type ElementCode, type ElementSeed } from './seed-data/elements.js';
import { DEPARTMENTS, TENANT_PROFILES, unitName, xpccPeerUnit, type DeptKey, type TenantProfile } from './seed-data/departments.js';
import type { AssistSeed, DemandType, DomainSeed, ElementRef, ItemSeed, SubCategorySeed } from './seed-data/types.js';

/**
 * The standard 诉求事项目录 every installation starts from (content: ./seed-data, provenance in
 * ./seed-data/SOURCE.md). Runs at the end of seedBase inside its transaction, so it has to stay fast
 * (it runs for every test database): everything is built in memory and written with a few batched
 * inserts.
 *
 * Codes: first-level category XJ12345-NN, sub-category XJ12345-NN-NN, item XJ12345-NN-NN-NNN (the
 * positions in seed-data). Items belong to the root tenant (origin standard, version 1 published);
 * the 职责清单 (responsibility list) gets rows for the root and for the tenants in TENANT_PROFILES
 * that exist, with unit names only (org_id null: organisations are demo data).
 */
export const CATALOG_CODE_PREFIX = 'XJ12345';

const GENERIC_CONSULT_STD =
  '坐席依据知识库和现行政策当场解答；不能当场答复的转主管部门，由其在办理时限内电话答复诉求人，告知政策依据、办理条件、所需材料和办理渠道。';

const GENERIC_SUGGEST_STD = '主管部门研究建议的可行性，结合年度工作计划在办理时限内答复诉求人是否采纳及理由；采纳的说明落实安排。';

/** Relations between elements (from → to); parent = from is the upper element of to. */
const ELEMENT_RELATIONS: readonly [ElementCode, ElementCode, CatalogElementRelationTable['kind']][] = [
  ['base.township', 'base.village', 'parent'],
  ['housing.community', 'housing.building', 'parent'],
  ['housing.building', 'housing.community', 'dependency'],
  ['xpcc.division', 'xpcc.regiment', 'parent'],
  ['xpcc.regiment', 'xpcc.division', 'dependency'],
  ['market.card_balance', 'market.merchant', 'dependency'],
  ['trade.declaration_no', 'trade.port', 'dependency'],
  ['base.enterprise', 'base.credit_code', 'association'],
  ['labor.unpaid_workers', 'labor.unpaid_amount', 'association'],
];

const pad = (n: number, width: number) => String(n).padStart(width, '0');

const consultOnly = (types: readonly DemandType[]) => types.every((t) => t === 'consult');
/** Items about something that happened get the time it happened. */
const isIncident = (types: readonly DemandType[]) => types.some((t) => t === 'complaint' || t === 'report' || t === 'help');

/** The item's elements in order; a required mention wins over an optional one. */
function elementsOf(sub: SubCategorySeed, item: ItemSeed): { code: ElementCode; required: boolean }[] {
  const refs: ElementRef[] = [...(consultOnly(item.t) ? [] : (sub.el ?? [])), ...(item.el ?? [])];
  if (isIncident(item.t)) refs.push('base.occurred_at');
  const out = new Map<ElementCode, boolean>();
  for (const ref of refs) {
    const required = ref.startsWith('!');
    const code = (required ? ref.slice(1) : ref) as ElementCode;
    out.set(code, (out.get(code) ?? false) || required);
  }
  return [...out].map(([code, required]) => ({ code, required }));
}

function handlingStandard(sub: SubCategorySeed, item: ItemSeed): string {
  if (item.std) return item.std;
  if (consultOnly(item.t)) return sub.stdConsult ?? GENERIC_CONSULT_STD;
  if (item.t.every((t) => t === 'suggest')) return GENERIC_SUGGEST_STD;
  return sub.std;
}

interface Duty {
  unit: string;
  role: 'lead' | 'assist';
  duty: string;
}

/** 职责清单 rows of one item in one tenant (empty when the item is not handled at that level there). */
function dutiesIn(t: TenantProfile, domain: DomainSeed, sub: SubCategorySeed, item: ItemSeed): Duty[] {
  const dept: DeptKey = item.dept ?? sub.dept;
  const levels = item.l ?? sub.l;
  const xpccDomain = domain.industry === 'xpcc-coordination';
  if ((t.kind === 'xpcc' || t.kind === 'xpcc-city') && !xpccDomain) return [];
  if (t.urban && (item.industry ?? sub.industry ?? domain.industry) === 'agriculture') return [];
  // The 自治区 department keeps the item in every case (policy, guidance, supervision).
  if (t.kind !== 'region' && !levels.includes(t.level)) return [];
  const lead = unitName(dept, t);
  if (!lead) return [];
  const local = item.duty ?? sub.duty;
  let duty: string;
  if (t.kind === 'region') {
    duty = levels.includes(1)
      ? `负责全区${sub.topic}工作的统筹指导；直接办理自治区本级及跨地（州、市）的诉求，督办重大疑难诉求`
      : `负责全区${sub.topic}工作的政策制定和业务指导，督办地（州、市）办理情况；一般性诉求由属地承办`;
  } else if (t.kind === 'xpcc' || t.kind === 'xpcc-city') {
    duty = '负责兵团职工、团场和连队一侧的核实与办理，会同地方对应部门联合处置，落实兵地协同办理结果';
  } else if (t.kind === 'prefecture') {
    duty = `${local}；承办本级诉求，指导督办所辖县（市、区）办理`;
  } else {
    duty = local;
  }
  const out: Duty[] = [{ unit: lead, role: 'lead', duty }];
  const assists: readonly AssistSeed[] = [...(sub.assist ?? []), ...(item.assist ?? [])];
  for (const [key, assistDuty] of assists) {
    const unit = key === 'xpcc-peer' ? xpccPeerUnit(dept, t) : unitName(key, t);
    if (!unit || out.some((d) => d.unit === unit)) continue;
    out.push({ unit, role: 'assist', duty: assistDuty });
  }
  return out;
}

async function insertChunked<T>(rows: readonly T[], size: number, insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

export async function seedCatalog(trx: Db, clock: Clock, rootTenantId: string): Promise<void> {
  const now = clock.now();
  const tenants = await trx
    .selectFrom('tenant')
    .select(['id', 'code'])
    .where('code', 'in', TENANT_PROFILES.map((t) => t.code))
    .execute();
  const tenantId = new Map(tenants.map((t) => [t.code, t.id]));
  // The 自治区 list belongs to the root tenant whatever its code.
  for (const t of TENANT_PROFILES) if (t.kind === 'region') tenantId.set(t.code, rootTenantId);
  const profiles = TENANT_PROFILES.filter((t) => tenantId.has(t.code));

  // ---- elements
  const elementId = new Map<ElementCode, string>();
  const elements: Insertable<CatalogElementTable>[] = [];
  const elementVersions: Insertable<CatalogElementVersionTable>[] = [];
  for (const [code, seed] of Object.entries(ELEMENTS) as [ElementCode, ElementSeed][]) {
    const id = randomUUID();
    elementId.set(code, id);
    const options = (seed.options ?? []).map(([value, label]) => ({ value, label }));
    const groupCode = code.slice(0, code.indexOf('.'));
    elements.push({
      id,
      tenant_id: rootTenantId,
      code,
      name: seed.name,
      data_type: seed.type,
      dict_code: seed.dictCode ?? null,
      validation: JSON.stringify(seed.validation),
      options: JSON.stringify(options),
      group_code: groupCode,
      domain: seed.domain,
      description: seed.description,
      status: 'published',
      version: 1,
      created_at: now,
      updated_at: now,
    });
    // The shape element.service freezes for every element version (elementView).
    const snapshot = {
      id,
      tenantId: rootTenantId,
      code,
      name: seed.name,
      dataType: seed.type,
      dictCode: seed.dictCode ?? null,
      options,
      validation: seed.validation,
      groupCode,
      domain: seed.domain,
      description: seed.description,
      status: 'published',
      version: 1,
      createdAt: now,
      updatedAt: now,
      editable: false,
    };
    elementVersions.push({ element_id: id, version: 1, snapshot: JSON.stringify(snapshot), changed_by: null, changed_at: now });
  }
  const relations: Insertable<CatalogElementRelationTable>[] = ELEMENT_RELATIONS.map(([from, to, kind]) => ({
    from_element_id: elementId.get(from)!,
    to_element_id: elementId.get(to)!,
    kind,
  }));

  // ---- categories, items, versions, item elements, 职责清单
  const categories: Insertable<CatalogCategoryTable>[] = [];
  const items: Insertable<CatalogItemTable>[] = [];
  const versions: Insertable<CatalogItemVersionTable>[] = [];
  const itemElements: Insertable<CatalogItemElementTable>[] = [];
  const duties: Insertable<CatalogListEntryTable>[] = [];
  const category = (parent: { id: string; path: string } | null, code: string, name: string, description: string, sort: number) => {
    const id = randomUUID();
    const path = `${parent?.path ?? '/'}${id}/`;
    categories.push({
      id,
      tenant_id: rootTenantId,
      parent_id: parent?.id ?? null,
      code,
      name,
      level: parent ? 2 : 1,
      path,
      sort,
      status: 'published',
      description,
      created_by: null,
      created_at: now,
      updated_at: now,
    });
    return { id, path };
  };

  CATALOG_DOMAINS.forEach((domain, di) => {
    const domainCode = `${CATALOG_CODE_PREFIX}-${pad(di + 1, 2)}`;
    const top = category(null, domainCode, domain.n, domain.d, di + 1);
    domain.subs.forEach((sub, si) => {
      const subCode = `${domainCode}-${pad(si + 1, 2)}`;
      const leaf = category(top, subCode, sub.n, sub.d, si + 1);
      sub.items.forEach((item, ii) => {
        const id = randomUUID();
        const code = `${subCode}-${pad(ii + 1, 3)}`;
        const snapshot: ItemSnapshot = {
          code,
          categoryId: leaf.id,
          name: item.n,
          description: item.d,
          keywords: cleanList(item.k),
          synonyms: cleanList(item.s),
          industry: item.industry ?? sub.industry ?? domain.industry,
          demandTypes: cleanList(item.t),
          levels: [...new Set(item.l ?? sub.l)].sort((a, b) => a - b),
          urgencyTiers: cleanList(item.u ?? sub.u),
          department: DEPARTMENTS[item.dept ?? sub.authority ?? sub.dept].region,
          handlingStandard: handlingStandard(sub, item),
          legalBasis: item.law ?? sub.law,
          effectiveFrom: null,
          effectiveTo: null,
        };
        const py = pinyinInitials(snapshot.name);
        items.push({
          id,
          tenant_id: rootTenantId,
          origin: 'standard',
          code,
          category_id: leaf.id,
          status: 'published',
          current_version: 1,
          name: snapshot.name,
          description: snapshot.description,
          keywords: snapshot.keywords,
          synonyms: snapshot.synonyms,
          industry: snapshot.industry,
          demand_types: snapshot.demandTypes,
          levels: snapshot.levels,
          urgency_tiers: snapshot.urgencyTiers,
          department: snapshot.department,
          handling_standard: snapshot.handlingStandard,
          legal_basis: snapshot.legalBasis,
          effective_from: null,
          effective_to: null,
          pinyin: py,
          search_text: buildSearchText({ name: snapshot.name, code, keywords: snapshot.keywords, synonyms: snapshot.synonyms, pinyin: py }),
          created_by: null,
          created_at: now,
          updated_at: now,
        });
        versions.push({ item_id: id, version: 1, snapshot: JSON.stringify(snapshot), change_id: null, published_by: null, published_at: now });
        elementsOf(sub, item).forEach((e, i) => itemElements.push({ item_id: id, element_id: elementId.get(e.code)!, required: e.required, sort: i + 1 }));
        for (const t of profiles) {
          for (const d of dutiesIn(t, domain, sub, item)) {
            duties.push({
              id: randomUUID(),
              list_type: 'responsibility',
              item_id: id,
              tenant_id: tenantId.get(t.code)!,
              org_id: null,
              unit_name: d.unit,
              role: d.role,
              duty: d.duty,
              legal_basis: snapshot.legalBasis,
              status: 'published',
              created_by: null,
              created_at: now,
              updated_at: now,
            });
          }
        }
      });
    });
  });

  // Parameters per statement stay far below PostgreSQL's 65535 limit.
  await trx.insertInto('catalog_element').values(elements).execute();
  await trx.insertInto('catalog_element_version').values(elementVersions).execute();
  await trx.insertInto('catalog_element_relation').values(relations).execute();
  await trx.insertInto('catalog_category').values(categories).execute();
  await insertChunked(items, 500, (chunk) => trx.insertInto('catalog_item').values(chunk).execute());
  await insertChunked(versions, 1000, (chunk) => trx.insertInto('catalog_item_version').values(chunk).execute());
  await insertChunked(itemElements, 2000, (chunk) => trx.insertInto('catalog_item_element').values(chunk).execute());
  await insertChunked(duties, 1000, (chunk) => trx.insertInto('catalog_list_entry').values(chunk).execute());
}
