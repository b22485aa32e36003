import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { OneOf, PageQuery } from '../../platform/http/schemas.js';
import * as calls from './calls.service.js';
import { registerSoftphoneRoutes } from './softphone.routes.js';
import type { SoftphoneService } from './softphone.service.js';

const tags = { tags: ['话务'] };
const Opt = <T extends Parameters<typeof Type.Optional>[0]>(t: T) => Type.Optional(t);

/** Our call ids (the engine's `<time36>-<hex>`), and nothing that could name a file or a query. */
const CallParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }) });
const CallFilters = {
  ...PageQuery,
  from: Opt(Type.String({ format: 'date-time' })),
  to: Opt(Type.String({ format: 'date-time' })),
  /** Digits of the caller's number: the whole number, or its last digits with callerMatch=suffix. */
  caller: Opt(Type.String({ minLength: 1, maxLength: 20, pattern: '^[0-9]+$' })),
  callerMatch: Opt(OneOf(['exact', 'suffix'] as const)),
  /** The agent's extension (or SIP user) as the CDR names it. */
  agent: Opt(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@+-]+$' })),
  endReason: Opt(OneOf(calls.END_REASONS)),
  queue: Opt(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' })),
  hasRecording: Opt(Type.Boolean()),
};

const CALL_READ = 'telephony:call:read';
const PLAY = 'telephony:recording:play';

/** 话务 routes: call records and recordings here; the softphone's routes are added below. */
export async function registerTelephonyRoutes(app: App, deps: Deps, softphone: SoftphoneService): Promise<void> {
  app.get('/api/v1/telephony/calls', { config: { permission: CALL_READ }, schema: { ...tags, querystring: Type.Object(CallFilters) } }, async (req) => calls.listCalls(deps, req.actor!, req.query));
  app.get('/api/v1/telephony/calls/:id', { config: { permission: CALL_READ }, schema: { ...tags, params: CallParams } }, async (req) => calls.getCall(deps, req.actor!, req.params.id));
  app.get(
    '/api/v1/telephony/calls/:id/recording',
    {
      // No automatic HEAD: every read of a recording is audited as a play, and HEAD would log one with no bytes sent.
      exposeHeadRoute: false,
      config: { permission: PLAY, audit: 'telephony.recording.play' },
      schema: { ...tags, params: CallParams, querystring: Type.Object({ kind: Opt(OneOf(['recording', 'voicemail'] as const)) }) },
    },
    async (req, reply) => {
      const range = typeof req.headers.range === 'string' ? req.headers.range : undefined;
      const rec = await calls.openRecording(deps, req.actor!, req.params.id, req.query.kind ?? 'recording', range).catch((err: unknown) => {
        if (err instanceof calls.RangeNotSatisfiable) reply.header('content-range', `bytes */${err.size}`);
        throw err;
      });
      reply
        .code(rec.status)
        .type('audio/wav')
        .header('accept-ranges', 'bytes')
        .header('content-length', String(rec.size === 0 ? 0 : rec.end - rec.start + 1))
        .header('content-disposition', `inline; filename="${rec.fileName}"`)
        // Personal data: never kept by a browser or proxy cache.
        .header('cache-control', 'private, no-store');
      if (rec.status === 206) reply.header('content-range', `bytes ${rec.start}-${rec.end}/${rec.size}`);
      return reply.send(rec.stream);
    },
  );

  await registerSoftphoneRoutes(app, deps, softphone);
}
