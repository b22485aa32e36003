import { matchAll, spanOf, type Span } from './types.js';

export interface PlateNumber extends Span {
  value: string;
  newEnergy: boolean;
}

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
// Letters I and O are never used on plates; 5 characters after the issuer letter (6 on green plates).
const PLATE = new RegExp(`([${PROVINCES}])\\s?([A-HJ-NP-Za-hj-np-z])[·・.\\s-]?([A-HJ-NP-Za-hj-np-z0-9]{5,6}|[A-HJ-NP-Za-hj-np-z0-9]{4}[挂学警领港澳])(?![A-Za-z0-9])`);

export function extractPlates(text: string): PlateNumber[] {
  return matchAll(text, PLATE, (m) => {
    const tail = (m[3] ?? '').toUpperCase();
    // A 5-character tail needs a digit: "新A平安大道" style words are not plates.
    if (!/\d/.test(tail)) return undefined;
    return {
      ...spanOf(text, m.index, m.index + m[0].length),
      value: `${m[1]}${(m[2] ?? '').toUpperCase()}${tail}`,
      newEnergy: tail.length === 6,
    };
  });
}
