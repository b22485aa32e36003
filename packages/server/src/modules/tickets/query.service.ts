import { sql, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { Actor, Deps } from '../../platform/context.js';
import type { Database, TicketStatus, TicketSupervisionTable } from '../../platform/db/schema.js';
import { FieldCipher } from '../../platform/crypto/index.js';
import { notFound, invalid } from '../../platform/errors.js';
import { containsPattern } from '../../platform/sql.js';
import { commit, pageOf } from '../../platform/usecase.js';
import { writeSheet, type ColumnSpec } from '../../platform/excel/sheet.js';
import { TASK_STATUS_NAMES, TICKET_STATUS_NAMES, publicStatusOf } from './ticket.machine.js';
import { ticketVisible, type Task, type Ticket } from './ticket.repository.js';
import { requestView } from './request.service.js';
import { isHotlineOf } from './ticket.access.js';
import { robotOpening } from './callback-robot.js';
import { beijingMinute } from './sla/working-calendar.js';

/**
 * Reads: lists with filters, the role to-do boxes, the detail page (timeline and the dispatch chain
 * across levels and tenants), the caller history, and the Excel export. Personal data is masked
 * unless the caller holds citizen:pii.
 */
export interface TicketQuery {
  page?: number;
  pageSize?: number;
  order?: 'asc' | 'desc';
  keyword?: string;
  status?: TicketStatus[];
  channel?: string;
  itemId?: string;
  regionCode?: string;
  from?: string;
  to?: string;
  overdue?: boolean;
  enterpriseRelated?: boolean;
  supervised?: boolean;
  box?: TicketBox;
}

export type TicketBox = 'mine' | 'intake' | 'dispatch' | 'result_review' | 'callback' | 'appeal' | 'returns' | 'approvals';

type Q = SelectQueryBuilder<Database, 'ticket', object>;

function parseDate(s: string | undefined, field: string): Date | undefined {
  if (!s) return undefined;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw invalid(`${field}不是有效的日期`);
  return d;
}

function applyFilters(q: Q, f: TicketQuery): Q {
  if (f.keyword) {
    const p = containsPattern(f.keyword);
    q = q.where((eb) => eb.or([eb('ticket.no', 'like', p), eb('ticket.title', 'like', p), eb('ticket.content', 'like', p)]));
  }
  if (f.status?.length) q = q.where('ticket.status', 'in', f.status);
  if (f.channel) q = q.where('ticket.channel', '=', f.channel);
  if (f.itemId) q = q.where('ticket.item_id', '=', f.itemId);
  if (f.regionCode) q = q.where('ticket.region_code', 'like', `${f.regionCode.replace(/0+$/, '')}%`);
  const from = parseDate(f.from, '开始时间');
  const to = parseDate(f.to, '结束时间');
  if (from) q = q.where('ticket.created_at', '>=', from);
  if (to) q = q.where('ticket.created_at', '<', to);
  if (f.overdue !== undefined) q = q.where('ticket.overdue', '=', f.overdue);
  if (f.enterpriseRelated !== undefined) q = q.where('ticket.enterprise_related', '=', f.enterpriseRelated);
  if (f.supervised !== undefined) q = q.where('ticket.supervised', '=', f.supervised);
  return q;
}

function applyBox(q: Q, box: TicketBox | undefined, actor: Actor): Q {
  switch (box) {
    case undefined:
      return q;
    case 'mine':
      return q.where('ticket.created_by', '=', actor.userId).where('ticket.status', 'in', ['draft', 'registered', 'supplement', 'shift_lead']);
    case 'intake':
      return q.where('ticket.tenant_id', '=', actor.tenantId).where('ticket.status', 'in', ['intake_review', 'shift_lead', 'registered']);
    case 'dispatch':
      return q.where('ticket.tenant_id', '=', actor.tenantId).where('ticket.status', 'in', ['pending_dispatch', 'difficult']);
    case 'result_review':
      return q.where('ticket.tenant_id', '=', actor.tenantId).where('ticket.status', '=', 'result_review');
    case 'callback':
      return q.where('ticket.tenant_id', '=', actor.tenantId).where('ticket.status', '=', 'callback');
    case 'appeal':
      return q.where('ticket.tenant_id', '=', actor.tenantId).where('ticket.status', '=', 'appeal_review');
    case 'returns':
    case 'approvals':
      return q.where('ticket.tenant_id', '=', actor.tenantId).where((eb) =>
        eb.exists(
          eb
            .selectFrom('ticket_request')
            .select(sql`1`.as('one'))
            .whereRef('ticket_request.ticket_id', '=', 'ticket.id')
            .where('ticket_request.status', '=', 'pending')
            .where('ticket_request.kind', box === 'returns' ? '=' : '!=', 'return')
            .where(sql<boolean>`ticket_request.steps -> ticket_request.step ->> 'by' = 'hotline'`),
        ),
      );
  }
}

export async function listTickets(deps: Deps, actor: Actor, f: TicketQuery) {
  const { page, pageSize } = pageOf(f);
  const base = applyBox(applyFilters(deps.db.selectFrom('ticket').where((eb) => ticketVisible(eb, actor)), f), f.box, actor);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('ticket')
    .orderBy('ticket.created_at', f.order === 'asc' ? 'asc' : 'desc')
    .orderBy('ticket.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  const units = await currentUnits(deps, rows.map((r) => r.id));
  return { items: rows.map((r) => ({ ...summaryOf(deps, actor, r), units: units.get(r.id) ?? [] })), total: Number(total) };
}

async function currentUnits(deps: Deps, ids: string[]): Promise<Map<string, string[]>> {
  if (ids.length === 0) return new Map();
  const tasks = await deps.db.selectFrom('ticket_task').select(['ticket_id', 'org_name', 'status', 'parent_id']).where('ticket_id', 'in', ids).where('status', 'not in', ['cancelled', 'returned']).execute();
  const map = new Map<string, string[]>();
  for (const t of tasks.filter((k) => k.parent_id === null)) map.set(t.ticket_id, [...(map.get(t.ticket_id) ?? []), t.org_name]);
  return map;
}

const canSeePii = (actor: Actor) => actor.permissions.has('citizen:pii');

function phoneOf(deps: Deps, actor: Actor, t: Pick<Ticket, 'citizen_phone_enc'>): string | null {
  if (!t.citizen_phone_enc) return null;
  const phone = deps.cipher.decrypt(t.citizen_phone_enc);
  return canSeePii(actor) ? phone : FieldCipher.maskPhone(phone);
}

function maskName(name: string): string {
  return name ? `${name.slice(0, 1)}**` : '';
}

export function summaryOf(deps: Deps, actor: Actor, t: Ticket) {
  const hidePerson = t.confidential && !canSeePii(actor);
  return {
    id: t.id,
    no: t.no,
    tenantId: t.tenant_id,
    status: t.status,
    statusName: TICKET_STATUS_NAMES[t.status],
    publicStatus: publicStatusOf(t.status),
    closeReason: t.close_reason,
    channel: t.channel,
    kind: t.kind,
    title: t.title,
    itemId: t.item_id,
    itemName: t.item_name,
    urgency: t.urgency,
    citizenName: hidePerson ? maskName(t.citizen_name) : t.citizen_name,
    citizenPhone: hidePerson ? null : phoneOf(deps, actor, t),
    enterpriseRelated: t.enterprise_related,
    regionCode: t.region_code,
    regionName: t.region_name,
    deadlineAt: t.deadline_at,
    overdue: t.overdue,
    supervised: t.supervised,
    difficult: t.difficult,
    returnCount: t.return_count,
    complaintCount: t.complaint_count,
    createdBy: t.created_by_name,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
  };
}

export async function getTicket(deps: Deps, actor: Actor, id: string) {
  const t = await deps.db.selectFrom('ticket').selectAll().where('ticket.id', '=', id).where((eb) => ticketVisible(eb, actor)).executeTakeFirst();
  if (!t) throw notFound('工单');
  const [tasks, events, requests, callbacks, supervisions, attachments, links] = await Promise.all([
    deps.db.selectFrom('ticket_task').selectAll().where('ticket_id', '=', id).orderBy('assigned_at').orderBy('id').execute(),
    deps.db.selectFrom('ticket_event').selectAll().where('ticket_id', '=', id).orderBy('id').execute(),
    deps.db.selectFrom('ticket_request').selectAll().where('ticket_id', '=', id).orderBy('requested_at').execute(),
    deps.db.selectFrom('ticket_callback').selectAll().where('ticket_id', '=', id).orderBy('round').execute(),
    deps.db.selectFrom('ticket_supervision').selectAll().where('ticket_id', '=', id).orderBy('created_at').execute(),
    deps.db.selectFrom('ticket_attachment').select(['id', 'name', 'mime', 'size', 'uploaded_at']).where('ticket_id', '=', id).execute(),
    deps.db.selectFrom('ticket').select(['id', 'no', 'redo_of', 'copied_from']).where((eb) => eb.or([eb('redo_of', '=', id), eb('copied_from', '=', id), eb('id', '=', t.redo_of ?? id), eb('id', '=', t.copied_from ?? id)])).where('id', '!=', id).execute(),
  ]);
  const hotline = await isHotlineOf(deps.db, actor, t);
  const tenantIds = [...new Set(tasks.map((k) => k.tenant_id))];
  const tenantNames = new Map(tenantIds.length ? (await deps.db.selectFrom('tenant').select(['id', 'name']).where('id', 'in', tenantIds).execute()).map((r) => [r.id, r.name]) : []);
  return {
    ...summaryOf(deps, actor, t),
    content: t.content,
    answer: t.answer,
    address: t.address,
    lat: t.lat,
    lng: t.lng,
    formData: t.form_data,
    tags: hotline ? t.tags : [],
    confidential: t.confidential,
    callbackMode: t.callback_mode,
    enterpriseId: t.enterprise_id,
    enterpriseName: t.enterprise_name,
    sla: t.sla_unit ? { amount: Number(t.sla_amount), unit: t.sla_unit, warnAt: t.warn_at, deadlineAt: t.deadline_at } : null,
    completedAt: t.completed_at,
    archivedAt: t.archived_at,
    redoOf: t.redo_of,
    links: links.map((l) => {
      const code = l.redo_of === id ? 'redo' : l.copied_from === id ? 'copy' : l.id === t.redo_of ? 'redo_of' : 'copied_from';
      return { id: l.id, no: l.no, relationCode: code, relation: RELATION_NAMES[code] };
    }),
    isHotline: hotline,
    tasks: tasks.map((k) => ({ ...taskView(k), tenantName: tenantNames.get(k.tenant_id) ?? null })),
    chain: chainOf(tasks, tenantNames),
    timeline: events.map((e) => ({ id: e.id, at: e.at, actor: e.actor_name, tenant: e.actor_tenant_name, org: e.actor_org_name, action: e.action, from: e.from_status, to: e.to_status, opinion: e.opinion, detail: e.detail, attachments: e.attachments, taskId: e.task_id })),
    requests: requests.map(requestView),
    callbacks: callbacks.map((c) => ({
      id: c.id,
      round: c.round,
      mode: c.mode,
      status: c.status,
      dueAt: c.due_at,
      result: c.result,
      handlingRating: c.handling_rating,
      serviceRating: c.service_rating,
      comment: c.comment,
      channel: c.channel,
      doneBy: c.done_by_name,
      doneAt: c.done_at,
      robotStep: (c.robot_state as { step?: string } | null)?.step ?? null,
      // What the robot says first, for the panel that drives it turn by turn.
      robotOpening: c.mode === 'robot' && c.status === 'pending' ? robotOpening(t).say : null,
    })),
    supervisions: supervisions.map(supervisionView),
    attachments,
  };
}

export function taskView(k: Task) {
  return {
    id: k.id,
    ticketId: k.ticket_id,
    parentId: k.parent_id,
    tenantId: k.tenant_id,
    orgId: k.org_id,
    orgName: k.org_name,
    role: k.role,
    status: k.status,
    statusName: TASK_STATUS_NAMES[k.status],
    depth: k.depth,
    assignedBy: k.assigned_by_name,
    assignedAt: k.assigned_at,
    opinion: k.opinion,
    deadlineAt: k.deadline_at,
    handlerId: k.handler_id,
    signedBy: k.signed_by_name,
    signedAt: k.signed_at,
    result: k.result,
    reportedBy: k.reported_by_name,
    reportedAt: k.reported_at,
    closedAt: k.closed_at,
    suspendedAt: k.suspended_at,
  };
}

const RELATION_NAMES: Record<string, string> = { redo: '重办工单', copy: '复制工单', redo_of: '原工单（重办）', copied_from: '复制来源' };

export interface ChainNode {
  taskId: string;
  orgName: string;
  tenantId: string;
  tenantName: string | null;
  role: string;
  status: string;
  statusName: string;
  signedBy: string | null;
  reportedBy: string | null;
  children: ChainNode[];
}

/** 处置链路视图: the task tree, every hop with its unit, tenant, state and responsible person. */
export function chainOf(tasks: Task[], tenantNames: ReadonlyMap<string, string> = new Map()): ChainNode[] {
  const node = (k: Task): ChainNode => ({
    taskId: k.id,
    orgName: k.org_name,
    tenantId: k.tenant_id,
    tenantName: tenantNames.get(k.tenant_id) ?? null,
    role: k.role,
    status: k.status,
    statusName: TASK_STATUS_NAMES[k.status],
    signedBy: k.signed_by_name,
    reportedBy: k.reported_by_name,
    children: tasks.filter((c) => c.parent_id === k.id).map(node),
  });
  return tasks.filter((k) => k.parent_id === null).map(node);
}

export function supervisionView(s: Selectable<TicketSupervisionTable>) {
  return { id: s.id, ticketId: s.ticket_id, taskId: s.task_id, ruleId: s.rule_id, kind: s.kind, level: s.level, reason: s.reason, requirement: s.requirement, targetOrgName: s.target_org_name, status: s.status, reply: s.reply, firstResponseAt: s.first_response_at, closedAt: s.closed_at, createdBy: s.created_by_name, createdAt: s.created_at };
}

// ------------------------------------------------------------------ units' to-do

export type TaskBox = 'sign' | 'handling' | 'returned_to_me' | 'done' | 'all' | 'approvals';

/** A unit's boxes: its own org (handlers) or its subtree (leaders), over every tenant's tickets. */
export async function listTasks(deps: Deps, actor: Actor, q: { box?: TaskBox; page?: number; pageSize?: number; keyword?: string }) {
  const { page, pageSize } = pageOf(q);
  let base = deps.db
    .selectFrom('ticket_task')
    .innerJoin('ticket', 'ticket.id', 'ticket_task.ticket_id')
    .where('ticket_task.tenant_id', '=', actor.tenantId)
    .where((eb) => (actor.dataScope === 'org' || actor.dataScope === 'self' ? eb('ticket_task.org_id', '=', actor.orgId) : eb('ticket_task.org_id', 'in', eb.selectFrom('org').select('org.id').where('org.path', 'like', `${actor.orgPath}%`))));
  const box = q.box ?? 'all';
  if (box === 'sign') base = base.where('ticket_task.status', '=', 'awaiting_sign');
  if (box === 'handling') base = base.where('ticket_task.status', 'in', ['in_progress', 'suspended', 'return_requested']);
  if (box === 'returned_to_me') base = base.where('ticket_task.status', '=', 'in_progress').where('ticket.status', '=', 'rework');
  if (box === 'done') base = base.where('ticket_task.status', 'in', ['reported', 'done', 'returned']);
  if (box === 'approvals') {
    base = base.where((eb) =>
      eb.exists(
        eb
          .selectFrom('ticket_request')
          .innerJoin('ticket_task as child', 'child.id', 'ticket_request.task_id')
          .select(sql`1`.as('one'))
          .where('ticket_request.status', '=', 'pending')
          .where((e) => e.or([e.and([e('child.id', '=', e.ref('ticket_task.id')), e(sql<string>`ticket_request.steps -> ticket_request.step ->> 'by'`, '=', 'unit_leader')]), e.and([e('child.parent_id', '=', e.ref('ticket_task.id')), e(sql<string>`ticket_request.steps -> ticket_request.step ->> 'by'`, '=', 'assigner')])])),
      ),
    );
  }
  if (q.keyword) {
    const p = containsPattern(q.keyword);
    base = base.where((eb) => eb.or([eb('ticket.no', 'like', p), eb('ticket.title', 'like', p)]));
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base.selectAll('ticket_task').select(['ticket.no', 'ticket.title', 'ticket.status as ticket_status', 'ticket.urgency', 'ticket.overdue', 'ticket.deadline_at as ticket_deadline']).orderBy('ticket_task.assigned_at', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
  return {
    items: rows.map((r) => ({ ...taskView(r), no: r.no, title: r.title, ticketStatus: r.ticket_status, ticketStatusName: TICKET_STATUS_NAMES[r.ticket_status], urgency: r.urgency, overdue: r.overdue })),
    total: Number(total),
  };
}

// ------------------------------------------------------------------ caller history

/** 来电历史: the caller's profile and past tickets in the agent's hotline, for repeat demands. */
export async function citizenHistory(deps: Deps, actor: Actor, phone: string) {
  const idx = deps.cipher.blindIndex(phone.trim(), 'phone');
  const citizen = await deps.db.selectFrom('citizen').selectAll().where('tenant_id', '=', actor.tenantId).where('phone_idx', '=', idx).executeTakeFirst();
  const rows = await deps.db.selectFrom('ticket').selectAll().where('tenant_id', '=', actor.tenantId).where('citizen_phone_idx', '=', idx).where('status', '!=', 'draft').orderBy('created_at', 'desc').limit(20).execute();
  return {
    citizen: citizen ? { name: citizen.name, gender: citizen.gender, ageRange: citizen.age_range, address: citizen.address_enc && canSeePii(actor) ? deps.cipher.decrypt(citizen.address_enc) : null } : null,
    tickets: rows.map((r) => ({ id: r.id, no: r.no, title: r.title, status: r.status, statusName: TICKET_STATUS_NAMES[r.status], itemName: r.item_name, createdAt: r.created_at, answer: r.answer })),
  };
}

// ------------------------------------------------------------------ export

interface ExportRow {
  no: string;
  status: string;
  channel: string;
  title: string;
  itemName: string;
  citizenName: string;
  citizenPhone: string;
  regionName: string;
  units: string;
  createdAt: string;
  deadlineAt: string;
  overdue: string;
  completedAt: string;
}

const EXPORT_COLUMNS: ColumnSpec<ExportRow>[] = [
  { header: '工单编号', key: 'no', width: 22 },
  { header: '状态', key: 'status', width: 14 },
  { header: '受理渠道', key: 'channel', width: 10 },
  { header: '标题', key: 'title', width: 40 },
  { header: '诉求事项', key: 'itemName', width: 24 },
  { header: '诉求人', key: 'citizenName', width: 10 },
  { header: '联系电话', key: 'citizenPhone', width: 16 },
  { header: '所属区域', key: 'regionName', width: 16 },
  { header: '承办单位', key: 'units', width: 36 },
  { header: '登记时间', key: 'createdAt', width: 20 },
  { header: '办理期限', key: 'deadlineAt', width: 20 },
  { header: '是否超期', key: 'overdue', width: 8 },
  { header: '办结时间', key: 'completedAt', width: 20 },
];

/**
 * Excel export with chosen columns. The tender's rule: a handling unit's export names only the final
 * handling unit (not the hotline's whole chain); every export is written to the audit log.
 */
export async function exportTickets(deps: Deps, actor: Actor, f: TicketQuery & { columns?: string[] }) {
  const columns = f.columns?.length ? EXPORT_COLUMNS.filter((c) => f.columns!.includes(c.key)) : EXPORT_COLUMNS;
  if (columns.length === 0) throw invalid('请至少选择一列导出');
  const rows = await applyBox(applyFilters(deps.db.selectFrom('ticket').where((eb) => ticketVisible(eb, actor)), f), f.box, actor).selectAll('ticket').orderBy('ticket.created_at', 'desc').limit(10_000).execute();
  const unitView = !actor.permissions.has('ticket:dispatch') && !actor.permissions.has('ticket:review');
  const chains = await exportChains(deps, rows.map((r) => r.id), unitView);
  const data: ExportRow[] = rows.map((r) => {
    const s = summaryOf(deps, actor, r);
    return { no: r.no, status: s.statusName, channel: r.channel, title: r.title, itemName: r.item_name ?? '', citizenName: s.citizenName, citizenPhone: s.citizenPhone ?? '', regionName: r.region_name ?? '', units: chains.get(r.id) ?? '', createdAt: beijingMinute(r.created_at), deadlineAt: beijingMinute(r.deadline_at), overdue: r.overdue ? '是' : '否', completedAt: beijingMinute(r.completed_at) };
  });
  const file = await writeSheet('工单', columns, data);
  await commit(deps, actor, async () => ({ result: undefined, audit: { action: 'ticket.export', targetType: 'ticket', targetId: '-', detail: { rows: data.length, columns: columns.map((c) => c.key), filters: { ...f, columns: undefined } } } }));
  return file;
}

async function exportChains(deps: Deps, ids: string[], finalOnly: boolean): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  if (ids.length === 0) return map;
  const tasks = await deps.db.selectFrom('ticket_task').selectAll().where('ticket_id', 'in', ids).where('status', 'not in', ['cancelled', 'returned']).orderBy('depth').execute();
  for (const id of ids) {
    const mine = tasks.filter((k) => k.ticket_id === id);
    if (finalOnly) {
      const deepest = mine.reduce((d, k) => Math.max(d, k.depth), 0);
      map.set(id, [...new Set(mine.filter((k) => k.depth === deepest && k.role !== 'assist').map((k) => k.org_name))].join('、'));
    } else {
      map.set(id, [...new Set(mine.map((k) => `${'→'.repeat(k.depth)}${k.org_name}`))].join('；'));
    }
  }
  return map;
}

/** 工单操作日志导出: the whole timeline of one ticket. */
export async function exportTimeline(deps: Deps, actor: Actor, id: string) {
  const detail = await getTicket(deps, actor, id);
  const rows = detail.timeline.map((e) => ({ at: beijingMinute(e.at), actor: e.actor, tenant: e.tenant ?? '', org: e.org ?? '', action: e.action, from: e.from ?? '', to: e.to ?? '', opinion: e.opinion ?? '' }));
  const file = await writeSheet(
    '操作日志',
    [
      { header: '时间', key: 'at', width: 20 },
      { header: '操作人', key: 'actor', width: 14 },
      { header: '租户', key: 'tenant', width: 20 },
      { header: '部门', key: 'org', width: 24 },
      { header: '操作', key: 'action', width: 20 },
      { header: '原状态', key: 'from', width: 14 },
      { header: '新状态', key: 'to', width: 14 },
      { header: '意见', key: 'opinion', width: 50 },
    ],
    rows,
  );
  await commit(deps, actor, async () => ({ result: undefined, audit: { action: 'ticket.export_timeline', targetType: 'ticket', targetId: id, detail: { no: detail.no, rows: rows.length } } }));
  return { file, no: detail.no };
}

// ------------------------------------------------------------------ smart intake (assist module)

/**
 * Texts for the assist module's indexes. Without itemId: open tickets (not drafts, not archived)
 * of the tenant subtree, newest first, optionally only those created after `since` — the
 * near-duplicate index. With `labelled`: tickets of the whole installation filed under an item
 * (content + final item), the history the item classifier is retrained on.
 */
export async function ticketTextsForAssist(
  db: Deps['db'],
  q: { tenantPath?: string; since?: Date; labelled?: boolean; limit: number },
): Promise<{ id: string; no: string; title: string; content: string; itemId: string | null; createdAt: Date }[]> {
  let query = db.selectFrom('ticket').select(['ticket.id', 'ticket.no', 'ticket.title', 'ticket.content', 'ticket.item_id as itemId', 'ticket.created_at as createdAt']).where('ticket.status', '!=', 'draft');
  if (q.labelled) query = query.where('ticket.item_id', 'is not', null);
  else query = query.where('ticket.status', '!=', 'archived');
  if (q.tenantPath) query = query.where('ticket.tenant_id', 'in', (eb) => eb.selectFrom('tenant').select('tenant.id').where('tenant.path', 'like', `${q.tenantPath}%`));
  if (q.since) query = query.where('ticket.created_at', '>', q.since);
  return query.orderBy('ticket.created_at', 'desc').limit(q.limit).execute();
}
