import { matchAll, spanOf, type Span } from './types.js';

export interface IdNumber extends Span {
  value: string;
  /** GB 11643-1999 ISO 7064 MOD 11-2 check digit holds (always false for 15-digit numbers' absence of one). */
  checksumValid: boolean;
  birthDate: string | undefined;
  gender: '男' | '女' | undefined;
  regionCode: string;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The 18th character required by GB 11643 for the first 17 digits. */
export function idCheckDigit(first17: string): string | undefined {
  if (!/^\d{17}$/.test(first17)) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK[sum % 11];
}

export function isValidIdNumber(id: string): boolean {
  const v = id.toUpperCase();
  return /^\d{17}[\dX]$/.test(v) && idCheckDigit(v.slice(0, 17)) === v[17] && birthOf(v.slice(6, 14)) !== undefined;
}

function birthOf(yyyymmdd: string): string | undefined {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || y > 2100 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

function fromEighteen(text: string, m: RegExpExecArray): IdNumber | undefined {
  const value = m[0].toUpperCase();
  const birthDate = birthOf(value.slice(6, 14));
  // A run of 18 digits without a plausible birth date is an order or account number, not an ID.
  if (birthDate === undefined) return undefined;
  return {
    ...spanOf(text, m.index, m.index + m[0].length),
    value,
    checksumValid: idCheckDigit(value.slice(0, 17)) === value[17],
    birthDate,
    gender: Number(value[16]) % 2 === 1 ? '男' : '女',
    regionCode: value.slice(0, 6),
  };
}

function fromFifteen(text: string, m: RegExpExecArray): IdNumber | undefined {
  const birthDate = birthOf(`19${m[0].slice(6, 12)}`);
  if (birthDate === undefined) return undefined;
  return {
    ...spanOf(text, m.index, m.index + 15),
    value: m[0],
    checksumValid: false,
    birthDate,
    gender: Number(m[0][14]) % 2 === 1 ? '男' : '女',
    regionCode: m[0].slice(0, 6),
  };
}

/** Resident ID numbers: 18-digit (with check digit) and legacy 15-digit ones. */
export function extractIdNumbers(text: string): IdNumber[] {
  const long = matchAll(text, /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/, (m) => fromEighteen(text, m));
  const short = matchAll(text, /(?<![\dA-Za-z])\d{15}(?![\dA-Za-z])/, (m) => fromFifteen(text, m));
  return [...long, ...short].sort((a, b) => a.start - b.start);
}
