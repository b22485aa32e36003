import type { Actor, Deps } from '../../platform/context.js';
import { forbidden, invalid, notFound } from '../../platform/errors.js';
import { ParamStore, type ParamDefinition } from '../../platform/params.js';
import { commit } from '../../platform/usecase.js';

/**
 * The config center. Security parameters (password policy, lockout, timeouts) belong to the
 * security admin and the rest to the system admin, so neither can weaken the other's controls.
 */
function canRead(actor: Actor, security: boolean): boolean {
  return actor.permissions.has(security ? 'security:config:read' : 'system:config:read');
}

export async function listParams(deps: Deps, actor: Actor) {
  const rows = await deps.db.selectFrom('sys_param').selectAll().orderBy('group_key').orderBy('key').execute();
  return rows
    .filter((r) => canRead(actor, r.security))
    .map((r) => ({
      key: r.key,
      value: r.value,
      valueType: r.value_type,
      group: r.group_key,
      description: r.description,
      security: r.security,
      editable: actor.tenantLevel === 1 && actor.permissions.has(r.security ? 'security:config:write' : 'system:config:write'),
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    }));
}

function checkValue(def: ParamDefinition, value: unknown): unknown {
  switch (def.valueType) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`参数 ${def.key} 应为整数`);
      if ((def.min !== undefined && value < def.min) || (def.max !== undefined && value > def.max)) {
        throw invalid(`参数 ${def.key} 的取值范围是 ${def.min ?? '-∞'} ~ ${def.max ?? '∞'}`);
      }
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw invalid(`参数 ${def.key} 应为布尔值`);
      return value;
    case 'string':
      if (typeof value !== 'string' || value.length > 500) throw invalid(`参数 ${def.key} 应为不超过500字的文本`);
      return value;
    case 'json':
      return value;
  }
}

export async function setParam(deps: Deps, actor: Actor, key: string, value: unknown) {
  const def = ParamStore.definition(key);
  if (!def) throw notFound('参数');
  if (!actor.permissions.has(def.security ? 'security:config:write' : 'system:config:write')) {
    throw forbidden(def.security ? '安全参数只能由安全管理员修改' : '系统参数只能由系统管理员修改');
  }
  // Parameters apply to every tenant, so a lower-level admin must not change them for the whole region.
  if (actor.tenantLevel !== 1) throw forbidden('平台参数对全区所有租户生效，只能由自治区级管理员修改');
  const checked = checkValue(def, value);
  const before = await deps.db.selectFrom('sys_param').select('value').where('key', '=', key).executeTakeFirst();
  await commit(deps, actor, async (trx) => {
    await trx
      .updateTable('sys_param')
      .set({ value: JSON.stringify(checked), updated_at: deps.clock.now(), updated_by: actor.username })
      .where('key', '=', key)
      .execute();
    return { result: null, audit: { action: 'config.update', targetType: 'config', targetId: key, before: { value: before?.value ?? null }, after: { value: checked } } };
  });
  deps.params.invalidate();
}
