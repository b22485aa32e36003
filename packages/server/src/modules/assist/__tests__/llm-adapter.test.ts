import { describe, expect, it } from 'vitest';
import { buildRequest, validateRefinement } from '../llm.adapter.js';
import type { AssistResult } from '../analyse.service.js';

const offered = ['a1', 'b2'];

describe('LLM answer validation', () => {
  it('accepts a schema-conforming answer, also inside a markdown fence', () => {
    const ok = { intent: '求助', title: '小区停水', summary: '市民反映小区停水。', itemId: 'b2' };
    expect(validateRefinement(JSON.stringify(ok), offered)).toEqual(ok);
    expect(validateRefinement('```json\n' + JSON.stringify({ ...ok, itemId: null }) + '\n```', offered)).toEqual({ ...ok, itemId: null });
  });

  it('refuses anything else with a Chinese reason', () => {
    const base = { intent: '投诉', title: '标题', summary: '摘要', itemId: 'a1' };
    const bad: unknown[] = [
      undefined,
      'not json',
      '[1,2]',
      JSON.stringify({ ...base, intent: '闲聊' }),
      JSON.stringify({ ...base, title: '' }),
      JSON.stringify({ ...base, title: '长'.repeat(61) }),
      JSON.stringify({ ...base, summary: 42 }),
      JSON.stringify({ ...base, itemId: 'invented' }),
      JSON.stringify({ ...base, itemId: 7 }),
    ];
    for (const b of bad) {
      const r = validateRefinement(b, offered);
      expect(typeof r, String(b)).toBe('string');
      expect(r as string).toMatch(/[\u4e00-\u9fa5]/);
    }
  });

  it('asks for JSON by schema and offers only the offline candidates', () => {
    const offline = { items: [{ itemId: 'a1', name: '停水', probability: 0.5, matchedTerms: [] }], intent: { label: '投诉', probability: 0.5, source: 'rules' }, title: '停水' } as unknown as AssistResult;
    const req = buildRequest({ baseUrl: 'http://x', apiKey: '', model: 'm', timeoutMs: 1000 }, '小区停水', offline);
    expect(req.response_format.type).toBe('json_schema');
    const schema = req.response_format.json_schema.schema;
    expect(schema.properties.itemId.anyOf[0]).toMatchObject({ enum: ['a1'] });
    expect(req.messages[1]!.content).toContain('小区停水');
  });
});
