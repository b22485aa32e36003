import type { Db } from './db/database.js';
import type { Clock } from './clock.js';
import type { ParamType } from './db/schema.js';

/**
 * The config center's parameters: typed, described, and owned either by the system admin or by
 * the security admin. Defaults live here so that a fresh database is complete; operators change
 * values at run time (every change is audited by the system module's use case).
 */
export interface ParamDefinition {
  key: string;
  valueType: ParamType;
  group: string;
  description: string;
  security: boolean;
  defaultValue: unknown;
  min?: number;
  max?: number;
}

export const PARAM_DEFINITIONS: ParamDefinition[] = [
  { key: 'security.passwordMinLength', valueType: 'int', group: 'security', description: '密码最小长度', security: true, defaultValue: 10, min: 8, max: 64 },
  { key: 'security.passwordMinClasses', valueType: 'int', group: 'security', description: '密码至少包含的字符类别数（大写、小写、数字、特殊字符）', security: true, defaultValue: 3, min: 2, max: 4 },
  { key: 'security.passwordMaxAgeDays', valueType: 'int', group: 'security', description: '密码有效期（天），到期强制修改', security: true, defaultValue: 90, min: 1, max: 3650 },
  { key: 'security.lockoutThreshold', valueType: 'int', group: 'security', description: '连续登录失败锁定次数', security: true, defaultValue: 5, min: 3, max: 20 },
  { key: 'security.lockoutMinutes', valueType: 'int', group: 'security', description: '账号锁定时长（分钟）', security: true, defaultValue: 60, min: 1, max: 1440 },
  { key: 'security.idleTimeoutMinutes', valueType: 'int', group: 'security', description: '会话空闲超时（分钟）', security: true, defaultValue: 30, min: 1, max: 720 },
  { key: 'security.sessionMaxHours', valueType: 'int', group: 'security', description: '会话最长有效期（小时）', security: true, defaultValue: 12, min: 1, max: 168 },
  { key: 'security.loginRateLimitPerMinute', valueType: 'int', group: 'security', description: '同一IP每分钟最多登录请求数', security: true, defaultValue: 30, min: 1, max: 100000 },
  { key: 'security.publicRateLimitPerMinute', valueType: 'int', group: 'security', description: '公众端（网上诉求、进度查询、评价）同一IP每分钟最多请求数', security: true, defaultValue: 20, min: 1, max: 100000 },
  { key: 'system.platformName', valueType: 'string', group: 'system', description: '平台名称', security: false, defaultValue: '新疆政务服务便民热线综合管理平台' },
  { key: 'system.hotlineNumber', valueType: 'string', group: 'system', description: '热线号码', security: false, defaultValue: '12345' },
  { key: 'system.mapTileUrl', valueType: 'string', group: 'system', description: '地图瓦片服务地址（如天地图 WMTS/XYZ 模板，含 {z}/{x}/{y}；留空则登记页只能手工填写经纬度）', security: false, defaultValue: '' },
  { key: 'system.mapCoordSystem', valueType: 'string', group: 'system', description: '地图瓦片坐标系：wgs84（天地图、OSM）或 gcj02（高德、腾讯）', security: false, defaultValue: 'wgs84' },
  { key: 'system.workdayStart', valueType: 'string', group: 'system', description: '工作日上班时间', security: false, defaultValue: '09:30' },
  { key: 'system.workdayEnd', valueType: 'string', group: 'system', description: '工作日下班时间', security: false, defaultValue: '19:30' },
  { key: 'system.assistRetrainDays', valueType: 'int', group: 'system', description: '智能辅助模型自动重新训练间隔（天）：模型早于该天数时，于凌晨 3–5 点（北京时间）用历史工单重新训练；0 为不自动训练', security: false, defaultValue: 7, min: 0, max: 365 },
  { key: 'system.kbRecycleRetentionDays', valueType: 'int', group: 'system', description: '知识回收站保留期限（天）：回收站中的知识超过该天数后被自动彻底删除，删除记入日志', security: false, defaultValue: 90, min: 1, max: 3650 },
  { key: 'system.kbExpiryNoticeDays', valueType: 'int', group: 'system', description: '临时政策类知识到期提醒提前天数：有效期截止前该天数内向编辑人员发送一次站内提醒', security: false, defaultValue: 7, min: 0, max: 365 },
];

export class ParamStore {
  private cache = new Map<string, unknown>();
  private loaded = false;

  constructor(private readonly db: Db) {}

  static definition(key: string): ParamDefinition | undefined {
    return PARAM_DEFINITIONS.find((d) => d.key === key);
  }

  /** Inserts defaults for parameters a database does not have yet (new releases add some). */
  async ensureDefaults(clock: Clock): Promise<void> {
    for (const d of PARAM_DEFINITIONS) {
      await this.db
        .insertInto('sys_param')
        .values({
          key: d.key,
          value: JSON.stringify(d.defaultValue),
          value_type: d.valueType,
          group_key: d.group,
          description: d.description,
          security: d.security,
          updated_at: clock.now(),
          updated_by: null,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    }
    this.invalidate();
  }

  invalidate(): void {
    this.loaded = false;
    this.cache.clear();
  }

  async int(key: string): Promise<number> {
    return Number(await this.get(key));
  }

  async get(key: string): Promise<unknown> {
    if (!this.loaded) {
      const rows = await this.db.selectFrom('sys_param').select(['key', 'value']).execute();
      this.cache = new Map(rows.map((r) => [r.key, r.value]));
      this.loaded = true;
    }
    return this.cache.has(key) ? this.cache.get(key) : ParamStore.definition(key)?.defaultValue;
  }
}
