import ExcelJS from 'exceljs';
import type { Expression, ExpressionBuilder, Selectable, SqlBool } from 'kysely';
import type { Actor, Deps } from '../../platform/context.js';
import type { AuditLogTable, Database } from '../../platform/db/schema.js';
import { seesSubtree, tenantVisible } from '../../platform/scope.js';
import { pageOf } from '../../platform/usecase.js';
import { verifyAuditChain } from '../../platform/audit/audit.js';
import { containsPattern } from '../../platform/sql.js';

/**
 * The audit admin's view of the logs. Rows without a tenant (anonymous failures) are shown to
 * auditors at the top level only, since nobody below can tell whose they are.
 */
type LogTable = 'audit_log' | 'login_log' | 'access_log';

function logVisible<T extends LogTable>(eb: ExpressionBuilder<Database, T>, table: T, actor: Actor): Expression<SqlBool> {
  const col = `${table}.tenant_id`;
  const visible = tenantVisible(eb as unknown as ExpressionBuilder<Database, keyof Database>, col, actor);
  const rootAuditor = actor.tenantLevel === 1 && seesSubtree(actor);
  return rootAuditor ? eb.or([visible, eb(eb.ref(col as never), 'is', null)]) : visible;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  result?: 'success' | 'failure';
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

function auditQuery(deps: Deps, actor: Actor, q: AuditQuery) {
  let query = deps.db.selectFrom('audit_log').where((eb) => logVisible(eb, 'audit_log', actor));
  if (q.actor) query = query.where('actor_name', 'ilike', containsPattern(q.actor));
  if (q.action) query = query.where('action', 'ilike', containsPattern(q.action));
  if (q.targetType) query = query.where('target_type', '=', q.targetType);
  if (q.targetId) query = query.where('target_id', '=', q.targetId);
  if (q.result) query = query.where('result', '=', q.result);
  if (q.from) query = query.where('at', '>=', new Date(q.from));
  if (q.to) query = query.where('at', '<=', new Date(q.to));
  return query;
}

export async function searchAudit(deps: Deps, actor: Actor, q: AuditQuery) {
  const { page, pageSize } = pageOf(q);
  const query = auditQuery(deps, actor, q);
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
  return { items: rows.map(auditView), total: Number(total) };
}

function auditView(r: Selectable<AuditLogTable>) {
  return {
    id: Number(r.id),
    at: r.at,
    tenantId: r.tenant_id,
    actorId: r.actor_id,
    actorName: r.actor_name,
    ip: r.ip,
    userAgent: r.user_agent,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    summary: r.summary,
    result: r.result,
    hash: r.hash,
    lane: r.lane,
  };
}

export const EXPORT_LIMIT = 50_000;

export async function exportAudit(deps: Deps, actor: Actor, q: AuditQuery): Promise<Buffer> {
  const rows = await auditQuery(deps, actor, q).selectAll().orderBy('id', 'desc').limit(EXPORT_LIMIT).execute();
  const wb = new ExcelJS.Workbook();
  wb.creator = '12345 政务服务便民热线综合管理平台';
  const ws = wb.addWorksheet('审计日志');
  ws.columns = [
    { header: '序号', key: 'id', width: 10 },
    { header: '时间', key: 'at', width: 22 },
    { header: '操作人', key: 'actor', width: 24 },
    { header: 'IP', key: 'ip', width: 16 },
    { header: '操作', key: 'action', width: 26 },
    { header: '对象类型', key: 'targetType', width: 12 },
    { header: '对象ID', key: 'targetId', width: 38 },
    { header: '结果', key: 'result', width: 8 },
    { header: '变更摘要', key: 'summary', width: 80 },
    { header: '终端', key: 'ua', width: 40 },
    { header: '哈希(SM3)', key: 'hash', width: 66 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const r of rows) {
    ws.addRow({
      id: Number(r.id),
      at: new Date(r.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }),
      actor: r.actor_name,
      ip: r.ip,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      result: r.result === 'success' ? '成功' : '失败',
      summary: JSON.stringify(r.summary),
      ua: r.user_agent,
      hash: r.hash,
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function searchLoginLogs(deps: Deps, actor: Actor, q: { username?: string; result?: 'success' | 'failure'; from?: string; to?: string; page?: number; pageSize?: number }) {
  const { page, pageSize } = pageOf(q);
  let query = deps.db.selectFrom('login_log').where((eb) => logVisible(eb, 'login_log', actor));
  if (q.username) query = query.where('username', 'ilike', containsPattern(q.username));
  if (q.result) query = query.where('result', '=', q.result);
  if (q.from) query = query.where('at', '>=', new Date(q.from));
  if (q.to) query = query.where('at', '<=', new Date(q.to));
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
  return {
    items: rows.map((r) => ({ id: Number(r.id), at: r.at, username: r.username, ip: r.ip, userAgent: r.user_agent, result: r.result, reason: r.reason })),
    total: Number(total),
  };
}

export async function searchAccessLogs(deps: Deps, actor: Actor, q: { username?: string; module?: string; from?: string; to?: string; page?: number; pageSize?: number }) {
  const { page, pageSize } = pageOf(q);
  let query = deps.db.selectFrom('access_log').where((eb) => logVisible(eb, 'access_log', actor));
  if (q.username) query = query.where('username', 'ilike', containsPattern(q.username));
  if (q.module) query = query.where('module', '=', q.module);
  if (q.from) query = query.where('at', '>=', new Date(q.from));
  if (q.to) query = query.where('at', '<=', new Date(q.to));
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
  return {
    items: rows.map((r) => ({ id: Number(r.id), at: r.at, username: r.username, method: r.method, path: r.path, module: r.module, status: r.status, ip: r.ip, durationMs: r.duration_ms })),
    total: Number(total),
  };
}

export const verifyChain = (deps: Deps) => verifyAuditChain(deps.db);
