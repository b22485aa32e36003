/**
 * The 18-character unified social credit code (统一社会信用代码, GB 32100-2015):
 * 1 registration authority · 1 entity type · 6 division code · 9 organisation code · 1 check char.
 */
export type CreditCodeResult = { ok: true; normalized: string; regionCode: string } | { ok: false; reason: string };

/** The 31 characters the standard uses; I, O, S, V and Z are left out because they read like digits. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const FORBIDDEN_LETTERS = new Set(['I', 'O', 'S', 'V', 'Z']);
// 3^i mod 31 for positions 1..17.
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Registration authority → the entity types it may issue (GB 32100-2015 表 1). */
const AUTHORITY_TYPES: Record<string, { name: string; types: string }> = {
  '1': { name: '机构编制', types: '1239' },
  '5': { name: '民政', types: '1239' },
  '9': { name: '工商', types: '123' },
  Y: { name: '其他', types: '1' },
};

/** The check character for a 17-character body (assumed to use only charset characters). */
export function creditCodeCheckChar(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARSET.indexOf(body17[i] ?? '') * WEIGHTS[i]!;
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31]!;
}

// Codes are often pasted from web pages or typed through Chinese IMEs: full-width forms, spaces, lower case.
export function normalizeCreditCode(input: string): string {
  return input.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
}

export function validateCreditCode(input: string): CreditCodeResult {
  const code = normalizeCreditCode(input);
  if (code.length !== 18) return { ok: false, reason: `统一社会信用代码应为 18 位，当前为 ${code.length} 位` };
  const badChar = [...code].find((c) => !CREDIT_CODE_CHARSET.includes(c));
  if (badChar !== undefined) {
    return {
      ok: false,
      reason: FORBIDDEN_LETTERS.has(badChar)
        ? `统一社会信用代码不使用字母 ${badChar}（I、O、S、V、Z 均不使用）`
        : `统一社会信用代码包含无效字符“${badChar}”`,
    };
  }
  const authority = AUTHORITY_TYPES[code[0]!];
  if (!authority) return { ok: false, reason: `第 1 位登记管理部门代码“${code[0]}”无效，应为 1、5、9 或 Y` };
  if (!authority.types.includes(code[1]!)) {
    return { ok: false, reason: `第 2 位机构类别代码“${code[1]}”与登记管理部门（${authority.name}）不匹配` };
  }
  const regionCode = code.slice(2, 8);
  if (!/^\d{6}$/.test(regionCode)) return { ok: false, reason: '第 3–8 位登记管理机关行政区划码应为 6 位数字' };
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code[17] !== expected) return { ok: false, reason: '统一社会信用代码校验位错误，请核对后重新输入' };
  return { ok: true, normalized: code, regionCode };
}
