import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestPlatform, type TestPlatform } from './harness.js';
import { CATALOG_CODE_PREFIX, seedCatalog } from '../src/modules/catalog/catalog.seed.js';
import { ELEMENT_TYPES, type ElementValidation } from '../src/modules/catalog/form-schema.js';
import { checkElementDefinition, checkItemElements, checkRelation } from '../src/modules/catalog/element.service.js';
import type { ElementOption } from '../src/platform/db/schema.js';
import { recommendUnits } from '../src/modules/catalog/list.service.js';
import { pinyinInitials } from '../src/modules/catalog/search.js';
import { CATALOG_DOMAINS, TENANT_PROFILES } from '../src/modules/catalog/seed-data/index.js';

/**
 * The standard catalogue seeded with every installation (seedBase → seedCatalog): its size, the
 * integrity of the tree, codes, dictionary values, versions, the 职责清单 and the elements, and the
 * time the seed takes (it runs for every test database).
 */
describe('standard catalogue seed', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await createTestPlatform();
  });
  afterAll(() => p.close());

  const db = () => p.deps.db;
  const dictValues = async (type: string) => new Set((await db().selectFrom('dict_item').select('value').where('type_code', '=', type).execute()).map((r) => r.value));

  it('has about 15 domains, 60–90 sub-categories and 250–400 items', async () => {
    const cats = await db().selectFrom('catalog_category').select(['level']).execute();
    const items = await db().selectFrom('catalog_item').select('id').execute();
    const top = cats.filter((c) => c.level === 1).length;
    const sub = cats.filter((c) => c.level === 2).length;
    console.info(`catalogue seed: ${top} first-level categories, ${sub} sub-categories, ${items.length} items`);
    expect(top).toBeGreaterThanOrEqual(12);
    expect(top).toBeLessThanOrEqual(20);
    expect(sub).toBeGreaterThanOrEqual(60);
    expect(sub).toBeLessThanOrEqual(90);
    expect(items.length).toBeGreaterThanOrEqual(250);
    expect(items.length).toBeLessThanOrEqual(400);
    // What is in the database is what seed-data describes.
    expect(items.length).toBe(CATALOG_DOMAINS.flatMap((d) => d.subs.flatMap((s) => s.items)).length);
  });

  it('keeps the tree consistent: paths follow parents, codes follow the scheme, items hang on leaves', async () => {
    const root = await db().selectFrom('tenant').select('id').where('code', '=', '650000').executeTakeFirstOrThrow();
    const cats = await db().selectFrom('catalog_category').selectAll().execute();
    const byId = new Map(cats.map((c) => [c.id, c]));
    for (const c of cats) {
      expect(c.status).toBe('published');
      expect(c.tenant_id).toBe(root.id);
      if (c.parent_id === null) {
        expect(c.level).toBe(1);
        expect(c.path).toBe(`/${c.id}/`);
        expect(c.code).toMatch(new RegExp(`^${CATALOG_CODE_PREFIX}-\\d{2}$`));
      } else {
        const parent = byId.get(c.parent_id);
        expect(parent, c.code).toBeDefined();
        expect(c.level).toBe(parent!.level + 1);
        expect(c.path).toBe(`${parent!.path}${c.id}/`);
        expect(c.code.startsWith(`${parent!.code}-`)).toBe(true);
      }
    }
    expect(new Set(cats.map((c) => c.code)).size).toBe(cats.length);

    const parents = new Set(cats.map((c) => c.parent_id).filter((x): x is string => x !== null));
    const items = await db().selectFrom('catalog_item').selectAll().execute();
    expect(new Set(items.map((i) => i.code)).size).toBe(items.length);
    // Each item distinct: no two items share a name.
    expect(new Set(items.map((i) => i.name)).size).toBe(items.length);
    for (const i of items) {
      const cat = byId.get(i.category_id);
      expect(cat, i.code).toBeDefined();
      expect(parents.has(i.category_id), `${i.code} hangs on a non-leaf category`).toBe(false);
      expect(i.code).toMatch(new RegExp(`^${cat!.code}-\\d{3}$`));
      expect(i).toMatchObject({ tenant_id: root.id, origin: 'standard', status: 'published', current_version: 1 });
    }
    // No empty sub-category.
    const used = new Set(items.map((i) => i.category_id));
    for (const c of cats.filter((c) => !parents.has(c.id))) expect(used.has(c.id), c.code).toBe(true);
  });

  it('uses only dictionary values and fills every descriptive field', async () => {
    const [industry, demandType, urgency] = await Promise.all([dictValues('industry'), dictValues('demand_type'), dictValues('urgency')]);
    const items = await db().selectFrom('catalog_item').selectAll().execute();
    const seenIndustries = new Set<string>();
    for (const i of items) {
      expect(industry.has(i.industry), `${i.code} industry ${i.industry}`).toBe(true);
      seenIndustries.add(i.industry);
      expect(i.demand_types.length, i.code).toBeGreaterThan(0);
      for (const t of i.demand_types) expect(demandType.has(t), `${i.code} demand type ${t}`).toBe(true);
      expect(i.urgency_tiers.length, i.code).toBeGreaterThan(0);
      for (const u of i.urgency_tiers) expect(urgency.has(u), `${i.code} urgency ${u}`).toBe(true);
      expect(i.levels.length, i.code).toBeGreaterThan(0);
      for (const l of i.levels) expect(l >= 1 && l <= 5, `${i.code} level ${l}`).toBe(true);
      for (const f of ['description', 'department', 'handling_standard', 'legal_basis'] as const) expect(i[f].trim(), `${i.code} ${f}`).not.toBe('');
      expect(i.keywords.length, i.code).toBeGreaterThan(0);
      expect(i.pinyin, i.code).not.toBe('');
      expect(i.pinyin).toBe(pinyinInitials(i.name));
      for (const part of [i.name, i.code, i.pinyin, ...i.keywords, ...i.synonyms]) expect(i.search_text.toLowerCase().includes(part.toLowerCase()), `${i.code} search_text lacks ${part}`).toBe(true);
    }
    // Every business domain of the dictionary except the catch-all has items.
    for (const v of industry) if (v !== 'other') expect(seenIndustries.has(v), `no item for industry ${v}`).toBe(true);
  });

  it('finds items by pinyin initials, keyword and synonym', async () => {
    const find = async (term: string) =>
      (
        await db()
          .selectFrom('catalog_item')
          .select('name')
          .where(sql<boolean>`lower(search_text) like ${`%${term}%`}`)
          .execute()
      ).map((r) => r.name);
    expect(await find(pinyinInitials('拖欠农民工工资'))).toContain('拖欠农民工工资');
    expect(await find('暖气不热')).toContain('供暖温度不达标');
    expect(await find('办的卡退不了')).toContain('预付卡退费难');
  });

  it('freezes version 1 of every item with the item content', async () => {
    const items = await db().selectFrom('catalog_item').select(['id', 'code', 'name', 'category_id', 'industry', 'legal_basis']).execute();
    const versions = await db().selectFrom('catalog_item_version').selectAll().execute();
    const byItem = new Map(versions.map((v) => [v.item_id, v]));
    expect(versions).toHaveLength(items.length);
    for (const i of items) {
      const v = byItem.get(i.id);
      expect(v?.version, i.code).toBe(1);
      expect(v!.snapshot).toMatchObject({ code: i.code, name: i.name, categoryId: i.category_id, industry: i.industry, legalBasis: i.legal_basis });
    }
  });

  it('seeds a 职责清单 for the root and the listed tenants that references real items and tenants', async () => {
    const entries = await db().selectFrom('catalog_list_entry').selectAll().execute();
    const tenants = await db().selectFrom('tenant').select(['id', 'code']).execute();
    const tenantCode = new Map(tenants.map((t) => [t.id, t.code]));
    const items = await db().selectFrom('catalog_item').select(['id', 'code', 'levels', 'industry']).execute();
    const itemIds = new Set(items.map((i) => i.id));
    const root = tenants.find((t) => t.code === '650000')!.id;
    console.info(`catalogue seed: ${entries.length} responsibility entries in ${new Set(entries.map((e) => e.tenant_id)).size} tenants`);
    for (const e of entries) {
      expect(itemIds.has(e.item_id)).toBe(true);
      expect(tenantCode.has(e.tenant_id)).toBe(true);
      expect(e).toMatchObject({ list_type: 'responsibility', status: 'published', org_id: null });
      expect(e.unit_name.trim()).not.toBe('');
      expect(e.duty.trim()).not.toBe('');
      expect(e.legal_basis.trim()).not.toBe('');
    }
    // Exactly one lead per item and tenant; the root leads every item.
    const leads = new Map<string, number>();
    for (const e of entries.filter((e) => e.role === 'lead')) leads.set(`${e.item_id}|${e.tenant_id}`, (leads.get(`${e.item_id}|${e.tenant_id}`) ?? 0) + 1);
    for (const n of leads.values()) expect(n).toBe(1);
    for (const i of items) expect(leads.has(`${i.id}|${root}`), i.code).toBe(true);
    // An assisting unit only where a lead exists, never the lead itself twice.
    for (const e of entries.filter((e) => e.role === 'assist')) expect(leads.has(`${e.item_id}|${e.tenant_id}`)).toBe(true);
    const keyed = new Set<string>();
    for (const e of entries) {
      const key = `${e.item_id}|${e.tenant_id}|${e.unit_name}`;
      expect(keyed.has(key), key).toBe(false);
      keyed.add(key);
    }
    // Prefectures, counties and 兵团 list only items handled at their level.
    const levelOf = new Map(items.map((i) => [i.id, i.levels]));
    const profile = new Map(TENANT_PROFILES.map((t) => [t.code, t]));
    for (const e of entries) {
      const t = profile.get(tenantCode.get(e.tenant_id)!);
      expect(t, tenantCode.get(e.tenant_id)).toBeDefined();
      if (t!.kind !== 'region') expect(levelOf.get(e.item_id)).toContain(t!.level);
    }
    const covered = new Set(entries.map((e) => tenantCode.get(e.tenant_id)));
    for (const code of ['650000', '650100', '650102', '650200', '653100', '654000', 'XPCC']) expect(covered.has(code), code).toBe(true);
  });

  it('recommends the local unit where a list exists and inherits the closest one elsewhere', async () => {
    const item = await db().selectFrom('catalog_item').select('id').where('name', '=', '物业服务质量差').executeTakeFirstOrThrow();
    const tenant = async (code: string) => (await db().selectFrom('tenant').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
    const ts = await recommendUnits(db(), { itemId: item.id, tenantId: await tenant('650102') });
    expect(ts.inherited).toBe(false);
    expect(ts.lead.map((u) => u.unitName)).toEqual(['天山区住房和城乡建设局']);
    // 沙依巴克区 has no list of its own: the 乌鲁木齐市 list applies.
    const syb = await recommendUnits(db(), { itemId: item.id, tenantId: await tenant('650103') });
    expect(syb.inherited).toBe(true);
    expect(syb.source?.tenantCode).toBe('650100');
    expect(syb.lead.map((u) => u.unitName)).toEqual(['乌鲁木齐市住房和城乡建设局']);
    const wage = await db().selectFrom('catalog_item').select('id').where('name', '=', '拖欠农民工工资').executeTakeFirstOrThrow();
    const kashgar = await recommendUnits(db(), { itemId: wage.id, tenantId: await tenant('653100') });
    expect(kashgar.lead.map((u) => u.unitName)).toEqual(['喀什地区人力资源和社会保障局']);
    expect(kashgar.assist.map((u) => u.unitName)).toContain('喀什地区住房和城乡建设局');
  });

  it('defines valid elements and links every item to consistent ones', async () => {
    const elements = await db().selectFrom('catalog_element').selectAll().execute();
    const dictTypes = new Set((await db().selectFrom('dict_type').select('code').execute()).map((d) => d.code));
    const name = new Map(elements.map((e) => [e.id, e.name]));
    expect(new Set(elements.map((e) => e.code)).size).toBe(elements.length);
    for (const e of elements) {
      expect((ELEMENT_TYPES as readonly string[]).includes(e.data_type), `${e.code} ${e.data_type}`).toBe(true);
      const errors = checkElementDefinition({
        name: e.name,
        dataType: e.data_type,
        dictCode: e.dict_code,
        options: e.options as ElementOption[],
        validation: e.validation as ElementValidation,
      });
      expect(errors, e.code).toEqual([]);
      if (e.dict_code) expect(dictTypes.has(e.dict_code), `${e.code} dict ${e.dict_code}`).toBe(true);
    }
    const relations = (await db().selectFrom('catalog_element_relation').selectAll().execute()).map((r) => ({ from: r.from_element_id, to: r.to_element_id, kind: r.kind }));
    relations.forEach((r, i) => expect(checkRelation(relations.slice(0, i), r, (id) => name.get(id) ?? id)).toBeNull());
    const versions = await db().selectFrom('catalog_element_version').select(['element_id', 'version']).execute();
    expect(versions.filter((v) => v.version === 1)).toHaveLength(elements.length);

    const links = await db().selectFrom('catalog_item_element').selectAll().execute();
    const byItem = new Map<string, { elementId: string; required: boolean }[]>();
    for (const l of links) byItem.set(l.item_id, [...(byItem.get(l.item_id) ?? []), { elementId: l.element_id, required: l.required }]);
    for (const [itemId, assigned] of byItem) expect(checkItemElements(assigned, relations, (id) => name.get(id) ?? id), itemId).toEqual([]);
    const items = await db().selectFrom('catalog_item').select(['id', 'demand_types']).execute();
    // Everything that happened somewhere asks at least when.
    const incidents = items.filter((i) => i.demand_types.some((t) => ['complaint', 'report', 'help'].includes(t)));
    for (const i of incidents) expect(byItem.get(i.id)?.length ?? 0).toBeGreaterThan(0);
    console.info(`catalogue seed: ${elements.length} elements, ${relations.length} relations, ${links.length} item-element links`);
  });

  it('seeds fast enough to run for every test database', async () => {
    const root = await db().selectFrom('tenant').select('id').where('code', '=', '650000').executeTakeFirstOrThrow();
    let ms = 0;
    let cpuMs = 0;
    // Re-run the seed on an emptied catalogue inside a transaction that is rolled back.
    await db()
      .transaction()
      .execute(async (trx) => {
        for (const table of [
          'catalog_list_entry',
          'catalog_item_element',
          'catalog_item_version',
          'catalog_item',
          'catalog_category',
          'catalog_element_relation',
          'catalog_element_version',
          'catalog_element',
        ] as const) {
          await trx.deleteFrom(table).execute();
        }
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        await seedCatalog(trx, p.clock, root.id);
        ms = performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        // CPU time of this process: PGlite runs in it, so this is the seed's cost even on a busy machine.
        cpuMs = (cpu.user + cpu.system) / 1000;
        throw new Rollback();
      })
      .catch((err: unknown) => {
        if (!(err instanceof Rollback)) throw err;
      });
    console.info(`catalogue seed on ${p.kind}: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU in this process`);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(5000);
    // The rollback left the seeded catalogue in place.
    expect((await db().selectFrom('catalog_item').select('id').execute()).length).toBeGreaterThan(0);
  });
});

class Rollback extends Error {}
