import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { TicketStatus } from '../../platform/db/schema.js';
import { invalid } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';
import { loadVisibleItem } from '../catalog/item.service.js';
import { formSchemaOf } from '../catalog/element.service.js';
import { validateFormData } from '../catalog/form-schema.js';
import { isActiveTask, nextTicketStatus, type TicketAction } from './ticket.machine.js';
import { actorOf, allocateTicketNo, lockTicket, updateTicket, writeEvent, tasksOf, type Ticket } from './ticket.repository.js';
import { startCallback } from './callback.service.js';
import { beijingMinute } from './sla/working-calendar.js';
import { assertHotline } from './ticket.access.js';
import { Notices } from './ticket.notify.js';
import { linkAttachments } from './attachment.service.js';

/**
 * 受理 (B1): registration by an agent, drafts, copy, direct answer, the intake review loop and the
 * follow-up records on an open ticket (追加, 催办, 撤单). Dispatch and handling are elsewhere.
 */
export interface CitizenInput {
  name?: string;
  phone?: string;
  idNo?: string;
  gender?: string;
  ageRange?: string;
  address?: string;
}

export interface TicketInput {
  channel: string;
  kind?: string;
  title?: string;
  content?: string;
  itemId?: string | null;
  urgency?: string;
  confidential?: boolean;
  callbackMode?: string;
  citizen?: CitizenInput;
  enterpriseId?: string | null;
  enterpriseName?: string | null;
  enterpriseRelated?: boolean;
  regionCode?: string | null;
  regionName?: string | null;
  address?: string | null;
  lat?: number | null;
  lng?: number | null;
  formData?: Record<string, unknown>;
  tags?: string[];
  attachmentIds?: string[];
}

export interface SystemSource {
  /** Registered by a partner platform or a citizen, not by a logged-in agent. */
  tenantId: string;
  orgId: string;
  name: string;
  externalSource?: string;
  externalId?: string;
}

const REQUIRED_TO_REGISTER: [keyof TicketInput, string][] = [
  ['title', '诉求标题'],
  ['content', '诉求内容'],
];

function checkComplete(input: TicketInput): void {
  const missing = REQUIRED_TO_REGISTER.filter(([k]) => !String(input[k] ?? '').trim());
  if (missing.length) throw invalid(`登记工单需填写：${missing.map(([, n]) => n).join('、')}`, missing.map(([k, n]) => ({ path: `/${k}`, message: `请填写${n}` })));
}

async function itemFields(trx: Db, actor: Actor | null, input: TicketInput) {
  if (!input.itemId) return { item_id: null, item_name: null, industry: null };
  const item = actor
    ? await loadVisibleItem(trx, actor, input.itemId)
    : await trx.selectFrom('catalog_item').selectAll().where('id', '=', input.itemId).executeTakeFirstOrThrow(() => invalid('诉求事项不存在'));
  if (input.formData && Object.keys(input.formData).length) {
    const errors = validateFormData(await formSchemaOf(trx, item), input.formData);
    if (errors.length) throw invalid('事项要素填写有误', errors);
  }
  return { item_id: item.id, item_name: item.name, industry: item.industry };
}

/** The caller's profile (人员信息库): created or refreshed on every registration, phone as key. */
async function upsertCitizen(trx: Db, deps: Deps, tenantId: string, c: CitizenInput | undefined): Promise<string | null> {
  const phone = c?.phone?.trim();
  if (!phone) return null;
  const idx = deps.cipher.blindIndex(phone, 'phone');
  const values = {
    name: c?.name?.trim() ?? '',
    gender: c?.gender ?? null,
    age_range: c?.ageRange ?? null,
    address_enc: c?.address ? deps.cipher.encrypt(c.address) : null,
    id_no_enc: c?.idNo ? deps.cipher.encrypt(c.idNo) : null,
    updated_at: deps.clock.now(),
  };
  const existing = await trx.selectFrom('citizen').select('id').where('tenant_id', '=', tenantId).where('phone_idx', '=', idx).executeTakeFirst();
  if (existing) {
    const changed = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== ''));
    await trx.updateTable('citizen').set(changed).where('id', '=', existing.id).execute();
    return existing.id;
  }
  const id = randomUUID();
  await trx.insertInto('citizen').values({ id, tenant_id: tenantId, phone_idx: idx, phone_enc: deps.cipher.encrypt(phone), ...values }).execute();
  return id;
}

