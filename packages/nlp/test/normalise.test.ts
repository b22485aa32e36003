import { describe, expect, it } from 'vitest';
import { convertNumerals, normalise, normaliseAligned, parseChineseNumber, toHalfWidth, toSimplified } from '../src/index.js';

describe('normalisation', () => {
  it('maps full-width letters, digits and spaces to half width', () => {
    expect(toHalfWidth('ＡＢＣ１２３　（测试）')).toBe('ABC123 (测试)');
  });

  it('converts traditional to simplified characters', () => {
    expect(toSimplified('聯繫電話，頭髮')).toBe('联系电话，头发');
  });

  it('parses Chinese numerals', () => {
    expect(parseChineseNumber('二十三')).toBe(23);
    expect(parseChineseNumber('一百零五')).toBe(105);
    expect(parseChineseNumber('三千五百万')).toBe(35_000_000);
    expect(parseChineseNumber('两万')).toBe(20_000);
    expect(parseChineseNumber('一九九八')).toBe(1998);
    expect(parseChineseNumber('十')).toBe(10);
    expect(parseChineseNumber('abc')).toBeUndefined();
  });

  it('converts numerals in text but leaves idioms alone', () => {
    expect(convertNumerals('欠了三千五百元，拖了两个月')).toBe('欠了3500元，拖了2个月');
    expect(convertNumerals('十分着急，万一出事')).toBe('十分着急，万一出事');
  });

  it('normalise combines width, script, case and numerals', () => {
    expect(normalise('  ＡＢ 聯繫  二十元 ')).toBe('ab 联系 20元');
  });

  it('aligned normalisation keeps the length so spans stay valid', () => {
    const s = '電話：１３９１２３４５６７８';
    const n = normaliseAligned(s);
    expect(n).toHaveLength(s.length);
    expect(n).toBe('电话:13912345678');
  });
});
