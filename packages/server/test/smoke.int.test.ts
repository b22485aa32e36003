import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, login, type TestPlatform } from './harness.js';

describe('platform start', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await createTestPlatform();
  });
  afterAll(() => p.close());

  it('seeds the Xinjiang tenant tree: 自治区, 14 地州市 and their counties', async () => {
    const rows = await p.deps.db.selectFrom('tenant').select(['code', 'level', 'kind']).execute();
    expect(rows.filter((r) => r.level === 1).map((r) => r.code)).toEqual(['650000']);
    expect(rows.filter((r) => r.level === 2 && r.kind === 'region')).toHaveLength(14);
    expect(rows.filter((r) => r.level === 3 && r.kind === 'region').length).toBeGreaterThan(90);
    expect(rows.find((r) => r.code === 'XPCC')?.kind).toBe('xpcc');
  });

  it('serves health, readiness, metrics and OpenAPI', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/api/openapi.json']) {
      const res = await p.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
    }
    const spec = (await p.app.inject({ url: '/api/openapi.json' })).json() as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toContain('/api/v1/users');
  });

  it('logs a demo user in and returns the permitted menus', async () => {
    const c = await login(p, 'sysadmin');
    const me = await c.get<{ menus: { key: string }[]; user: { username: string } }>('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe('sysadmin');
    expect(me.body.menus.map((m) => m.key)).toContain('identity');
  });
});