function ticketColumns(deps: Deps, input: TicketInput) {
  const phone = input.citizen?.phone?.trim();
  return {
    channel: input.channel,
    kind: input.kind ?? null,
    title: input.title?.trim() ?? '',
    content: input.content?.trim() ?? '',
    urgency: input.urgency ?? 'normal',
    confidential: input.confidential ?? false,
    callback_mode: input.callbackMode ?? 'default',
    citizen_name: input.citizen?.name?.trim() ?? '',
    citizen_phone_enc: phone ? deps.cipher.encrypt(phone) : null,
    citizen_phone_idx: phone ? deps.cipher.blindIndex(phone, 'phone') : null,
    citizen_id_no_enc: input.citizen?.idNo ? deps.cipher.encrypt(input.citizen.idNo) : null,
    enterprise_id: input.enterpriseId ?? null,
    enterprise_name: input.enterpriseName ?? null,
    // 涉企: flagged when an enterprise is named, or by the agent.
    enterprise_related: input.enterpriseRelated ?? !!(input.enterpriseId || input.enterpriseName),
    region_code: input.regionCode ?? null,
    region_name: input.regionName ?? null,
    address: input.address ?? null,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    form_data: JSON.stringify(input.formData ?? {}),
    tags: JSON.stringify(input.tags ?? []),
  };
}

export async function insertTicket(
  trx: Db,
  deps: Deps,
  who: { actor: Actor | null; source: SystemSource | null },
  input: TicketInput,
  status: TicketStatus,
  links: { no: string; redoOf?: string; copiedFrom?: string },
): Promise<Ticket> {
  const tenantId = who.actor?.tenantId ?? who.source!.tenantId;
  const now = deps.clock.now();
  const row = {
    id: randomUUID(),
    no: links.no,
    tenant_id: tenantId,
    org_id: who.actor?.orgId ?? who.source!.orgId,
    created_by: who.actor?.userId ?? null,
    created_by_name: who.actor?.displayName ?? who.source!.name,
    status,
    close_reason: null,
    ...ticketColumns(deps, input),
    ...(await itemFields(trx, who.actor, input)),
    citizen_id: await upsertCitizen(trx, deps, tenantId, input.citizen),
    external_source: who.source?.externalSource ?? null,
    external_id: who.source?.externalId ?? null,
    redo_of: links.redoOf ?? null,
    copied_from: links.copiedFrom ?? null,
    created_at: now,
    updated_at: now,
  };
  const ticket = await trx.insertInto('ticket').values(row).returningAll().executeTakeFirstOrThrow();
  if (input.attachmentIds?.length) await linkAttachments(trx, tenantId, row.id, input.attachmentIds);
  return ticket;
}

export async function createTicket(deps: Deps, actor: Actor, input: TicketInput & { draft?: boolean }) {
  if (!input.draft) checkComplete(input);
  const no = await allocateTicketNo(deps);
  return commit(deps, actor, async (trx) => {
    const t = await insertTicket(trx, deps, { actor, source: null }, input, input.draft ? 'draft' : 'registered', { no });
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: t.id, action: input.draft ? 'save_draft' : 'register', to: t.status, detail: { channel: t.channel } });
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    if (!input.draft) await acknowledge(notices, t);
    return { result: { id: t.id, no: t.no, status: t.status }, audit: { action: input.draft ? 'ticket.draft' : 'ticket.register', targetType: 'ticket', targetId: t.id, detail: { no: t.no, channel: t.channel } }, events: notices.events };
  });
}

/** 受理回执: the citizen gets the ticket number and how to follow it. */
export async function acknowledge(notices: Notices, t: Ticket): Promise<void> {
  await notices.sms({ dedupeKey: `accepted:${t.id}`, tenantId: t.tenant_id, phoneEnc: t.citizen_phone_enc, body: `【12345热线】您的诉求已受理，工单号${t.no}。可凭工单号和手机号查询办理进度。` });
}

