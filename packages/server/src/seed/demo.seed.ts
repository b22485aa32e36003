import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/db/database.js';
import type { Clock } from '../platform/clock.js';
import type { FieldCipher } from '../platform/crypto/index.js';
import { hashPassword } from '../platform/crypto/index.js';
import { insertTenant } from '../modules/identity/tenant.service.js';
import { insertOrg, type Org } from '../modules/identity/org.service.js';
import { enable } from './base.seed.js';
import { seedKnowledgeDemo } from '../modules/knowledge/knowledge.seed.js';

/**
 * Demo organisation and one user per role, so that a fresh embedded start can be tried at once.
 * The people and the enterprise are invented; the password is printed at start and in README.
 */
export const DEMO_PASSWORD = 'Hotline@2026';

export interface DemoUser {
  username: string;
  displayName: string;
  role: string;
  tenantCode: string;
  org: string;
  description: string;
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'sysadmin', displayName: '系统管理员', role: 'sys_admin', tenantCode: '650000', org: 'XXZX', description: '系统管理员（自治区）' },
  { username: 'secadmin', displayName: '安全管理员', role: 'security_admin', tenantCode: '650000', org: 'AQBM', description: '安全管理员（自治区）' },
  { username: 'auditadmin', displayName: '审计管理员', role: 'audit_admin', tenantCode: '650000', org: 'SJJD', description: '审计管理员（自治区）' },
  { username: 'catalog01', displayName: '周敏', role: 'catalog_admin', tenantCode: '650000', org: 'SXGL', description: '事项管理员（自治区）' },
  { username: 'catreview01', displayName: '吐尔逊', role: 'catalog_reviewer', tenantCode: '650000', org: 'SXGL', description: '事项审核员（自治区）' },
  { username: 'catalog_wlmq', displayName: '刘洋', role: 'catalog_admin', tenantCode: '650100', org: 'WLMQ-12345', description: '事项管理员（乌鲁木齐市）' },
  { username: 'agent01', displayName: '古丽娜尔', role: 'hotline_agent', tenantCode: '650000', org: 'RX-SL1', description: '话务坐席（受理一班）' },
  { username: 'dispatcher01', displayName: '王建国', role: 'dispatcher', tenantCode: '650000', org: 'RX-PD', description: '派单员' },
  { username: 'reviewer01', displayName: '李慧', role: 'reviewer', tenantCode: '650000', org: 'RX-HF', description: '审核回访员' },
  { username: 'supervisor01', displayName: '艾尔肯', role: 'supervisor', tenantCode: '650000', org: 'RX-DB', description: '督办主管' },
  { username: 'handler_xj', displayName: '赵明', role: 'unit_handler', tenantCode: '650000', org: 'ZJT', description: '承办人员（自治区住房和城乡建设厅）' },
  { username: 'admin_wlmq', displayName: '乌鲁木齐市管理员', role: 'sys_admin', tenantCode: '650100', org: 'WLMQ-12345', description: '系统管理员（乌鲁木齐市）' },
  { username: 'handler_wlmq', displayName: '马晓燕', role: 'unit_handler', tenantCode: '650100', org: 'WLMQ-ZJJ', description: '承办人员（乌鲁木齐市住建局）' },
  { username: 'leader_wlmq', displayName: '陈志强', role: 'unit_leader', tenantCode: '650100', org: 'WLMQ-ZJJ', description: '承办单位负责人（乌鲁木齐市住建局）' },
  { username: 'handler_ts', displayName: '买买提', role: 'unit_handler', tenantCode: '650102', org: 'TS-ZJJ', description: '承办人员（天山区住建局）' },
  { username: 'handler_kash', displayName: '阿依古丽', role: 'unit_handler', tenantCode: '653100', org: 'KS-RSJ', description: '承办人员（喀什地区人社局）' },
  { username: 'kbeditor01', displayName: '张丽', role: 'kb_editor', tenantCode: '650000', org: 'RX-ZSK', description: '知识采编员（自治区）' },
  { username: 'kbreviewer01', displayName: '努尔兰', role: 'kb_reviewer', tenantCode: '650000', org: 'RX-ZSK', description: '知识审核员（自治区）' },
  { username: 'kbadmin01', displayName: '孙海燕', role: 'kb_admin', tenantCode: '650000', org: 'RX-ZSK', description: '知识库管理员（自治区）' },
  { username: 'kbeditor_wlmq', displayName: '何静', role: 'kb_editor', tenantCode: '650100', org: 'WLMQ-12345', description: '知识采编员（乌鲁木齐市）' },
  { username: 'kbreviewer_wlmq', displayName: '热依拉', role: 'kb_reviewer', tenantCode: '650100', org: 'WLMQ-12345', description: '知识审核员（乌鲁木齐市）' },
  { username: 'partner12315', displayName: '12315联络员', role: 'unit_handler', tenantCode: 'P-12315', org: 'P12315-LL', description: '合作热线（12315）' },
  { username: 'ent_demo', displayName: '企业联络员', role: 'unit_handler', tenantCode: 'E-DEMO-001', org: 'ENT-ZH', description: '企业用户（演示企业）' },
];

type OrgSeed = [code: string, name: string, kind: 'department' | 'team', parent?: string];

