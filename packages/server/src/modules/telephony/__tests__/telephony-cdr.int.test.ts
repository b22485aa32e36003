/** CDR rows of the media role (migration 0012-telephony-cdr), on PGlite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Cdr } from '@hotline/voip';
import { createTestPlatform, type TestPlatform } from '../../../../test/harness.js';
import { insertCdr } from '../media.role.js';

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
});