/** Edits a draft or a ticket still in intake; `register: true` completes a draft (暂存 → 登记). */
export async function editTicket(deps: Deps, actor: Actor, id: string, patch: Partial<TicketInput> & { register?: boolean }) {
  return commit(deps, actor, async (trx) => {
    const t = await lockTicket(trx, actor, id);
    if (t.status === 'draft' && t.created_by !== actor.userId) throw invalid('只能修改自己暂存的工单');
    const action: TicketAction = t.status === 'draft' ? (patch.register ? 'register' : 'save_draft') : 'edit';
    const to = nextTicketStatus(action, t.status);
    const stored = currentInput(deps, t);
    const merged: TicketInput = { ...stored, ...patch, citizen: { ...stored.citizen, ...patch.citizen } };
    if (to !== 'draft') checkComplete(merged);
    const columns = { ...ticketColumns(deps, merged), ...(await itemFields(trx, actor, merged)) };
    if (patch.citizen) columns.citizen_name = merged.citizen?.name?.trim() ?? '';
    await updateTicket(trx, t, deps.clock, { ...columns, status: to, citizen_id: (await upsertCitizen(trx, deps, t.tenant_id, merged.citizen)) ?? t.citizen_id });
    if (patch.attachmentIds?.length) await linkAttachments(trx, t.tenant_id, t.id, patch.attachmentIds);
    if (action !== 'save_draft') await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: t.id, action, from: t.status, to, detail: { fields: Object.keys(patch).filter((k) => k !== 'register') } });
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    if (action === 'register') await acknowledge(notices, await trx.selectFrom('ticket').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow());
    return { result: { id: t.id, no: t.no, status: to }, audit: { action: `ticket.${action}`, targetType: 'ticket', targetId: t.id, detail: { no: t.no, fields: Object.keys(patch) } }, events: notices.events };
  });
}

/** The editable input of a stored ticket (citizen data decrypted for the merge, never returned). */
function currentInput(deps: Deps, t: Ticket): TicketInput {
  return {
    channel: t.channel,
    kind: t.kind ?? undefined,
    title: t.title,
    content: t.content,
    itemId: t.item_id,
    urgency: t.urgency,
    confidential: t.confidential,
    callbackMode: t.callback_mode,
    citizen: { name: t.citizen_name, phone: t.citizen_phone_enc ? deps.cipher.decrypt(t.citizen_phone_enc) : undefined, idNo: t.citizen_id_no_enc ? deps.cipher.decrypt(t.citizen_id_no_enc) : undefined },
    enterpriseId: t.enterprise_id,
    enterpriseName: t.enterprise_name,
    enterpriseRelated: t.enterprise_related,
    regionCode: t.region_code,
    regionName: t.region_name,
    address: t.address,
    lat: t.lat,
    lng: t.lng,
    formData: t.form_data,
    tags: t.tags,
  };
}

/** 复制工单: one call, several demands, one ticket each; the copy starts as a draft to complete. */
export async function copyTicket(deps: Deps, actor: Actor, id: string) {
  const no = await allocateTicketNo(deps);
  return commit(deps, actor, async (trx) => {
    const src = await lockTicket(trx, actor, id);
    nextTicketStatus('copy', src.status);
    const input = { ...currentInput(deps, src), content: '', formData: {} };
    const t = await insertTicket(trx, deps, { actor, source: null }, input, 'draft', { no, copiedFrom: src.id });
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: t.id, action: 'copy', to: 'draft', detail: { from: src.no } });
    return { result: { id: t.id, no: t.no, status: t.status }, audit: { action: 'ticket.copy', targetType: 'ticket', targetId: t.id, detail: { from: src.no, no: t.no } } };
  });
}

/** A step of the intake loop that only moves the status (送值班长, 送审核, 退回补充, 审核通过). */
export async function moveIntake(deps: Deps, actor: Actor, id: string, action: 'escalate' | 'send_to_review' | 'return_for_supplement' | 'approve_intake', opinion?: string) {
  if (action === 'return_for_supplement' && !opinion?.trim()) throw invalid('退回补充登记须填写审核意见');
  return commit(deps, actor, async (trx) => {
    const t = await lockTicket(trx, actor, id);
    if (action !== 'escalate' && action !== 'send_to_review') await assertHotline(trx, actor, t);
    const to = nextTicketStatus(action, t.status);
    await updateTicket(trx, t, deps.clock, { status: to });
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: t.id, action, from: t.status, to, opinion: opinion ?? null });
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    if (action === 'return_for_supplement') await notices.toUsers(t.tenant_id, [t.created_by], `工单${t.no}退回补充登记`, opinion ?? '');
    return { result: { id: t.id, status: to }, audit: { action: `ticket.${action}`, targetType: 'ticket', targetId: t.id, detail: { no: t.no, opinion } }, events: notices.events };
  });
}

