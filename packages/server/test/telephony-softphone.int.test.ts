import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMediaConfig } from '../src/modules/telephony/media.config.js';
import { createMediaRole, type MediaRole } from '../src/modules/telephony/media.role.js';
import { createTestPlatform, expectProblem, ids, login, provisionUser, type Client, type TestPlatform } from './harness.js';

/**
 * 坐席分机 and the softphone's signalling socket: extensions are assigned per tenant and unique in
 * the installation; the socket registers the caller's own extension through the WebRTC gateway,
 * refuses clearly when it cannot, and survives garbage from the page.
 */
type Message = Record<string, unknown> & { type: string };

/** A WebSocket to the softphone route, collecting what the server says. */
async function openSoftphone(p: TestPlatform, c: Client) {
  const messages: Message[] = [];
  let closeCode: number | undefined;
  // A real socket on loopback: the upgrade goes through the same authentication as the page's.
  if (!p.app.server.listening) await p.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = p.app.server.address() as AddressInfo;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws/softphone?token=${encodeURIComponent(c.token ?? '')}`);
  // Listeners first: the server may speak in the same packet as the handshake's answer.
  ws.on('message', (raw: Buffer) => messages.push(JSON.parse(raw.toString('utf8')) as Message));
  ws.on('close', (code: number) => {
    closeCode = code;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = async (type: string): Promise<Message> => {
    await expect.poll(() => messages.some((m) => m.type === type), { timeout: 10_000 }).toBe(true);
    return messages.find((m) => m.type === type)!;
  };
  return { ws, messages, next, closed: () => closeCode };
}

describe('agent extensions', () => {
  let p: TestPlatform;
  let sys: Client;

  beforeAll(async () => {
    p = await createTestPlatform();
    sys = await login(p, 'sysadmin');
  });
  afterAll(() => p?.close());

  it('lists, assigns and revokes extensions of the own tenant, with an audit row each', async () => {
    const I = await ids(p);
    const listed = await sys.get<{ items: { username: string; extension: string }[] }>('/api/v1/telephony/agents');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual(expect.objectContaining({ username: 'agent01', extension: '8001' }));

    const dispatcher = await I.user('dispatcher01');
    expectProblem(await sys.put(`/api/v1/telephony/agents/${dispatcher}`, { extension: '12' }), 400, 'VALIDATION_FAILED');
    const taken = expectProblem(await sys.put(`/api/v1/telephony/agents/${dispatcher}`, { extension: '8001' }), 409, 'CONFLICT');
    expect(taken.detail).toContain('已分配给其他坐席');
    const assigned = await sys.put<{ extension: string }>(`/api/v1/telephony/agents/${dispatcher}`, { extension: '8002' });
    expect(assigned.status).toBe(200);
    expect(assigned.body.extension).toBe('8002');
    const audit = await p.deps.db.selectFrom('audit_log').select(['action']).where('target_id', '=', dispatcher).where('action', '=', 'telephony.agent.assign').execute();
    expect(audit).toHaveLength(1);

    expect((await sys.delete(`/api/v1/telephony/agents/${dispatcher}`)).status).toBe(200);
    expectProblem(await sys.delete(`/api/v1/telephony/agents/${dispatcher}`), 404, 'NOT_FOUND');
  });

  it('another tenant\'s administrator cannot touch them, and agents cannot manage extensions', async () => {
    const I = await ids(p);
    const wlmq = await login(p, 'admin_wlmq');
    expectProblem(await wlmq.put(`/api/v1/telephony/agents/${await I.user('agent01')}`, { extension: '8555' }), 404, 'NOT_FOUND');
    expect((await wlmq.get<{ items: unknown[] }>('/api/v1/telephony/agents')).body.items).toEqual([]);
    const agent = await login(p, 'agent01');
    expectProblem(await agent.get('/api/v1/telephony/agents'), 403, 'FORBIDDEN');
    const status = await agent.get<{ enabled: boolean; extension: string | null }>('/api/v1/telephony/softphone');
    expect(status.body).toEqual({ enabled: false, extension: '8001' });
  });

  it('the socket says the media service is off, in Chinese, and closes', async () => {
    const agent = await login(p, 'agent01');
    const s = await openSoftphone(p, agent);
    const error = await s.next('error');
    expect(error).toMatchObject({ code: 'MEDIA_DISABLED' });
    expect(String(error.message)).toMatch(/媒体服务未启用/);
    await expect.poll(s.closed).toBe(4000);
  });
});

describe('softphone socket with the media role running', () => {
  let p: TestPlatform;
  let media: MediaRole;
  const dataDir = mkdtempSync(join(tmpdir(), 'softphone-int-'));

  beforeAll(async () => {
    p = await createTestPlatform();
    const base = 47_000 + 2 * Math.floor(Math.random() * 2000);
    const config = loadMediaConfig(
      { HOTLINE_MEDIA_ENABLED: 'true', HOTLINE_SIP_HOST: '127.0.0.1', HOTLINE_SIP_PORT: '0', HOTLINE_RTP_PORT_MIN: String(base), HOTLINE_RTP_PORT_MAX: String(base + 99) },
      dataDir,
    );
    media = await createMediaRole(config, { bus: p.deps.bus, db: p.deps.db, blobs: p.deps.blobs, dataDir, softphoneKey: p.deps.config.keys.indexKeyHex });
    await p.softphone.start(media, { rtp: { min: base + 100, max: base + 199 }, iceHostAddress: '127.0.0.1' });
  }, 60_000);

  afterAll(async () => {
    await p?.softphone.close();
    await media?.close();
    await p?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers the agent\'s own extension with the media role', async () => {
    const s = await openSoftphone(p, await login(p, 'agent01'));
    expect(await s.next('registered')).toMatchObject({ extension: '8001' });
    expect(media.engine.stack.lookup(`8001@${media.config.sipDomain}`)).toHaveLength(1);
    s.ws.terminate();
    // Closing the page unregisters the extension.
    await expect.poll(() => media.engine.stack.lookup(`8001@${media.config.sipDomain}`).length, { timeout: 10_000 }).toBe(0);
  });

  it('answers garbage from the page with error messages and keeps the line', async () => {
    const s = await openSoftphone(p, await login(p, 'agent01'));
    await s.next('registered');
    s.ws.send('{not json');
    s.ws.send(JSON.stringify({ type: 'hangup', callId: 'no-such-call' }));
    s.ws.send(JSON.stringify({ type: 'explode' }));
    // Over the route's 16 KB (frames over the socket's 64 KB limit are refused by the WebSocket layer itself).
    s.ws.send('x'.repeat(20_000));
    await expect.poll(() => s.messages.filter((m) => m.type === 'error').length, { timeout: 10_000 }).toBe(4);
    const codes = s.messages.filter((m) => m.type === 'error').map((m) => m.code);
    expect(codes).toEqual(expect.arrayContaining(['BAD_JSON', 'TOO_LARGE']));
    for (const m of s.messages.filter((x) => x.type === 'error')) expect(String(m.message)).toMatch(/[\u4e00-\u9fff]/);
    expect(s.closed()).toBeUndefined();
    expect(media.engine.stack.lookup(`8001@${media.config.sipDomain}`)).toHaveLength(1);
    s.ws.terminate();
  });

  it('a second page of the same agent replaces the first', async () => {
    const agent = await login(p, 'agent01');
    const first = await openSoftphone(p, agent);
    await first.next('registered');
    const second = await openSoftphone(p, agent);
    await second.next('registered');
    expect(await first.next('closed')).toMatchObject({ reason: 'replaced' });
    second.ws.terminate();
  });

  it('an agent without an extension is told to ask the administrator', async () => {
    const I = await ids(p);
    const c = await provisionUser(p, { tenantId: await I.tenant('650000'), orgId: await I.org('RX-SL1'), username: 'agent_noext', roleCode: 'hotline_agent' });
    const s = await openSoftphone(p, c);
    const error = await s.next('error');
    expect(error).toMatchObject({ code: 'NO_EXTENSION' });
    expect(String(error.message)).toContain('分机号');
    await expect.poll(s.closed).toBe(4000);
  });
});
