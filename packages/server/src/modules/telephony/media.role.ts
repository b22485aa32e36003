/**
 * The product's media role: builds the B2BUA (SIP + RTP + IVR) from configuration, forwards its
 * call events onto the bus for the CTI layer and writes one CDR per call. Started by main.ts when
 * HOTLINE_MEDIA_ENABLED=true; off by default (tests, `npm start`).
 *
 * CDRs go to the telephony_cdr table (migration 0012-telephony-cdr) when a database is given, else
 * to <dataDir>/cdr/<yyyymmdd>.jsonl (one JSON object per line), and onto the bus ('telephony:cdr').
 * When a blob store is given, the call's recording and voicemail move into it as the call ends
 * (recordings/<yyyymmdd>/<callId>.wav, voicemail/<yyyymmdd>/<callId>.wav) and the CDR carries their
 * keys, SM3 digests and sizes; the recordings API (telephony.routes.ts) serves them from there.
 */
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, unlink } from 'node:fs/promises';
import { sql } from 'kysely';
import { join } from 'node:path';
import { B2bua, EspeakTts } from '@hotline/voip';
import type { B2buaCall, CallEvent, Cdr, IvrFlow, SipLogger } from '@hotline/voip';
import type { Bus } from '../../platform/events/bus.js';
import type { Db } from '../../platform/db/database.js';
import { assertBlobKey, type BlobInfo, type BlobStore } from '../../platform/blob/index.js';
import { softphonePassword } from './softphone.service.js';
import { DEFAULT_IVR_FLOW, HOLD_TEXT } from './default-flow.js';
import { loadMediaConfig, type MediaRoleConfig } from './media.config.js';

/** Bus channels the media role publishes on. */
export const TELEPHONY_CHANNELS = { calls: 'telephony:calls', cdr: 'telephony:cdr' } as const;

export interface MediaRole {
  readonly engine: B2bua;
  readonly config: MediaRoleConfig;
  close(): Promise<void>;
}

export interface MediaRoleDeps {
  bus: Bus;
  /** CDRs go to telephony_cdr when given, else to JSON lines under dataDir/cdr. */
  db?: Db;
  /** Recordings and voicemail move here when a call ends; without it they stay where the engine wrote them. */
  blobs?: BlobStore;
  dataDir: string;
  logger?: SipLogger;
  /** Replaces the default flow (tests, tenants with their own menu). */
  flow?: IvrFlow;
  env?: Record<string, string | undefined>;
  /**
   * The installation key from which browser agents' SIP passwords are derived (softphone.service):
   * with it, the registrar also accepts the softphone gateway's registrations.
   */
  softphoneKey?: string;
}

/** Starts the engine when the configuration enables it; returns undefined otherwise. */
export async function startMediaRole(deps: MediaRoleDeps): Promise<MediaRole | undefined> {
  const config = loadMediaConfig(deps.env ?? process.env, deps.dataDir);
  if (!config.enabled) return undefined;
  return createMediaRole(config, deps);
}

export async function createMediaRole(config: MediaRoleConfig, deps: MediaRoleDeps): Promise<MediaRole> {
  const tts = new EspeakTts({ cacheDir: config.promptsDir });
  const logger = deps.logger;
  if (config.sipUsers.size === 0 && !deps.softphoneKey) logger?.warn({}, 'HOTLINE_SIP_USERS is empty: phones register without authentication (development only)');
  const hold = await holdMusic(tts, logger);
  const engine = await B2bua.create({
    sip: {
      udpPort: config.sipPort,
      tcpPort: config.sipPort,
      host: config.sipHost,
      ...(config.publicAddress ? { publicAddress: config.publicAddress } : {}),
      domain: config.sipDomain,
      ...(config.sipUsers.size > 0 || deps.softphoneKey ? { users: registrarUsers(config, deps.softphoneKey) } : {}),
      ...(logger ? { logger } : {}),
    },
    rtp: {
      min: config.rtpMin,
      max: config.rtpMax,
      bindAddress: config.sipHost,
      ...(config.publicAddress ? { publicAddress: config.publicAddress } : {}),
      inactivityTimeoutMs: config.rtpTimeoutMs,
    },
    numbers: config.numbers,
    flow: deps.flow ?? DEFAULT_IVR_FLOW,
    tts,
    recordingsDir: config.recordingsDir,
    musicOnHold: hold,
    onQueue: (_call: B2buaCall, _queue: string) => config.queueTarget,
    ...(logger ? { logger } : {}),
  });
  engine.on('event', (event: CallEvent) => {
    deps.bus.publish(TELEPHONY_CHANNELS.calls, event).catch((err: unknown) => logger?.error({ err: String(err) }, 'call event not published'));
  });
  let writes: Promise<void> = Promise.resolve();
  engine.on('cdr', (cdr: Cdr) => {
    const db = deps.db;
    writes = writes
      .then(async () => {
        const stored = deps.blobs ? await storeCallAudio(deps.blobs, cdr, logger) : {};
        await (db ? insertCdr(db, config.tenantCode, cdr, stored) : writeCdr(config.cdrDir, cdr, stored));
      })
      .catch((err: unknown) => logger?.error({ err: String(err), callId: cdr.id }, 'CDR not written'));
    deps.bus.publish(TELEPHONY_CHANNELS.cdr, cdr).catch(() => undefined);
  });
  logger?.info({ sip: `${config.sipHost}:${engine.stack.udpPort ?? config.sipPort}`, numbers: config.numbers, rtp: `${config.rtpMin}-${config.rtpMax}` }, 'media role started');
  return {
    engine,
    config,
    async close() {
      await engine.close();
      await writes;
    },
  };
}

