import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Actor, Deps } from '../../platform/context.js';
import { hmacSm3Hex } from '../../platform/crypto/index.js';
import { AppError, notFound, unauthenticated } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';
import { tenantVisible } from '../../platform/scope.js';
import { FieldCipher } from '../../platform/crypto/index.js';
import { allocateTicketNo, SYSTEM_AUDIT, writeEvent, type EventActor } from './ticket.repository.js';
import { acknowledge, insertTicket, type TicketInput } from './intake.service.js';
import { TICKET_STATUS_NAMES, publicStatusOf } from './ticket.machine.js';
import { evaluateCallback } from './callback.service.js';
import { Notices } from './ticket.notify.js';

/**
 * Tickets that arrive without a logged-in agent: partner platforms and prefecture hotlines through
 * a signed API (诉求登记受理接口), and citizens through the H5 page (submit, query progress with
 * ticket number + phone, evaluate).
 */
const MAX_SKEW_MS = 5 * 60_000;

export async function createIntakeClient(deps: Deps, actor: Actor, input: { code: string; name: string; orgId: string }) {
  const org = await deps.db.selectFrom('org').select(['id', 'tenant_id']).where('id', '=', input.orgId).where((eb) => tenantVisible(eb, 'org.tenant_id', actor)).executeTakeFirst();
  if (!org) throw notFound('接收部门');
  const secret = randomBytes(32).toString('hex');
  return commit(deps, actor, async (trx) => {
    if (await trx.selectFrom('intake_client').select('id').where('code', '=', input.code).executeTakeFirst()) throw new AppError('CONFLICT', '接入方编码已存在', 409);
    const id = randomUUID();
    await trx.insertInto('intake_client').values({ id, code: input.code, name: input.name, tenant_id: org.tenant_id, org_id: org.id, secret_enc: deps.cipher.encrypt(secret), active: true, created_at: deps.clock.now() }).execute();
    // The secret is returned once and never again.
    return { result: { id, code: input.code, secret }, audit: { action: 'ticket.intake_client.create', targetType: 'intake_client', targetId: id, detail: { code: input.code, name: input.name } } };
  });
}

export async function listIntakeClients(deps: Deps, actor: Actor) {
  const rows = await deps.db.selectFrom('intake_client').select(['id', 'code', 'name', 'tenant_id', 'org_id', 'active', 'created_at']).where((eb) => tenantVisible(eb, 'intake_client.tenant_id', actor)).orderBy('created_at').execute();
  return { items: rows.map((r) => ({ id: r.id, code: r.code, name: r.name, tenantId: r.tenant_id, orgId: r.org_id, active: r.active, createdAt: r.created_at })) };
}

export interface SignedRequest {
  client: string | undefined;
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  rawBody: string;
}

/** HMAC-SM3 over "timestamp\nnonce\nbody"; stale or replayed requests are refused. */
async function verifySignature(deps: Deps, s: SignedRequest) {
  if (!s.client || !s.timestamp || !s.nonce || !s.signature) throw unauthenticated('SIGNATURE_REQUIRED', '缺少签名信息（X-Client、X-Timestamp、X-Nonce、X-Signature）');
  const client = await deps.db.selectFrom('intake_client').selectAll().where('code', '=', s.client).where('active', '=', true).executeTakeFirst();
  if (!client) throw unauthenticated('SIGNATURE_INVALID', '接入方不存在或已停用');
  const ts = Number(s.timestamp);
  if (!Number.isFinite(ts) || Math.abs(deps.clock.now().getTime() - ts) > MAX_SKEW_MS) throw unauthenticated('SIGNATURE_EXPIRED', '请求时间戳超出允许范围（5分钟）');
  const expected = hmacSm3Hex(deps.cipher.decrypt(client.secret_enc), `${s.timestamp}\n${s.nonce}\n${s.rawBody}`);
  const given = Buffer.from(s.signature.toLowerCase());
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) throw unauthenticated('SIGNATURE_INVALID', '签名校验失败');
  return client;
}

