import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { Attachment } from '../../platform/db/schema.js';
import { invalid, notFound } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';
import { ticketVisible } from './ticket.repository.js';

/**
 * Attachments (处理附件, 现场照片, 申诉证据). Uploaded first, then linked to a ticket by the
 * transition that uses them, so a failed transition leaves only an unlinked upload behind.
 * Stored in the database for now; the blob-storage port replaces the column when it lands.
 */
const ALLOWED = /^(image\/(png|jpeg|gif|webp)|application\/pdf|audio\/(wav|mpeg|x-wav)|video\/mp4|application\/vnd\.openxmlformats-officedocument\.(wordprocessingml\.document|spreadsheetml\.sheet)|application\/msword|text\/plain)$/;
const MAX_BYTES = 10 * 1024 * 1024;

/** A file name as shown to users: no directories, no control characters, never empty. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '').trim();
  if (!clean) throw invalid('附件文件名无效');
  return clean.slice(0, 200);
}

export async function uploadAttachment(deps: Deps, actor: Actor, input: { name: string; mime: string; content: Buffer }): Promise<Attachment> {
  const name = cleanName(input.name);
  if (!Buffer.isBuffer(input.content) || input.content.length === 0) throw invalid('附件内容为空');
  if (input.content.length > MAX_BYTES) throw invalid('附件不能超过10MB');
  if (!ALLOWED.test(input.mime)) throw invalid('不支持的附件类型，请上传图片、PDF、Office文档、音频或视频');
  return commit(deps, actor, async (trx) => {
    const id = randomUUID();
    const sha256 = createHash('sha256').update(input.content).digest('hex');
    await trx
      .insertInto('ticket_attachment')
      .values({ id, tenant_id: actor.tenantId, ticket_id: null, name, mime: input.mime, size: input.content.length, sha256, content: input.content, uploaded_by: actor.userId, uploaded_at: deps.clock.now() })
      .execute();
    return { result: { id, name, size: input.content.length }, audit: { action: 'ticket.attachment.upload', targetType: 'ticket_attachment', targetId: id, detail: { name, size: input.content.length, sha256 } } };
  });
}

/**
 * Links uploads to a ticket. An attachment may be linked once; a unit in another tenant links
 * its own uploads to a ticket it works on, so the check is on the uploader's tenant.
 */
export async function linkAttachments(trx: Db, tenantId: string, ticketId: string, ids: readonly string[]): Promise<Attachment[]> {
  if (ids.length === 0) return [];
  const rows = await trx.selectFrom('ticket_attachment').select(['id', 'name', 'size', 'ticket_id', 'tenant_id']).where('id', 'in', [...ids]).execute();
  const usable = rows.filter((r) => r.tenant_id === tenantId && (r.ticket_id === null || r.ticket_id === ticketId));
  if (usable.length !== new Set(ids).size) throw invalid('附件不存在或已被其他工单使用，请重新上传');
  await trx.updateTable('ticket_attachment').set({ ticket_id: ticketId }).where('id', 'in', [...ids]).execute();
  return usable.map((r) => ({ id: r.id, name: r.name, size: r.size }));
}

export async function downloadAttachment(deps: Deps, actor: Actor, id: string) {
  const row = await deps.db.selectFrom('ticket_attachment').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('附件');
  if (row.ticket_id) {
    const visible = await deps.db.selectFrom('ticket').select('id').where('id', '=', row.ticket_id).where((eb) => ticketVisible(eb, actor)).executeTakeFirst();
    if (!visible) throw notFound('附件');
  } else if (row.uploaded_by !== actor.userId) {
    throw notFound('附件');
  }
  return row;
}