/** 直接答复: answered from the knowledge base, no dispatch; callback follows the policy. */
export async function answerDirectly(deps: Deps, actor: Actor, id: string, input: { answer: string; knowledgeIds?: string[] }) {
  return commit(deps, actor, async (trx) => {
    const t = await lockTicket(trx, actor, id);
    if (t.status === 'registered' || t.status === 'supplement') checkComplete(currentInput(deps, t));
    const to = nextTicketStatus('direct_answer', t.status);
    await updateTicket(trx, t, deps.clock, { status: to, answer: input.answer, completed_at: deps.clock.now() });
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: t.id, action: 'direct_answer', from: t.status, to, opinion: input.answer, detail: { knowledgeIds: input.knowledgeIds ?? [] } });
    const reloaded = await trx.selectFrom('ticket').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    const status = await startCallback(trx, deps, actorOf(actor), reloaded, notices);
    return { result: { id: t.id, status }, audit: { action: 'ticket.direct_answer', targetType: 'ticket', targetId: t.id, detail: { no: t.no } }, events: notices.events };
  });
}

/** 追加: the citizen adds to an open demand; the ticket's content grows and the units are told. */
export async function appendToTicket(deps: Deps, actor: Actor, id: string, input: { content: string; attachmentIds?: string[] }) {
  return followUp(deps, actor, id, 'append', input.content, async (trx, t, notices) => {
    const stamp = beijingMinute(deps.clock.now());
    await updateTicket(trx, t, deps.clock, { content: `${t.content}\n【追加 ${stamp}】${input.content}` });
    if (input.attachmentIds?.length) await linkAttachments(trx, t.tenant_id, t.id, input.attachmentIds);
    await notifyActiveUnits(trx, t, notices, `工单${t.no}有追加内容`, input.content);
  });
}

/** 催办: the citizen chases progress; every unit holding the ticket is urged. Counts toward supervision. */
export async function urgeTicket(deps: Deps, actor: Actor, id: string, input: { content: string }) {
  return followUp(deps, actor, id, 'urge', input.content, async (trx, t, notices) => {
    await updateTicket(trx, t, deps.clock, { complaint_count: t.complaint_count + 1 });
    await notifyActiveUnits(trx, t, notices, `【催办】工单${t.no}`, input.content);
  });
}

async function notifyActiveUnits(trx: Db, t: Ticket, notices: Notices, title: string, body: string): Promise<void> {
  for (const task of (await tasksOf(trx, t.id)).filter((k) => isActiveTask(k.status))) await notices.toOrg(task.tenant_id, task.org_id, title, body);
}

async function followUp(deps: Deps, actor: Actor, id: string, action: 'append' | 'urge', text: string, apply: (trx: Db, t: Ticket, notices: Notices) => Promise<void>) {
  return commit(deps, actor, async (trx) => {
    const t = await lockTicket(trx, actor, id);
    nextTicketStatus(action, t.status);
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    await apply(trx, t, notices);
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: t.id, action, opinion: text });
    return { result: { id: t.id, status: t.status }, audit: { action: `ticket.${action}`, targetType: 'ticket', targetId: t.id, detail: { no: t.no } }, events: notices.events };
  });
}

/** 撤单: the citizen's problem is solved; open tasks are cancelled, the units told, the ticket archived. */
export async function withdrawTicket(deps: Deps, actor: Actor, id: string, input: { reason: string }) {
  return commit(deps, actor, async (trx) => {
    const t = await lockTicket(trx, actor, id);
    const to = nextTicketStatus('withdraw', t.status);
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    await notifyActiveUnits(trx, t, notices, `【撤单】工单${t.no}已撤销`, input.reason);
    const now = deps.clock.now();
    await trx.updateTable('ticket_task').set({ status: 'cancelled', closed_at: now }).where('ticket_id', '=', t.id).where('status', 'in', ['awaiting_sign', 'in_progress', 'return_requested', 'suspended', 'reported']).execute();
    await trx.updateTable('ticket_request').set({ status: 'cancelled' }).where('ticket_id', '=', t.id).where('status', '=', 'pending').execute();
    await trx.updateTable('ticket_callback').set({ status: 'cancelled' }).where('ticket_id', '=', t.id).where('status', '=', 'pending').execute();
    await updateTicket(trx, t, deps.clock, { status: to, close_reason: 'withdrawn', archived_at: now });
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: t.id, action: 'withdraw', from: t.status, to, opinion: input.reason });
    return { result: { id: t.id, status: to }, audit: { action: 'ticket.withdraw', targetType: 'ticket', targetId: t.id, detail: { no: t.no, reason: input.reason } }, events: notices.events };
  });
}