export interface PartnerTicket {
  externalId: string;
  title: string;
  content: string;
  kind?: string;
  itemId?: string;
  urgency?: 'normal' | 'urgent' | 'critical';
  citizen?: { name?: string; phone?: string };
  regionCode?: string;
  address?: string;
}

/** Idempotent on the partner's own id: the same externalId returns the ticket it already made. */
export async function partnerIntake(deps: Deps, s: SignedRequest, body: PartnerTicket) {
  const client = await verifySignature(deps, s);
  const no = await allocateTicketNo(deps);
  return commit(deps, { ...SYSTEM_AUDIT, name: `接口:${client.name}`, tenantId: client.tenant_id }, async (trx) => {
    const fresh = await trx.insertInto('intake_nonce').values({ client_id: client.id, nonce: s.nonce!, seen_at: deps.clock.now() }).onConflict((oc) => oc.doNothing()).returning('nonce').executeTakeFirst();
    if (!fresh) throw unauthenticated('SIGNATURE_REPLAYED', '重复的请求（nonce已使用）');
    const existing = await trx.selectFrom('ticket').select(['id', 'no', 'status']).where('external_source', '=', client.code).where('external_id', '=', body.externalId).executeTakeFirst();
    if (existing) return { result: { id: existing.id, no: existing.no, status: existing.status, duplicate: true }, audit: [] };
    const input: TicketInput = { channel: 'partner', kind: body.kind, title: body.title, content: body.content, itemId: body.itemId, urgency: body.urgency, citizen: body.citizen, regionCode: body.regionCode, address: body.address };
    const who = { actor: null, source: { tenantId: client.tenant_id, orgId: client.org_id, name: `接口:${client.name}`, externalSource: client.code, externalId: body.externalId } };
    const t = await insertTicket(trx, deps, who, input, 'pending_dispatch', { no });
    const ev: EventActor = { id: null, name: `接口:${client.name}`, tenantId: client.tenant_id, orgId: client.org_id };
    await writeEvent(trx, deps.clock, ev, { ticketId: t.id, action: 'register', to: t.status, detail: { channel: 'partner', client: client.code, externalId: body.externalId } });
    const notices = new Notices(trx, deps, { id: null, name: `接口:${client.name}` });
    await notices.toPermission(client.tenant_id, 'ticket:dispatch', `外部平台来单待派发：${t.no}`, t.title);
    await acknowledge(notices, t);
    return { result: { id: t.id, no: t.no, status: t.status, duplicate: false }, audit: { action: 'ticket.partner_intake', targetType: 'ticket', targetId: t.id, detail: { client: client.code, externalId: body.externalId, no: t.no } }, events: notices.events };
  });
}

// ------------------------------------------------------------------ citizens (H5)

/** The hotline that receives web submissions: the root tenant's first top-level department. */
async function webIntakeTarget(deps: Deps) {
  const root = await deps.db.selectFrom('tenant').select(['id']).where('parent_id', 'is', null).orderBy('sort').executeTakeFirstOrThrow();
  const org = await deps.db.selectFrom('org').select(['id']).where('tenant_id', '=', root.id).where('parent_id', 'is', null).where('kind', '=', 'department').orderBy('sort').orderBy('created_at').executeTakeFirstOrThrow();
  return { tenantId: root.id, orgId: org.id };
}

