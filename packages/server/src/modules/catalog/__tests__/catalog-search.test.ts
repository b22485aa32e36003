import { describe, expect, it } from 'vitest';
import { buildSearchText, cleanList, pinyinInitials, searchTerms } from '../search.js';
import { containsPattern } from '../../../platform/sql.js';
import { assertTransition, canTransition, entityStatusFor } from '../change.service.js';

describe('pinyin initials', () => {
  it('takes the first letter of each character, lower case', () => {
    expect(pinyinInitials('供暖不热')).toBe('gnbr');
    expect(pinyinInitials('乌鲁木齐市物业服务')).toBe('wlmqswyfw');
  });

  it('keeps letters and digits, drops punctuation', () => {
    expect(pinyinInitials('供暖（集中）不热')).toBe('gnjzbr');
    expect(pinyinInitials('12345热线')).toBe('12345rx');
    expect(pinyinInitials('ABC小区')).toBe('abcxq');
  });
});

describe('search text', () => {
  it('joins name, code, keywords, synonyms and pinyin so one LIKE finds any of them', () => {
    const text = buildSearchText({ name: '供暖不热', code: 'ZJ-GN-001', keywords: ['暖气'], synonyms: ['室温低'], pinyin: 'gnbr' });
    // Lower-cased once when stored, so queries need no per-row lower().
    for (const part of ['供暖不热', 'zj-gn-001', '暖气', '室温低', 'gnbr']) expect(text).toContain(part);
    // No term matches across the boundary of two fields.
    expect(text).not.toContain('不热ZJ');
  });

  it('splits a query into at most 8 distinct lower-case terms', () => {
    expect(searchTerms('  供暖  GNBR 供暖\u3000x ')).toEqual(['供暖', 'gnbr', 'x']);
    expect(searchTerms('')).toEqual([]);
    expect(searchTerms('a b c d e f g h i j')).toHaveLength(8);
  });

  it('escapes LIKE wildcards', () => {
    expect(containsPattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });

  it('cleans lists', () => {
    expect(cleanList([' 暖气 ', '', '暖气', '供暖'])).toEqual(['暖气', '供暖']);
    expect(cleanList(undefined)).toEqual([]);
  });
});

describe('change state machine', () => {
  it('allows only the documented moves', () => {
    expect(canTransition('draft', 'submit')).toBe(true);
    expect(canTransition('rejected', 'submit')).toBe(true);
    expect(canTransition('pending', 'approve')).toBe(true);
    expect(canTransition('pending', 'reject')).toBe(true);
    expect(canTransition('pending', 'withdraw')).toBe(true);
    expect(canTransition('rejected', 'withdraw')).toBe(true);
    expect(canTransition('draft', 'delete')).toBe(true);
    for (const op of ['approve', 'reject', 'withdraw'] as const) expect(canTransition('draft', op)).toBe(false);
    for (const op of ['submit', 'approve', 'reject', 'withdraw', 'delete', 'edit'] as const) {
      expect(canTransition('approved', op)).toBe(false);
      expect(canTransition('withdrawn', op)).toBe(false);
    }
    expect(canTransition('pending', 'delete')).toBe(false);
    expect(() => assertTransition({ status: 'approved' }, 'withdraw')).toThrow(/已通过.*不能撤销/);
  });

  it('mirrors the status of a record being created', () => {
    expect(entityStatusFor('draft')).toBe('draft');
    expect(entityStatusFor('pending')).toBe('pending');
    expect(entityStatusFor('rejected')).toBe('rejected');
    expect(entityStatusFor('withdrawn')).toBe('draft');
    expect(entityStatusFor('approved')).toBe('published');
  });
});
