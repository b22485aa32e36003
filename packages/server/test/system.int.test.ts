import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestPlatform, ids, login, type TestPlatform } from './harness.js';

/**
 * The system module: data dictionaries shared down the tenant tree, the config center split
 * between the system and the security admin, in-app notifications and their live WebSocket push.
 */

type Json = Record<string, unknown>;
const CHINESE = /[\u4e00-\u9fa5]/;
const INIT_PW = 'Init@Pass2026x';
const NEW_PW = 'Changed@Pass2026y';

// `ws` ships no type declarations; type the little of it the tests use.
interface WsClient {
  on(event: 'open', cb: () => void): void;
  on(event: 'message', cb: (data: Buffer) => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  on(event: 'close', cb: (code: number) => void): void;
  on(event: 'unexpected-response', cb: (req: unknown, res: { statusCode?: number }) => void): void;
  send(data: string): void;
  terminate(): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (url: string) => WsClient;

interface Socket {
  ws: WsClient;
  messages: Json[];
  next(timeoutMs?: number): Promise<Json>;
}

/** Opens a socket; rejects with the HTTP status when the server refuses the upgrade. */
function connect(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const messages: Json[] = [];
    const waiters: ((m: Json) => void)[] = [];
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as Json;
      const w = waiters.shift();
      if (w) w(m);
      else messages.push(m);
    });
    ws.on('unexpected-response', (_req, res) => {
      ws.terminate();
      reject(new Error(`refused:${res.statusCode ?? 0}`));
    });
    ws.on('error', (err) => reject(err));
    ws.on('open', () =>
      resolve({
        ws,
        messages,
        next: (timeoutMs = 2000) =>
          new Promise<Json>((res, rej) => {
            const queued = messages.shift();
            if (queued) return res(queued);
            const timer = setTimeout(() => rej(new Error('no message')), timeoutMs);
            waiters.push((m) => {
              clearTimeout(timer);
              res(m);
            });
          }),
      }),
    );
  });
}