export async function citizenSubmit(deps: Deps, body: { title: string; content: string; name: string; phone: string; regionCode?: string; address?: string; kind?: string }) {
  const target = await webIntakeTarget(deps);
  const no = await allocateTicketNo(deps);
  return commit(deps, { ...SYSTEM_AUDIT, name: '诉求人（网上提交）', tenantId: target.tenantId }, async (trx) => {
    const input: TicketInput = { channel: 'web', kind: body.kind, title: body.title, content: body.content, citizen: { name: body.name, phone: body.phone }, regionCode: body.regionCode, address: body.address };
    const t = await insertTicket(trx, deps, { actor: null, source: { ...target, name: '诉求人（网上提交）' } }, input, 'registered', { no });
    await writeEvent(trx, deps.clock, { id: null, name: '诉求人（网上提交）', tenantId: target.tenantId, orgId: null }, { ticketId: t.id, action: 'register', to: t.status, detail: { channel: 'web' } });
    const notices = new Notices(trx, deps, { id: null, name: '网上诉求' });
    await notices.toPermission(target.tenantId, 'ticket:dispatch', `网上诉求待受理：${t.no}`, t.title);
    await acknowledge(notices, t);
    return { result: { no: t.no, status: publicStatusOf(t.status) }, audit: { action: 'ticket.web_submit', targetType: 'ticket', targetId: t.id, detail: { no: t.no } }, events: notices.events };
  });
}

async function ticketByNoAndPhone(deps: Deps, no: string, phone: string) {
  const t = await deps.db.selectFrom('ticket').selectAll().where('no', '=', no.trim()).where('citizen_phone_idx', '=', deps.cipher.blindIndex(phone.trim(), 'phone')).executeTakeFirst();
  // Same answer for a wrong number and a wrong phone: the pair is the credential.
  if (!t || t.status === 'draft') throw notFound('工单（请核对工单号和手机号）');
  return t;
}

const PUBLIC_ACTIONS: Record<string, string> = {
  register: '已受理',
  dispatch: '已派发至承办单位',
  sign: '承办单位已签收',
  report: '承办单位已反馈办理结果',
  review_approve: '已办结',
  direct_answer: '已答复',
  callback_result: '已回访',
  callback_dissatisfied: '已转承办单位重新办理',
  withdraw: '已撤单',
};

/** What a citizen may see: status, public steps with units, the reply; never names of staff. */
export async function citizenQuery(deps: Deps, no: string, phone: string) {
  const t = await ticketByNoAndPhone(deps, no, phone);
  const events = await deps.db.selectFrom('ticket_event').select(['at', 'action', 'actor_org_name', 'actor_tenant_name']).where('ticket_id', '=', t.id).orderBy('id').execute();
  const pending = await deps.db.selectFrom('ticket_callback').select('id').where('ticket_id', '=', t.id).where('status', '=', 'pending').executeTakeFirst();
  return {
    no: t.no,
    title: t.title,
    status: publicStatusOf(t.status),
    statusDetail: TICKET_STATUS_NAMES[t.status],
    citizenPhone: t.citizen_phone_enc ? FieldCipher.maskPhone(deps.cipher.decrypt(t.citizen_phone_enc)) : null,
    createdAt: t.created_at,
    answer: t.status === 'callback' || t.status === 'archived' ? t.answer : null,
    canEvaluate: !!pending,
    statusCode: t.status,
    steps: events.filter((e) => PUBLIC_ACTIONS[e.action]).map((e) => ({ at: e.at, code: e.action, step: PUBLIC_ACTIONS[e.action], unit: e.action === 'sign' || e.action === 'report' ? e.actor_org_name : null })),
  };
}

/** Evaluation from the progress page: the same as the SMS link, keyed by number + phone. */
export async function citizenEvaluate(deps: Deps, input: { no: string; phone: string; handlingRating: number; serviceRating: number; comment?: string }) {
  const t = await ticketByNoAndPhone(deps, input.no, input.phone);
  const cb = await deps.db.selectFrom('ticket_callback').select(['id', 'mode']).where('ticket_id', '=', t.id).where('status', '=', 'pending').executeTakeFirst();
  if (!cb) throw new AppError('INVALID_STATE', '该工单当前不需要评价', 409);
  return evaluateCallback(deps, cb.id, input, 'web');
}