/** Desk phones from HOTLINE_SIP_USERS first, then browser agents' derived passwords. */
function registrarUsers(config: MediaRoleConfig, softphoneKey: string | undefined): (user: string) => string | undefined {
  return (user) => config.sipUsers.get(user) ?? (softphoneKey ? softphonePassword(softphoneKey, user) : undefined);
}

async function holdMusic(tts: EspeakTts, logger: SipLogger | undefined): Promise<Int16Array> {
  try {
    const speech = (await tts.synthesize({ text: HOLD_TEXT })).pcm;
    const out = new Int16Array(speech.length + 8000 * 4);
    out.set(speech);
    return out;
  } catch (err) {
    logger?.warn({ err: String(err) }, 'hold prompt unavailable (espeak-ng missing?): callers on hold hear silence');
    return new Int16Array(0);
  }
}

/** The UTC day of a call's start, as the engine names its recording directories. */
function dayOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** Where a call's audio went in the blob store. */
export interface StoredCallAudio {
  recording?: BlobInfo;
  voicemail?: BlobInfo;
}

/** Blob key of a call's recording (kind 'recordings') or voicemail. */
export function callAudioKey(kind: 'recordings' | 'voicemail', cdr: Pick<Cdr, 'id' | 'startedAt'>): string {
  return `${kind}/${dayOf(cdr.startedAt)}/${cdr.id}.wav`;
}

/**
 * Moves the call's recording and voicemail files into the blob store (copy, then remove the
 * engine's file). A file that cannot be moved stays where it is and the CDR keeps only its path.
 */
export async function storeCallAudio(blobs: BlobStore, cdr: Cdr, logger?: SipLogger): Promise<StoredCallAudio> {
  const out: StoredCallAudio = {};
  const files: [keyof StoredCallAudio, 'recordings' | 'voicemail', string | undefined][] = [
    ['recording', 'recordings', cdr.recordingPath],
    ['voicemail', 'voicemail', cdr.voicemailPath],
  ];
  for (const [field, kind, path] of files) {
    if (!path) continue;
    try {
      const key = callAudioKey(kind, cdr);
      assertBlobKey(key);
      out[field] = await blobs.put(key, createReadStream(path), { contentType: 'audio/wav' });
      await unlink(path);
    } catch (err) {
      logger?.error({ err: String(err), callId: cdr.id, path }, 'call audio not moved to the blob store');
    }
  }
  return out;
}

export async function writeCdr(dir: string, cdr: Cdr, stored: StoredCallAudio = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const line = stored.recording || stored.voicemail ? { ...cdr, stored } : cdr;
  await appendFile(join(dir, `${dayOf(cdr.startedAt)}.jsonl`), `${JSON.stringify(line)}\n`, 'utf8');
}

const tenantIds = new Map<string, Promise<string | null>>();

/** One row per call; the tenant is the one owning the hotline numbers (HOTLINE_MEDIA_TENANT). */
export async function insertCdr(db: Db, tenantCode: string, cdr: Cdr, stored: StoredCallAudio = {}): Promise<void> {
  let tenant = tenantIds.get(tenantCode);
  if (!tenant) {
    tenant = sql<{ id: string }>`select id from tenant where code = ${tenantCode}`.execute(db).then((r) => r.rows[0]?.id ?? null);
    tenantIds.set(tenantCode, tenant);
  }
  const at = (ms: number | undefined): Date | null => (ms === undefined ? null : new Date(ms));
  await sql`
    insert into telephony_cdr (id, tenant_id, sip_call_id, caller, caller_withheld, callee, started_at, answered_at, bridged_at,
      ended_at, end_reason, queue, agent, recording_path, voicemail_path, dtmf, ivr_path, hold_seconds, record,
      recording_key, recording_sm3, recording_size, voicemail_key, voicemail_sm3, voicemail_size)
    values (${cdr.id}, ${await tenant}, ${cdr.sipCallId}, ${cdr.caller}, ${cdr.callerWithheld}, ${cdr.callee}, ${at(cdr.startedAt)},
      ${at(cdr.answeredAt)}, ${at(cdr.bridgedAt)}, ${at(cdr.endedAt)}, ${cdr.endReason ?? null}, ${cdr.queue ?? null}, ${cdr.agent ?? null},
      ${cdr.recordingPath ?? null}, ${cdr.voicemailPath ?? null}, ${cdr.dtmf}, ${JSON.stringify(cdr.ivrPath)}::jsonb, ${cdr.holdSeconds},
      ${JSON.stringify(cdr)}::jsonb, ${stored.recording?.key ?? null}, ${stored.recording?.sm3 ?? null}, ${stored.recording?.size ?? null},
      ${stored.voicemail?.key ?? null}, ${stored.voicemail?.sm3 ?? null}, ${stored.voicemail?.size ?? null})
    on conflict (id) do nothing`.execute(db);
}
