import { describe, expect, it } from 'vitest';
import { canonicalJson, chainHash, GENESIS_HASH, summarize, type ChainedFields } from '../audit/audit.js';

describe('audit summary', () => {
  it('keeps only changed fields of a before/after pair', () => {
    const s = summarize({ action: 'x', targetType: 't', before: { a: 1, b: 'same' }, after: { a: 2, b: 'same' } });
    expect(s).toEqual({ before: { a: 1 }, after: { a: 2 } });
  });

  it('never writes secrets', () => {
    const s = summarize({ action: 'x', targetType: 't', after: { password_hash: 'scrypt$…', mfa_secret_enc: 'sm4gcm:…', name: '张三' } });
    expect(JSON.stringify(s)).not.toContain('scrypt');
    expect(JSON.stringify(s)).not.toContain('sm4gcm');
    expect(s.after).toMatchObject({ name: '张三', password_hash: '***' });
  });

  it('serialises dates as ISO strings', () => {
    const s = summarize({ action: 'x', targetType: 't', after: { at: new Date('2026-01-05T01:00:00Z') } });
    expect(s.after).toEqual({ at: '2026-01-05T01:00:00.000Z' });
  });
});

describe('audit chain hash', () => {
  const row: ChainedFields = {
    id: 1,
    at: new Date('2026-01-05T01:00:00Z'),
    tenant_id: null,
    actor_id: null,
    actor_name: '系统',
    ip: '127.0.0.1',
    user_agent: 'ua',
    action: 'tenant.create',
    target_type: 'tenant',
    target_id: 'x',
    summary: { b: 1, a: { d: 2, c: 3 } },
    result: 'success',
  };

  it('is independent of key order (jsonb reorders keys)', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(chainHash(GENESIS_HASH, row)).toBe(chainHash(GENESIS_HASH, { ...row, summary: { a: { c: 3, d: 2 }, b: 1 } }));
  });

  it('changes when any field or the previous hash changes', () => {
    const h = chainHash(GENESIS_HASH, row);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, { ...row, actor_name: '他人' })).not.toBe(h);
    expect(chainHash('1'.repeat(64), row)).not.toBe(h);
  });
});
