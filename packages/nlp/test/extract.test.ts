import { describe, expect, it } from 'vitest';
import {
  extractAmounts, extractElements, extractIdNumbers, extractOrganisations, extractPersons, extractPhones,
  extractPlates, extractTimes, idCheckDigit, isValidIdNumber,
} from '../src/index.js';

// Thursday 26 November 2026, 10:00 Beijing time.
const REF = new Date('2026-11-26T10:00:00+08:00');

describe('phone numbers', () => {
  it('finds mobiles with separators and +86, and landlines with area codes', () => {
    const p = extractPhones('手机138-1234-5678，座机0991-4567890，+86 13912345678');
    expect(p.map((x) => [x.kind, x.value])).toEqual([
      ['mobile', '13812345678'],
      ['landline', '09914567890'],
      ['mobile', '13912345678'],
    ]);
    expect(p[0]?.text).toBe('138-1234-5678');
  });

  it('does not take digits out of a longer number', () => {
    expect(extractPhones('订单号2024113812345678901')).toEqual([]);
  });
});

describe('ID numbers (GB 11643)', () => {
  it('computes the check digit', () => {
    expect(idCheckDigit('11010519491231002')).toBe('X');
    expect(idCheckDigit('65010219900101123')).toBe('9');
    expect(isValidIdNumber('11010519491231002x')).toBe(true);
    expect(isValidIdNumber('650102199001011234')).toBe(false);
  });

  it('extracts with birth date, gender and checksum flag', () => {
    const [ok, bad] = extractIdNumbers('身份证653121198506120024，另一个650102199001011234');
    expect(ok).toMatchObject({ value: '653121198506120024', checksumValid: true, birthDate: '1985-06-12', gender: '女', regionCode: '653121' });
    expect(bad?.checksumValid).toBe(false);
  });

  it('ignores 18-digit runs without a real birth date', () => {
    expect(extractIdNumbers('流水号123456789012345678')).toEqual([]);
  });
});

describe('plates', () => {
  it('finds Xinjiang and new-energy plates, uppercased', () => {
    const p = extractPlates('车牌新A12345，还有一辆新a·D12345和京AF12345');
    expect(p.map((x) => [x.value, x.newEnergy])).toEqual([
      ['新A12345', false],
      ['新AD12345', true],
      ['京AF12345', true],
    ]);
  });

  it('rejects words that only look like plates', () => {
    expect(extractPlates('新A区域')).toEqual([]);
  });
});

describe('persons and organisations', () => {
  it('finds cued names, titled surnames and dotted minority names', () => {
    const p = extractPersons('我叫张伟，王女士也在，我是阿不都热合曼·买买提，我是业主');
    expect(p.map((x) => [x.name, x.gender ?? null])).toEqual([
      ['张伟', null],
      ['王', '女'],
      ['阿不都热合曼·买买提', null],
    ]);
  });

  it('reads names without a Chinese surname after strong cues, and strips cues and titles', () => {
    const names = (t: string) => extractPersons(t).map((p) => p.name);
    expect(names('我叫努尔兰，电话17799001122')).toEqual(['努尔兰']);
    expect(names('工地老板叫陈志强，欠我们工资')).toEqual(['陈志强']);
    expect(names('来电人李女士，电话13565432109')).toEqual(['李']);
    expect(names('我是阿依古丽·买买提，疏附县的')).toEqual(['阿依古丽·买买提']);
    // 和 is a surname, but 和静县 is a place.
    expect(names('我是和静县的')).toEqual([]);
  });

  it('does not take quantifiers or place names for organisations', () => {
    expect(extractOrganisations('在于田县的一家超市买到了过期食品')).toEqual([]);
    expect(extractOrganisations('在新市区北京路街道上班')).toEqual([]);
  });

  it('finds enterprises and government bodies by suffix', () => {
    const o = extractOrganisations('我在新疆天山物流有限公司上班，找过乌鲁木齐市住房和城乡建设局');
    expect(o.map((x) => [x.text, x.kind])).toEqual([
      ['新疆天山物流有限公司', 'enterprise'],
      ['乌鲁木齐市住房和城乡建设局', 'government'],
    ]);
  });
});

describe('amounts', () => {
  it('reads digits, Chinese numerals and 万', () => {
    const a = extractAmounts('拖欠工资3500元，押金两万元，还有¥99.5，大概1.2万块');
    expect(a.map((x) => x.value)).toEqual([3500, 20000, 99.5, 12000]);
    expect(extractAmounts('工资4万多元，物业费两块五').map((x) => [x.value, x.approximate])).toEqual([[40000, true], [2.5, false]]);
  });
});

describe('dates and relative times', () => {
  const one = (s: string) => extractTimes(s, { reference: REF })[0];

  it('resolves relative days with periods and clock times', () => {
    expect(one('昨天下午3点半停的水')).toMatchObject({ text: '昨天下午3点半', date: '2026-11-25', time: '15:30', period: '下午' });
    expect(one('今晚')).toMatchObject({ date: '2026-11-26', period: '晚上' });
    expect(one('前天')?.date).toBe('2026-11-24');
    expect(one('3天前')?.date).toBe('2026-11-23');
  });

  it('resolves weekdays relative to the reference week (Monday first)', () => {
    expect(one('上周三晚上八点')).toMatchObject({ date: '2026-11-18', time: '20:00' });
    expect(one('本周一')?.date).toBe('2026-11-23');
    expect(one('下周二')?.date).toBe('2026-12-01');
    // A bare weekday later in the week means the one already past.
    expect(one('周五')?.date).toBe('2026-11-20');
  });

  it('resolves absolute and month-relative dates', () => {
    expect(one('二〇二四年三月五日')?.date).toBe('2024-03-05');
    expect(one('2024-03-05 14:30')).toMatchObject({ date: '2024-03-05', time: '14:30' });
    expect(one('12月30日')?.date).toBe('2025-12-30');
    // A near-future date with a far past alternative is the future one.
    expect(one('12月1日之前把工资发了')?.date).toBe('2026-12-01');
    expect(one('5号交的费')?.date).toBe('2026-11-05');
    expect(one('上个月15号')?.date).toBe('2026-10-15');
    expect(one('去年8月')).toMatchObject({ date: '2025-08', precision: 'month' });
  });

  it('does not read counts or house numbers as times', () => {
    expect(extractTimes('有3点建议', { reference: REF })).toEqual([]);
    expect(extractTimes('住在10号楼', { reference: REF })).toEqual([]);
  });
});

describe('extractElements', () => {
  it('returns spans into the original (full-width) text and derives gender from the ID', () => {
    const text = '我叫李娜，电话１３９１２３４５６７８，身份证653121198506120024，车牌新A12345';
    const e = extractElements(text, { reference: REF });
    const phone = e.phones[0];
    expect(phone?.value).toBe('13912345678');
    expect(text.slice(phone?.start, phone?.end)).toBe('１３９１２３４５６７８');
    expect(e.gender).toBe('女');
    // The plate's digits are not the 12345 hotline.
    expect(e.phones).toHaveLength(1);
  });
});