const ORGS: Record<string, OrgSeed[]> = {
  '650000': [
    ['RX', '自治区12345热线中心', 'department'],
    ['RX-SL1', '受理一班', 'team', 'RX'],
    ['RX-SL2', '受理二班', 'team', 'RX'],
    ['RX-MY', '民语受理班（维吾尔语）', 'team', 'RX'],
    ['RX-PD', '派单组', 'team', 'RX'],
    ['RX-HF', '回访审核组', 'team', 'RX'],
    ['RX-DB', '督办科', 'department', 'RX'],
    ['RX-ZSK', '知识库管理组', 'team', 'RX'],
    ['XXZX', '信息中心', 'department'],
    ['AQBM', '安全保密办公室', 'department'],
    ['SJJD', '审计监督室', 'department'],
    ['SXGL', '诉求事项标准化管理科', 'department', 'RX'],
    ['ZJT', '自治区住房和城乡建设厅', 'department'],
    ['RST', '自治区人力资源和社会保障厅', 'department'],
    ['SCJGJ', '自治区市场监督管理局', 'department'],
  ],
  '650100': [
    ['WLMQ-12345', '乌鲁木齐市12345热线分中心', 'department'],
    ['WLMQ-SL', '市级受理班', 'team', 'WLMQ-12345'],
    ['WLMQ-ZJJ', '乌鲁木齐市住房和城乡建设局', 'department'],
    ['WLMQ-ZJJ-WY', '物业管理科', 'department', 'WLMQ-ZJJ'],
    ['WLMQ-RSJ', '乌鲁木齐市人力资源和社会保障局', 'department'],
  ],
  '650102': [
    ['TS-ZWFW', '天山区政务服务中心', 'department'],
    ['TS-ZJJ', '天山区住房和城乡建设局', 'department'],
  ],
  '653100': [
    ['KS-12345', '喀什地区12345热线分中心', 'department'],
    ['KS-RSJ', '喀什地区人力资源和社会保障局', 'department'],
  ],
  'P-12315': [['P12315-LL', '12345联络组', 'department']],
  'E-DEMO-001': [['ENT-ZH', '综合办公室', 'department']],
};

export async function seedDemo(trx: Db, clock: Clock, cipher: FieldCipher): Promise<void> {
  const wlmq = await trx.selectFrom('tenant').selectAll().where('code', '=', '650100').executeTakeFirstOrThrow();
  const enterprise = await insertTenant(trx, { clock }, wlmq, { code: 'E-DEMO-001', name: '（演示）乌鲁木齐天山物流有限公司', kind: 'enterprise', level: 3 });
  await enable(trx, enterprise.id, ['workspace', 'messages']);

  const orgIds = new Map<string, Org>();
  for (const [tenantCode, orgs] of Object.entries(ORGS)) {
    const tenant = await trx.selectFrom('tenant').select('id').where('code', '=', tenantCode).executeTakeFirstOrThrow();
    for (const [code, name, kind, parent] of orgs) {
      const org = await insertOrg(trx, { clock }, parent ? orgIds.get(parent)! : null, { tenantId: tenant.id, code, name, kind });
      orgIds.set(code, org);
    }
  }
  const roles = new Map((await trx.selectFrom('role').select(['id', 'code']).where('builtin', '=', true).execute()).map((r) => [r.code, r.id]));
  const now = clock.now();
  const userIds = new Map<string, string>();
  let n = 0;
  for (const u of DEMO_USERS) {
    const org = orgIds.get(u.org)!;
    const phone = `1390991${String(1000 + n++).padStart(4, '0')}`;
    const id = randomUUID();
    userIds.set(u.username, id);
    await trx
      .insertInto('app_user')
      .values({
        id,
        tenant_id: org.tenant_id,
        org_id: org.id,
        username: u.username,
        display_name: u.displayName,
        password_hash: await hashPassword(DEMO_PASSWORD),
        phone_enc: cipher.encrypt(phone),
        phone_idx: cipher.blindIndex(phone, 'phone'),
        status: 'active',
        failed_attempts: 0,
        locked_until: null,
        must_change_password: false,
        password_changed_at: now,
        mfa_secret_enc: null,
        mfa_enabled: false,
        mfa_last_step: 0,
        last_login_at: null,
        last_login_ip: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .execute();
    await trx.insertInto('user_role').values({ user_id: id, role_id: roles.get(u.role)! }).execute();
    const extension = DEMO_EXTENSIONS[u.username];
    if (extension) await trx.insertInto('telephony_agent').values({ tenant_id: org.tenant_id, user_id: id, extension, display_name: u.displayName, created_at: now, updated_at: now }).execute();
  }
  await seedKnowledgeDemo(trx, clock, {
    editors: { '650000': userIds.get('kbeditor01'), '650100': userIds.get('kbeditor_wlmq') },
    reviewers: { '650000': userIds.get('kbreviewer01'), '650100': userIds.get('kbreviewer_wlmq') },
  });
}

/** The demo agents' softphone extensions (HOTLINE_MEDIA_QUEUE_TARGET=8001 rings agent01). */
const DEMO_EXTENSIONS: Readonly<Record<string, string>> = { agent01: '8001' };
