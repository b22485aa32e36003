/** CDR rows of the media role (migration 0012-telephony-cdr), on PGlite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Cdr } from '@hotline/voip';
import { createTestPlatform, type TestPlatform } from '../../../../test/harness.js';
import { callAudioKey, insertCdr } from '../media.role.js';

describe('telephony CDR table', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await createTestPlatform();
  });
  afterAll(() => p.close());

  it('stores one row per call under the hotline tenant, with the full record; a repeat is ignored', async () => {
    const t0 = Date.parse('2026-01-05T09:00:00+08:00');
    const cdr: Cdr = {
      id: 'call-1', sipCallId: 'abc@carrier', caller: '13800000000', callerWithheld: false, callee: '12345',
      startedAt: t0, answeredAt: t0 + 100, bridgedAt: t0 + 9000, endedAt: t0 + 60_000, endReason: 'caller-hangup',
      ivrPath: ['menu', 'route', 'mandarin'], ivrInputs: [{ node: 'menu', digits: '1' }], dtmf: '1', queue: 'mandarin', agent: '1001',
      recordingPath: '/data/recordings/20260105/call-1.wav', transfers: [], holdSeconds: 2.5,
      legs: [{ id: 'citizen', role: 'citizen', party: '13800000000', sipCallId: 'abc@carrier', startedAt: t0 }],
    };
    await insertCdr(p.deps.db, '650000', cdr);
    await insertCdr(p.deps.db, '650000', cdr);
    const { rows } = await sql<{ tenant_code: string; caller: string; queue: string; ivr_path: string[]; record: Cdr; answered_at: Date; hold_seconds: number }>`
      select t.code as tenant_code, c.caller, c.queue, c.ivr_path, c.record, c.answered_at, c.hold_seconds
      from telephony_cdr c join tenant t on t.id = c.tenant_id`.execute(p.deps.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tenant_code: '650000', caller: '13800000000', queue: 'mandarin', ivr_path: ['menu', 'route', 'mandarin'], hold_seconds: 2.5 });
    expect(new Date(rows[0]?.answered_at ?? 0).getTime()).toBe(t0 + 100);
    expect(rows[0]?.record.ivrInputs).toEqual([{ node: 'menu', digits: '1' }]);
  });

  it('keeps the blob key, SM3 digest and size of the recording and the voicemail (migration 0013)', async () => {
    const t0 = Date.parse('2026-01-06T10:00:00+08:00');
    const cdr: Cdr = {
      id: 'call-2', sipCallId: 'def@carrier', caller: '13900000000', callerWithheld: false, callee: '12345', startedAt: t0, endedAt: t0 + 30_000,
      endReason: 'ivr-end', ivrPath: ['menu'], ivrInputs: [], dtmf: '', transfers: [], holdSeconds: 0, legs: [],
    };
    const recording = await p.deps.blobs.put(callAudioKey('recordings', cdr), Buffer.from('RIFF rec'), { contentType: 'audio/wav' });
    const voicemail = await p.deps.blobs.put(callAudioKey('voicemail', cdr), Buffer.from('RIFF voicemail'), { contentType: 'audio/wav' });
    await insertCdr(p.deps.db, '650000', cdr, { recording, voicemail });
    const row = await p.deps.db.selectFrom('telephony_cdr').selectAll().where('id', '=', 'call-2').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ recording_key: 'recordings/20260106/call-2.wav', recording_sm3: recording.sm3, voicemail_key: 'voicemail/20260106/call-2.wav', voicemail_sm3: voicemail.sm3 });
    expect(Number(row.recording_size)).toBe(8);
    expect(Number(row.voicemail_size)).toBe(14);
    // The agents table exists for the agents service: one extension per user, unique installation-wide.
    const cols = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'telephony_agent' order by ordinal_position`.execute(p.deps.db);
    expect(cols.rows.map((r) => r.column_name)).toEqual(['tenant_id', 'user_id', 'extension', 'display_name', 'created_at', 'updated_at']);
  });
});
