import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { Body, Id, Ok } from '../../platform/http/schemas.js';
import * as agents from './agents.service.js';
import type { SoftphoneSession } from '@hotline/voip';
import type { SoftphoneService } from './softphone.service.js';

const agentTags = { tags: ['坐席分机'] };
const UserParams = Type.Object({ userId: Id });
/** Browser messages are small JSON objects; anything bigger is not ours. */
const MAX_MESSAGE_BYTES = 16 * 1024;

export async function registerSoftphoneRoutes(app: App, deps: Deps, softphone: SoftphoneService): Promise<void> {
  app.get('/api/v1/telephony/agents', { config: { permission: 'telephony:agent:manage' }, schema: agentTags }, async (req) => ({ items: await agents.listAgents(deps, req.actor!) }));

  app.put(
    '/api/v1/telephony/agents/:userId',
    {
      config: { permission: 'telephony:agent:manage', audit: 'telephony.agent.assign' },
      schema: { ...agentTags, params: UserParams, body: Body({ extension: Type.String({ minLength: 1, maxLength: 16 }) }) },
    },
    async (req) => agents.assignExtension(deps, req.actor!, req.params.userId, req.body.extension),
  );

  app.delete(
    '/api/v1/telephony/agents/:userId',
    { config: { permission: 'telephony:agent:manage', audit: 'telephony.agent.remove' }, schema: { ...agentTags, params: UserParams, response: { 200: Ok } } },
    async (req) => {
      await agents.removeExtension(deps, req.actor!, req.params.userId);
      return { ok: true };
    },
  );

  app.get('/api/v1/telephony/softphone', { config: { permission: 'telephony:softphone:use' }, schema: { tags: ['软电话'] } }, async (req) => softphone.status(req.actor!));

  // The page's signalling channel. The path starts with /api/v1/ws because browsers cannot set
  // headers on a WebSocket: the session token travels in the query string, which is only accepted
  // (and masked in logs) there.
  app.get('/api/v1/ws/softphone', { websocket: true, config: { permission: 'telephony:softphone:use' }, schema: { hide: true } }, async (socket, req) => {
    const send = (m: unknown) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
    };
    // Messages that arrive while the extension is still registering wait for the session.
    const early: unknown[] = [];
    let closed = false;
    let session: SoftphoneSession | undefined;
    socket.on('message', (raw: Buffer) => {
      if (raw.length > MAX_MESSAGE_BYTES) return send({ type: 'error', code: 'TOO_LARGE', message: '消息过大，已忽略' });
      let message: unknown;
      try {
        message = JSON.parse(raw.toString('utf8'));
      } catch {
        return send({ type: 'error', code: 'BAD_JSON', message: '消息格式错误，已忽略' });
      }
      if (session) void session.handle(message).catch(() => send({ type: 'error', code: 'FAILED', message: '操作失败，请重试' }));
      else early.push(message);
    });
    socket.on('close', () => {
      closed = true;
      void session?.close();
    });
    session = await softphone.connect(req.actor!, { send, close: (code, reason) => socket.close(code, reason) });
    if (!session) return;
    if (closed) return void session.close();
    for (const m of early.splice(0)) await session.handle(m).catch(() => undefined);
  });
}
