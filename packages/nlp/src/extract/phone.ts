import { matchAll, spanOf, type Span } from './types.js';

export interface PhoneNumber extends Span {
  kind: 'mobile' | 'landline' | 'service';
  /** Digits only, area code included for landlines, +86 stripped. */
  value: string;
}

// Lookarounds stop matches inside longer digit runs such as ID numbers or order numbers.
const MOBILE = /(?<![\d])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)/;
const LANDLINE = /(?<![\d])(?:\(?(0\d{2,3})\)?[- ]?)(\d{7,8})(?:-(\d{1,5}))?(?!\d)/;
const SERVICE = /(?<![\d])([48]00[- ]?\d{3}[- ]?\d{4}|123\d\d)(?!\d)/;

export function extractPhones(text: string): PhoneNumber[] {
  const mobiles = matchAll(text, MOBILE, (m) => ({ ...spanOf(text, m.index, m.index + m[0].length), kind: 'mobile' as const, value: `${m[1]}${m[2]}${m[3]}` }));
  const lands = matchAll(text, LANDLINE, (m) => ({ ...spanOf(text, m.index, m.index + m[0].length), kind: 'landline' as const, value: `${m[1]}${m[2]}` }));
  const services = matchAll(text, SERVICE, (m) => ({ ...spanOf(text, m.index, m.index + m[0].length), kind: 'service' as const, value: (m[1] ?? '').replace(/[- ]/g, '') }));
  const all = [...mobiles, ...lands, ...services].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: PhoneNumber[] = [];
  for (const p of all) {
    // 0000-00000000 and 13800000000-style placeholders are masks, not numbers.
    if (/^(\d)\1+$/.test(p.value.slice(p.value.length - 7))) continue;
    if (!kept.some((k) => p.start < k.end && k.start < p.end)) kept.push(p);
  }
  return kept;
}