describe('system module', () => {
  let p: TestPlatform;
  let sys: Client;
  let sec: Client;
  let aud: Client;
  let agent: Client;
  let wlmq: Client;
  let ts: Client;
  let I: Awaited<ReturnType<typeof ids>>;
  let root: string;
  let A: string;

  const auditRows = (action: string, targetId?: string) => {
    let q = p.deps.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('result', '=', 'success');
    if (targetId !== undefined) q = q.where('target_id', '=', targetId);
    return q.orderBy('id').execute();
  };

  beforeAll(async () => {
    p = await createTestPlatform();
    I = await ids(p);
    [sys, sec, aud, agent, wlmq] = await Promise.all([login(p, 'sysadmin'), login(p, 'secadmin'), login(p, 'auditadmin'), login(p, 'agent01'), login(p, 'admin_wlmq')]);
    root = await I.tenant('650000');
    A = await I.tenant('650100');
    // A system admin of 天山区, the child of 乌鲁木齐: created by sysadmin, granted by secadmin.
    const u = await sys.post<{ id: string }>('/api/v1/users', { tenantId: await I.tenant('650102'), orgId: await I.org('TS-ZWFW'), username: 'ts_sysadmin', displayName: '天山区管理员', password: INIT_PW });
    expect(u.status).toBe(201);
    expect((await sec.patch(`/api/v1/users/${u.body.id}`, { roleIds: [await I.role('sys_admin')] })).status).toBe(200);
    ts = await login(p, 'ts_sysadmin', INIT_PW);
    expect((await ts.post('/api/v1/me/password', { oldPassword: INIT_PW, newPassword: NEW_PW })).status).toBe(200);
  });
  afterAll(() => p?.close());

  describe('data dictionaries', () => {
    type DictList = { items: { code: string; tenantId: string; name: string; builtin: boolean; itemCount: number; editable: boolean }[] };
    type Items = { items: { id: string; value: string; label: string; sort: number; enabled: boolean }[] };

    it('lists the seeded dictionaries with their items', async () => {
      const res = await sys.get<DictList>('/api/v1/dicts');
      expect(res.status).toBe(200);
      const byCode = new Map(res.body.items.map((d) => [d.code, d]));
      for (const code of ['gender', 'urgency', 'channel', 'demand_type', 'language']) {
        expect(byCode.get(code), code).toMatchObject({ tenantId: root, builtin: true, editable: true });
      }
      expect(byCode.get('gender')?.itemCount).toBe(3);
      const lang = await sys.get<Items>('/api/v1/dicts/language/items');
      expect(lang.body.items.map((i) => i.value)).toEqual(['zh', 'ug', 'kk', 'ky', 'mn']);
      expect(lang.body.items.find((i) => i.value === 'ug')?.label).toBe('维吾尔语');
      expect((await sys.get('/api/v1/dicts/no_such_dict/items')).status).toBe(404);
      expect((await agent.get('/api/v1/dicts')).status).toBe(403);
    });

    it('sysadmin creates and maintains a dictionary, every step audited', async () => {
      const created = await sys.post<Json>('/api/v1/dicts', { code: 'complaint_level', name: '投诉等级', description: '按影响范围划分' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ code: 'complaint_level', tenantId: root, builtin: false, itemCount: 0, editable: true });
      const one = await sys.post<{ id: string }>('/api/v1/dicts/complaint_level/items', { value: 'L1', label: '一般', sort: 1 });
      const two = await sys.post<{ id: string }>('/api/v1/dicts/complaint_level/items', { value: 'L2', label: '较大', sort: 2 });
      expect([one.status, two.status]).toEqual([201, 201]);
      const dup = await sys.post<Json>('/api/v1/dicts/complaint_level/items', { value: 'L1', label: '重复' });
      expect(dup.status).toBe(409);
      expect(String(dup.body.detail)).toMatch(CHINESE);
      const dupDict = await sys.post<Json>('/api/v1/dicts', { code: 'gender', name: '重复' });
      expect(dupDict.status).toBe(409);

      expect((await sys.patch(`/api/v1/dicts/complaint_level/items/${two.body.id}`, { label: '重大', enabled: false })).status).toBe(200);
      expect((await sys.patch('/api/v1/dicts/complaint_level', { name: '投诉等级（修订）' })).status).toBe(200);
      const items = await sys.get<Items>('/api/v1/dicts/complaint_level/items');
      expect(items.body.items).toEqual([
        { id: one.body.id, value: 'L1', label: '一般', sort: 1, enabled: true },
        { id: two.body.id, value: 'L2', label: '重大', sort: 2, enabled: false },
      ]);
      expect((await sys.delete(`/api/v1/dicts/complaint_level/items/${one.body.id}`)).status).toBe(200);
      expect((await sys.delete(`/api/v1/dicts/complaint_level/items/${one.body.id}`)).status).toBe(404);
      const list = await sys.get<DictList>('/api/v1/dicts');
      expect(list.body.items.find((d) => d.code === 'complaint_level')).toMatchObject({ name: '投诉等级（修订）', itemCount: 1 });

      for (const action of ['dict.create', 'dict.item.create', 'dict.item.update', 'dict.update', 'dict.item.delete']) {
        const rows = await auditRows(action, 'complaint_level');
        expect(rows.length, action).toBeGreaterThan(0);
        expect(rows[0]).toMatchObject({ actor_name: '系统管理员(sysadmin)', tenant_id: root, user_agent: 'vitest' });
      }
      const update = (await auditRows('dict.item.update', 'complaint_level'))[0]!;
      expect(update.summary).toMatchObject({ before: { label: '较大', enabled: true }, after: { label: '重大', enabled: false } });
    });

    it('a child tenant admin reads the root’s dictionaries but cannot change them', async () => {
      const list = await wlmq.get<DictList>('/api/v1/dicts');
      expect(list.status).toBe(200);
      expect(list.body.items.find((d) => d.code === 'gender')).toMatchObject({ tenantId: root, editable: false });
      const items = await wlmq.get<Items>('/api/v1/dicts/gender/items');
      expect(items.status).toBe(200);
      const male = items.body.items.find((i) => i.value === 'M')!;
      const before = await p.deps.db.selectFrom('dict_item').selectAll().where('type_code', '=', 'gender').orderBy('id').execute();
      const attempts = [
        await wlmq.patch<Json>('/api/v1/dicts/gender', { name: '性别（乌鲁木齐）' }),
        await wlmq.post<Json>('/api/v1/dicts/gender/items', { value: 'X', label: '其他' }),
        await wlmq.patch<Json>(`/api/v1/dicts/gender/items/${male.id}`, { label: '男性' }),
        await wlmq.delete<Json>(`/api/v1/dicts/gender/items/${male.id}`),
      ];
      for (const r of attempts) {
        expect(r.status).toBe(403);
        expect(String(r.body.detail)).toMatch(/上级租户下发的字典只能查看/);
      }
      expect(await p.deps.db.selectFrom('dict_item').selectAll().where('type_code', '=', 'gender').orderBy('id').execute()).toEqual(before);
      expect((await p.deps.db.selectFrom('dict_type').select('name').where('code', '=', 'gender').executeTakeFirstOrThrow()).name).toBe('性别');
    });

    it('a child tenant’s own dictionary: shared down to its children, invisible upwards and to siblings', async () => {
      const created = await wlmq.post<Json>('/api/v1/dicts', { code: 'wlmq_district', name: '乌鲁木齐市辖区' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ tenantId: A, editable: true });
      expect((await wlmq.post('/api/v1/dicts/wlmq_district/items', { value: 'TS', label: '天山区' })).status).toBe(201);
      expect((await wlmq.patch('/api/v1/dicts/wlmq_district', { description: '市级字典' })).status).toBe(200);

      // The root does not see below itself here: a tenant's dictionary is that tenant's business.
      const rootList = await sys.get<DictList>('/api/v1/dicts');
      expect(rootList.body.items.map((d) => d.code)).not.toContain('wlmq_district');
      expect((await sys.get('/api/v1/dicts/wlmq_district/items')).status).toBe(404);
      expect((await sys.patch('/api/v1/dicts/wlmq_district', { name: '自治区改名' })).status).toBe(404);
      expect((await sys.post('/api/v1/dicts/wlmq_district/items', { value: 'X', label: 'X' })).status).toBe(404);
      // Codes are unique across the installation, so the root cannot create the same code.
      expect((await sys.post('/api/v1/dicts', { code: 'wlmq_district', name: '同名' })).status).toBe(409);

      // 天山区 (child of 乌鲁木齐) reads it, but may not edit it.
      const tsList = await ts.get<DictList>('/api/v1/dicts');
      expect(tsList.body.items.find((d) => d.code === 'wlmq_district')).toMatchObject({ tenantId: A, editable: false, itemCount: 1 });
      expect(tsList.body.items.find((d) => d.code === 'gender')).toMatchObject({ editable: false });
      expect((await ts.get<Items>('/api/v1/dicts/wlmq_district/items')).body.items.map((i) => i.value)).toEqual(['TS']);
      expect((await ts.post('/api/v1/dicts/wlmq_district/items', { value: 'SY', label: '沙依巴克区' })).status).toBe(403);
      const own = await ts.post<Json>('/api/v1/dicts', { code: 'ts_street', name: '天山区街道' });
      expect(own.status).toBe(201);
      // …and 乌鲁木齐 does not read 天山区's own dictionary.
      expect((await wlmq.get('/api/v1/dicts/ts_street/items')).status).toBe(404);
      expect((await wlmq.get<DictList>('/api/v1/dicts')).body.items.map((d) => d.code)).not.toContain('ts_street');
    });
  });

  describe('config center', () => {
    type Params = { items: { key: string; value: unknown; security: boolean; editable: boolean; updatedBy: string | null; description: string }[] };

    it('lists system parameters to the system admin and security parameters to the security admin', async () => {
      const s = await sys.get<Params>('/api/v1/config');
      expect(s.status).toBe(200);
      expect(s.body.items.length).toBeGreaterThan(0);
      expect(s.body.items.every((i) => !i.security && i.editable)).toBe(true);
      expect(s.body.items.map((i) => i.key)).toEqual(expect.arrayContaining(['system.platformName', 'system.hotlineNumber']));
      expect(s.body.items.every((i) => CHINESE.test(i.description))).toBe(true);

      const q = await sec.get<Params>('/api/v1/config');
      expect(q.body.items.every((i) => i.security && i.editable)).toBe(true);
      expect(q.body.items.map((i) => i.key)).toEqual(expect.arrayContaining(['security.passwordMinLength', 'security.lockoutThreshold', 'security.idleTimeoutMinutes']));
      expect(q.body.items.find((i) => i.key === 'security.passwordMinLength')?.value).toBe(10);

      expect((await aud.get('/api/v1/config')).status).toBe(403);
      // A lower-level system admin reads the parameters but they apply to the whole region: read-only.
      const w = await wlmq.get<Params>('/api/v1/config');
      expect(w.status).toBe(200);
      expect(w.body.items.length).toBe(s.body.items.length);
      expect(w.body.items.every((i) => !i.editable)).toBe(true);
    });

    it('refuses out-of-range, mistyped, foreign and unknown parameters in Chinese', async () => {
      const cases: [Client, string, unknown, number, RegExp][] = [
        [sec, 'security.passwordMinLength', 5, 400, /取值范围是 8 ~ 64/],
        [sec, 'security.passwordMinLength', 65, 400, /取值范围是 8 ~ 64/],
        [sec, 'security.lockoutThreshold', 'ten', 400, /应为整数/],
        [sec, 'security.lockoutThreshold', 1.5, 400, CHINESE],
        [sec, 'security.idleTimeoutMinutes', true, 400, /应为整数/],
        [sys, 'system.platformName', 42, 400, /文本/],
        [sys, 'system.platformName', 'x'.repeat(501), 400, CHINESE],
        [sys, 'security.passwordMinLength', 12, 403, /安全参数只能由安全管理员修改/],
        [sec, 'system.platformName', '别的平台', 403, /系统参数只能由系统管理员修改/],
        [wlmq, 'system.platformName', '乌鲁木齐平台', 403, /自治区级管理员/],
        [sys, 'system.noSuchKey', 'x', 404, CHINESE],
      ];
      const before = await p.deps.db.selectFrom('sys_param').select(['key', 'value']).orderBy('key').execute();
      for (const [c, key, value, status, detail] of cases) {
        const res = await c.put<Json>(`/api/v1/config/${key}`, { value });
        expect(res.status, `${key}=${JSON.stringify(value).slice(0, 20)}`).toBe(status);
        expect(String(res.headers['content-type'])).toContain('application/problem+json');
        expect(String(res.body.detail)).toMatch(detail);
      }
      expect(await p.deps.db.selectFrom('sys_param').select(['key', 'value']).orderBy('key').execute()).toEqual(before);
    });

    it('audits each change, and the new value takes effect at once', async () => {
      const changed = await sec.put('/api/v1/config/security.passwordMinLength', { value: 12 });
      expect(changed.status).toBe(200);
      const [row] = await auditRows('config.update', 'security.passwordMinLength');
      expect(row).toMatchObject({ actor_name: '安全管理员(secadmin)', tenant_id: root, ip: '127.0.0.1', user_agent: 'vitest', target_type: 'config' });
      expect(row!.summary).toEqual({ before: { value: 10 }, after: { value: 12 } });
      const listed = await sec.get<Params>('/api/v1/config');
      expect(listed.body.items.find((i) => i.key === 'security.passwordMinLength')).toMatchObject({ value: 12, updatedBy: 'secadmin' });
      // The policy applies to the next password at once.
      const weak = await sys.post<Json>('/api/v1/users', { tenantId: A, orgId: await I.org('WLMQ-SL'), username: 'cfg_user', displayName: '参数测试', password: 'Ab1@Ab1@Ab1' });
      expect(weak.status).toBe(400);
      expect(String(weak.body.detail)).toContain('密码长度不能少于12位');

      expect((await sys.put('/api/v1/config/system.hotlineNumber', { value: '96345' })).status).toBe(200);
      const [sysRow] = await auditRows('config.update', 'system.hotlineNumber');
      expect(sysRow).toMatchObject({ actor_name: '系统管理员(sysadmin)' });
      expect(sysRow!.summary).toEqual({ before: { value: '12345' }, after: { value: '96345' } });

      expect((await sec.put('/api/v1/config/security.passwordMinLength', { value: 10 })).status).toBe(200);
      expect(await auditRows('config.update', 'security.passwordMinLength')).toHaveLength(2);
      expect(await p.deps.params.int('security.passwordMinLength')).toBe(10);
    });
  });

  describe('notifications', () => {
    type Inbox = { items: { id: string; title: string; body: string; senderName: string; readAt: string | null }[]; total: number; unread: number };
    let noteId: string;

    it('sysadmin notifies an org and a user; recipients see it unread and can mark it read', async () => {
      const reviewer = await login(p, 'reviewer01');
      const agentBefore = (await agent.get<Inbox>('/api/v1/notifications')).body;
      const sent = await sys.post<{ id: string; recipients: number }>('/api/v1/notifications', {
        title: '系统升级通知',
        body: '今晚 22:00 系统升级，请提前保存工单。',
        targets: [
          { type: 'org', id: await I.org('RX-SL1') },
          { type: 'user', id: await I.user('reviewer01') },
        ],
      });
      expect(sent.status).toBe(201);
      expect(sent.body.recipients).toBe(2);
      noteId = sent.body.id;
      const [row] = await auditRows('notification.send', noteId);
      expect(row).toMatchObject({ actor_name: '系统管理员(sysadmin)', target_type: 'notification' });

      const inbox = await agent.get<Inbox>('/api/v1/notifications');
      expect(inbox.status).toBe(200);
      expect(inbox.body.items[0]).toMatchObject({ id: noteId, title: '系统升级通知', senderName: '系统管理员', readAt: null });
      expect(inbox.body.unread).toBe(agentBefore.unread + 1);
      expect(inbox.body.total).toBe(agentBefore.total + 1);
      expect((await agent.get<Inbox>('/api/v1/notifications?unread=true')).body.items.map((n) => n.id)).toContain(noteId);

      const read = await agent.post(`/api/v1/notifications/${noteId}/read`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ ok: true });
      const after = await agent.get<Inbox>('/api/v1/notifications');
      expect(after.body.unread).toBe(agentBefore.unread);
      expect(after.body.items.find((n) => n.id === noteId)?.readAt).toBeTruthy();
      expect((await agent.get<Inbox>('/api/v1/notifications?unread=true')).body.items.map((n) => n.id)).not.toContain(noteId);
      expect((await agent.post(`/api/v1/notifications/${noteId}/read`)).status).toBe(200);

      // The other recipient's copy is untouched.
      const rev = await reviewer.get<Inbox>('/api/v1/notifications?unread=true');
      expect(rev.body.items.map((n) => n.id)).toContain(noteId);
    });

    it('a user who is not a recipient cannot see or mark it', async () => {
      const outsider = await login(p, 'handler_xj');
      const res = await outsider.post<Json>(`/api/v1/notifications/${noteId}/read`);
      expect(res.status).toBe(404);
      expect(String(res.body.detail)).toMatch(CHINESE);
      expect((await outsider.get<Inbox>('/api/v1/notifications')).body.items.map((n) => n.id)).not.toContain(noteId);
      expect((await agent.post('/api/v1/notifications/00000000-0000-4000-8000-000000000000/read')).status).toBe(404);
      const read = await p.deps.db.selectFrom('notification_recipient').select('user_id').where('notification_id', '=', noteId).execute();
      expect(read).toHaveLength(2);
    });

    it('org targets include sub-orgs; empty targets and senders without permission are refused', async () => {
      const all = await sys.post<{ recipients: number }>('/api/v1/notifications', { title: '中心通知', body: '全体', targets: [{ type: 'org', id: await I.org('RX') }] });
      expect(all.status).toBe(201);
      // Everyone in the centre's sub-orgs (受理一班, 派单组, 回访审核组, 督办科…), counted from the org paths.
      const centre = await p.deps.db.selectFrom('org').select('path').where('code', '=', 'RX').executeTakeFirstOrThrow();
      const members = await p.deps.db
        .selectFrom('app_user')
        .innerJoin('org', 'org.id', 'app_user.org_id')
        .select('app_user.username')
        .where('org.path', 'like', `${centre.path}%`)
        .where('app_user.deleted_at', 'is', null)
        .execute();
      expect(members.map((m) => m.username)).toEqual(expect.arrayContaining(['agent01', 'dispatcher01', 'reviewer01', 'supervisor01']));
      expect(all.body.recipients).toBe(members.length);
      const empty = await sys.post<Json>('/api/v1/notifications', { title: '空', body: '空', targets: [{ type: 'org', id: await I.org('WLMQ-ZJJ-WY') }] });
      expect(empty.status).toBe(400);
      expect(String(empty.body.detail)).toContain('没有可接收消息的用户');
      expect((await agent.post('/api/v1/notifications', { title: 'x', body: 'x', targets: [{ type: 'user', id: await I.user('sysadmin') }] })).status).toBe(403);
    });
  });

  describe('live push over WebSocket', () => {
    let base: string;
    const sockets: WsClient[] = [];

    beforeAll(async () => {
      await p.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = p.app.server.address() as AddressInfo;
      base = `ws://127.0.0.1:${port}/api/v1/ws`;
    });
    afterAll(() => {
      for (const s of sockets) s.terminate();
    });
    const open = async (token: string) => {
      const s = await connect(`${base}?token=${encodeURIComponent(token)}`);
      sockets.push(s.ws);
      return s;
    };

    it('delivers a notification to the recipient’s socket once the outbox runs', async () => {
      // Deliver what earlier tests queued before anyone is listening.
      while ((await p.outbox.drain()) > 0) {
        // keep draining
      }
      const agentSocket = await open(agent.token!);
      const reviewerSocket = await open((await login(p, 'reviewer01')).token!);
      agentSocket.ws.send('ping');
      expect(await agentSocket.next()).toEqual({ type: 'pong' });
      const sent = await sys.post<{ id: string }>('/api/v1/notifications', { title: '派单提醒', body: '您有一张新工单', targets: [{ type: 'user', id: await I.user('agent01') }] });
      expect(sent.status).toBe(201);
      // Nothing is pushed before the commit's outbox event is processed (workers are off in tests).
      await new Promise((r) => setTimeout(r, 50));
      expect(agentSocket.messages).toEqual([]);
      expect(await p.outbox.drain()).toBeGreaterThan(0);

      const msg = await agentSocket.next();
      expect(msg).toMatchObject({ type: 'notification', data: { id: sent.body.id, title: '派单提醒', body: '您有一张新工单', senderName: '系统管理员' } });
      // The recipient list is not broadcast to the recipients.
      expect((msg.data as Json).userIds).toBeUndefined();
      await new Promise((r) => setTimeout(r, 150));
      expect(reviewerSocket.messages).toEqual([]);
    });

    it('a bad, missing or revoked token cannot open the socket', async () => {
      await expect(connect(`${base}?token=not-a-real-token`)).rejects.toThrow('refused:401');
      await expect(connect(base)).rejects.toThrow('refused:401');
      const c = await login(p, 'dispatcher01');
      expect((await c.post('/api/v1/auth/logout')).status).toBe(200);
      await expect(connect(`${base}?token=${encodeURIComponent(c.token!)}`)).rejects.toThrow('refused:401');
    });
  });
});
