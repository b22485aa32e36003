import { describe, expect, it } from 'vitest';
import { CREDIT_CODE_CHARSET, validateCreditCode } from '../credit-code.js';

/**
 * An independent check-character generator written from the standard's formula
 * (weights 3^i mod 31, check = (31 − Σ mod 31) mod 31), so the validator is not tested against itself.
 */
function withCheckChar(prefix17: string): string {
  let sum = 0;
  let weight = 1;
  for (const ch of prefix17) {
    sum += CREDIT_CODE_CHARSET.indexOf(ch) * weight;
    weight = (weight * 3) % 31;
  }
  return prefix17 + CREDIT_CODE_CHARSET.charAt((31 - (sum % 31)) % 31);
}

/** A different valid check char would be a bug; any other char from the set must be refused. */
function wrongCheckChar(code: string): string {
  const right = code.charAt(17);
  const other = CREDIT_CODE_CHARSET.charAt((CREDIT_CODE_CHARSET.indexOf(right) + 7) % 31);
  return code.slice(0, 17) + other;
}

// Published on the National Enterprise Credit Information Publicity System.
const PUBLIC_CODES: [string, string][] = [
  ['914403001922038216', '华为技术有限公司'],
  ['9144030071526726XG', '腾讯科技（深圳）有限公司'],
  ['91330100716105852F', '阿里巴巴（中国）有限公司'],
  ['91110000100010433L', '中国石油天然气集团有限公司'],
  ['9111000071093123XX', '国家电网有限公司'],
  ['91110108551385082Q', '小米科技有限责任公司'],
  ['91650000299937622W', '新疆金风科技股份有限公司'],
];

describe('validateCreditCode', () => {
  it.each(PUBLIC_CODES)('accepts the published code %s (%s)', (code) => {
    const r = validateCreditCode(code);
    expect(r).toEqual({ ok: true, normalized: code, regionCode: code.slice(2, 8) });
  });

  it('agrees with the independent generator on the public codes', () => {
    for (const [code] of PUBLIC_CODES) expect(withCheckChar(code.slice(0, 17))).toBe(code);
  });

  it.each([
    '91650100MA7XXXXX0', // 工商 · 企业 · 乌鲁木齐市
    '92653101MA0000001', // 工商 · 个体工商户 · 喀什市
    '93650102MA1234567', // 工商 · 农民专业合作社 · 天山区
    '12650000458000123', // 机构编制 · 事业单位
    '51650000MJ0000001', // 民政 · 社会团体
    '53650000MJ000000Q', // 民政 · 基金会
    'Y1650000A00000000', // 其他
  ])('accepts generated codes with prefix %s', (prefix) => {
    const code = withCheckChar(prefix);
    const r = validateCreditCode(code);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (r.ok) expect(r.regionCode).toBe(prefix.slice(2, 8));
  });

  it('accepts every check char the generator can produce', () => {
    const seen = new Set<string>();
    for (let n = 0; n < 2000 && seen.size < 31; n++) {
      const code = withCheckChar(`91650100MA${String(n).padStart(7, '0')}`);
      seen.add(code.charAt(17));
      expect(validateCreditCode(code).ok).toBe(true);
    }
    expect(seen.size).toBe(31);
  });

  it('refuses a wrong check character', () => {
    for (const [code] of PUBLIC_CODES) {
      const r = validateCreditCode(wrongCheckChar(code));
      expect(r).toEqual({ ok: false, reason: expect.stringContaining('校验位错误') });
    }
  });

  it('refuses a single changed character (typo) in the body', () => {
    const code = '914403001922038216';
    const typo = `${code.slice(0, 10)}3${code.slice(11)}`;
    expect(validateCreditCode(typo).ok).toBe(false);
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])('refuses the forbidden letter %s', (letter) => {
    const code = withCheckChar('91650100MA7XXXXX0');
    const r = validateCreditCode(`${code.slice(0, 12)}${letter}${code.slice(13)}`);
    expect(r).toEqual({ ok: false, reason: expect.stringContaining(`不使用字母 ${letter}`) });
  });

  it('refuses other characters', () => {
    const r = validateCreditCode('91650100MA7XXXX#01');
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('无效字符') });
  });

  it.each(['', '9144030019220382', '9144030019220382161', '91440300192203821'])('refuses the wrong length %j', (code) => {
    const r = validateCreditCode(code);
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('应为 18 位') });
  });

  it('normalises lower case, full-width characters and spaces', () => {
    expect(validateCreditCode('9144030071526726xg')).toMatchObject({ ok: true, normalized: '9144030071526726XG' });
    expect(validateCreditCode(' 9144 0300 7152 6726 XG ')).toMatchObject({ ok: true, normalized: '9144030071526726XG' });
    expect(validateCreditCode('９１４４０３００７１５２６７２６ｘｇ')).toMatchObject({ ok: true, normalized: '9144030071526726XG' });
  });

  it('refuses an unknown registration authority', () => {
    const r = validateCreditCode(withCheckChar('21650100MA7XXXXX0'));
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('登记管理部门代码') });
  });

  it('refuses an entity type the authority does not issue', () => {
    // 工商 issues 1 企业, 2 个体工商户 and 3 农民专业合作社 only.
    const r = validateCreditCode(withCheckChar('99650100MA7XXXXX0'));
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('机构类别代码') });
    expect(validateCreditCode(withCheckChar('Y2650000A00000000')).ok).toBe(false);
  });

  it('refuses a division code that is not six digits', () => {
    const r = validateCreditCode(withCheckChar('9165A100MA7XXXXX0'));
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('行政区划码') });
  });
});
