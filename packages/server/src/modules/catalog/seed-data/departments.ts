/**
 * Handling units (承办单位) for the seeded 职责清单. Unit names follow the usual naming of Xinjiang
 * government departments after the 2018–2019 institutional reform: 自治区 departments are 厅/局/委,
 * their counterparts in 地（州、市）and 县（市、区）are 局; 公安 in city districts are 分局 of the city
 * bureau; 生态环境 in counties are 分局 of the prefecture bureau (省以下垂直管理); 税务, 金融监管,
 * 通信, 邮政, 铁路, 民航 and 海关 are vertical systems. 兵团 departments are named 兵团…局 and
 * 师市 departments 第…师…市…局. No organisation rows are created (org_id stays null).
 */

export interface DeptDef {
  /** 自治区 level unit. */
  region: string;
  /** Name part appended to a prefecture, county or 兵团 name, e.g. "人力资源和社会保障局"; null = none. */
  local: string | null;
  /** Template overrides. {p} prefecture name, {ps} its short form, {c} county name. null = no unit at that level. */
  prefecture?: string | null;
  county?: string | null;
  /** Override for districts of a city (市辖区). */
  district?: string | null;
  /** 兵团 level unit; default 兵团{local}; null = none. */
  xpcc?: string | null;
  /** 师市 level unit, {x} = 师市 name; default {x}{local}; null = none. */
  xpccCity?: string | null;
}

export const DEPARTMENTS = {
  zj: { region: '自治区住房和城乡建设厅', local: '住房和城乡建设局' },
  gjj: { region: '自治区住房和城乡建设厅', local: null, prefecture: '{p}住房公积金管理中心', county: '{p}住房公积金管理中心{c}管理部', district: '{p}住房公积金管理中心', xpcc: '兵团住房资金管理中心', xpccCity: '{x}住房资金管理中心' },
  cg: { region: '自治区住房和城乡建设厅', local: '城市管理局', county: '{c}城市管理局（综合行政执法局）', xpcc: '兵团住房和城乡建设局' },
  dj: { region: '国网新疆电力有限公司', local: null, prefecture: '国网{ps}供电公司', county: '国网{c}供电公司', district: '国网{ps}供电公司', xpcc: null },
  tx: { region: '新疆通信管理局', local: null, xpcc: null },
  gd: { region: '自治区广播电视局', local: '文化体育广电和旅游局', xpcc: '兵团文化体育广电和旅游局' },
  rs: { region: '自治区人力资源和社会保障厅', local: '人力资源和社会保障局' },
  yb: { region: '自治区医疗保障局', local: '医疗保障局' },
  jy: { region: '自治区教育厅', local: '教育局' },
  wl: { region: '自治区文化和旅游厅', local: '文化体育广电和旅游局' },
  ty: { region: '自治区体育局', local: '文化体育广电和旅游局' },
  wj: { region: '自治区卫生健康委员会', local: '卫生健康委员会' },
  yj: { region: '自治区药品监督管理局', local: '市场监督管理局' },
  jt: { region: '自治区交通运输厅', local: '交通运输局' },
  tl: { region: '中国铁路乌鲁木齐局集团有限公司', local: null, xpcc: null },
  mh: { region: '中国民用航空新疆管理局', local: null, xpcc: null },
  yz: { region: '新疆维吾尔自治区邮政管理局', local: null, prefecture: '{p}邮政管理局', xpcc: null },
  ga: { region: '自治区公安厅', local: '公安局', district: '{p}公安局{c}分局' },
  jj: {
    region: '自治区公安厅交通管理局',
    local: null,
    prefecture: '{p}公安局交通警察支队',
    county: '{c}公安局交通警察大队',
    district: '{p}公安局交通警察支队{c}大队',
    xpcc: '兵团公安局交通管理局',
    xpccCity: '{x}公安局交通警察支队',
  },
  crj: {
    region: '自治区公安厅出入境管理局',
    local: null,
    prefecture: '{p}公安局出入境管理支队',
    county: '{c}公安局出入境管理大队',
    district: '{p}公安局出入境管理支队',
    xpcc: '兵团公安局出入境管理局',
    xpccCity: '{x}公安局出入境管理支队',
  },
  xf: { region: '新疆维吾尔自治区消防救援总队', local: null, prefecture: '{p}消防救援支队', county: '{c}消防救援大队', district: '{p}消防救援支队{c}大队', xpcc: '新疆生产建设兵团消防救援总队', xpccCity: '{x}消防救援支队' },
  jg: { region: '自治区市场监督管理局', local: '市场监督管理局' },
  fg: { region: '自治区发展和改革委员会', local: '发展和改革委员会' },
  cz: { region: '自治区财政厅', local: '财政局' },
  gxj: { region: '自治区工业和信息化厅', local: '工业和信息化局' },
  kj: { region: '自治区科学技术厅', local: '科学技术局' },
  sj: {
    region: '国家税务总局新疆维吾尔自治区税务局',
    local: null,
    prefecture: '国家税务总局{p}税务局',
    county: '国家税务总局{c}税务局',
    district: '国家税务总局{p}{c}税务局',
    xpcc: null,
  },
  jr: { region: '国家金融监督管理总局新疆监管局', local: null, prefecture: '国家金融监督管理总局{ps}监管分局', xpcc: null },
  sthj: { region: '自治区生态环境厅', local: '生态环境局', county: '{p}生态环境局{c}分局', district: '{p}生态环境局{c}分局' },
  mz: { region: '自治区民政厅', local: '民政局' },
  cl: { region: '自治区残疾人联合会', local: '残疾人联合会' },
  tyjr: { region: '自治区退役军人事务厅', local: '退役军人事务局' },
  sf: { region: '自治区司法厅', local: '司法局' },
  fl: { region: '自治区妇女联合会', local: '妇女联合会' },
  nync: { region: '自治区农业农村厅', local: '农业农村局' },
  xm: { region: '自治区畜牧兽医局', local: '畜牧兽医局', county: '{c}农业农村局', xpcc: '兵团农业农村局' },
  lc: { region: '自治区林业和草原局', local: '林业和草原局' },
  sl: { region: '自治区水利厅', local: '水利局' },
  zrzy: { region: '自治区自然资源厅', local: '自然资源局' },
  bdc: { region: '自治区自然资源厅', local: '不动产登记中心', district: '{p}不动产登记中心', xpcc: '兵团自然资源局' },
  sw: { region: '自治区商务厅', local: '商务局' },
  ka: { region: '自治区商务厅（口岸管理）', local: null, prefecture: '{p}商务局（口岸管理）', county: null, xpcc: '兵团商务局', xpccCity: '{x}商务局' },
  hg: { region: '乌鲁木齐海关', local: null, xpcc: null },
  yjgl: { region: '自治区应急管理厅', local: '应急管理局' },
  zwfw: { region: '自治区政务服务和公共资源交易中心', local: null, prefecture: '{p}政务服务和公共资源交易中心', county: '{c}政务服务中心', xpcc: '兵团政务服务中心', xpccCity: '{x}政务服务中心' },
  rx: { region: '自治区12345热线中心', local: null, prefecture: '{p}12345热线分中心', county: '{c}12345热线工作站', xpcc: '兵团12345热线分中心', xpccCity: '{x}12345热线工作站' },
  gsl: { region: '自治区工商业联合会', local: '工商业联合会' },
} as const satisfies Record<string, DeptDef>;

export type DeptKey = keyof typeof DEPARTMENTS;

export type TenantProfileKind = 'region' | 'prefecture' | 'county' | 'xpcc' | 'xpcc-city';

/**
 * The tenants that get a 职责清单 in the seed (skipped when the tenant does not exist): the capital
 * and one of its districts, an oil city, 南疆 (喀什), 北疆 tourism (伊犁 with 新源县/那拉提, 阿勒泰/
 * 喀纳斯), the 兵团 and one 师市. A county or city without a list of its own inherits the closest
 * ancestor's (recommendUnits in list.service.ts), so every county under these prefectures is served.
 * Each county list adds about 380 rows to every fresh database, so the set is kept small on purpose;
 * a deployment fills in the rest through the 职责清单 import.
 */
export interface TenantProfile {
  code: string;
  kind: TenantProfileKind;
  /** Tenant level, matched against the item's handling levels. */
  level: 1 | 2 | 3;
  /** Prefecture name as used in unit names, e.g. 伊犁州. */
  p?: string;
  /** Short prefecture name for enterprises, e.g. 伊犁. */
  ps?: string;
  /** County name. */
  c?: string;
  /** A district of a city (市辖区): 公安/税务/消防 are units of the city. */
  district?: boolean;
  /** 兵团 师市 prefix for 兵团 tenants, e.g. 第八师石河子市. */
  x?: string;
  /** The neighbouring 兵团 师市 for 兵地协同 items. */
  peer?: string;
  /** An urban district without farming: no 农业农村 items. */
  urban?: boolean;
  /** Local exceptions to the naming rules (null = no such unit here, the item goes up a level). */
  overrides?: Partial<Record<DeptKey, string | null>>;
}

export const TENANT_PROFILES: readonly TenantProfile[] = [
  { code: '650000', kind: 'region', level: 1 },
  {
    code: '650100',
    kind: 'prefecture',
    level: 2,
    p: '乌鲁木齐市',
    ps: '乌鲁木齐',
    peer: '第十二师',
    // The capital has no 金融监管分局 of its own; 畜牧兽医 sits in the 农业农村局.
    overrides: { jr: '国家金融监督管理总局新疆监管局', xm: '乌鲁木齐市农业农村局' },
  },
  { code: '650102', kind: 'county', level: 3, p: '乌鲁木齐市', ps: '乌鲁木齐', c: '天山区', district: true, urban: true, peer: '第十二师' },
  { code: '650200', kind: 'prefecture', level: 2, p: '克拉玛依市', ps: '克拉玛依', peer: '第七师胡杨河市', overrides: { xm: '克拉玛依市农业农村局', ka: null } },
  { code: '653100', kind: 'prefecture', level: 2, p: '喀什地区', ps: '喀什', peer: '第三师图木舒克市' },
  { code: '654000', kind: 'prefecture', level: 2, p: '伊犁州', ps: '伊犁', peer: '第四师可克达拉市' },
  { code: '654025', kind: 'county', level: 3, p: '伊犁州', ps: '伊犁', c: '新源县', peer: '第四师可克达拉市' },
  { code: '654300', kind: 'prefecture', level: 2, p: '阿勒泰地区', ps: '阿勒泰', peer: '第十师北屯市' },
  { code: 'XPCC', kind: 'xpcc', level: 2 },
  { code: '659001', kind: 'xpcc-city', level: 3, x: '第八师石河子市' },
];

const fill = (template: string, t: TenantProfile, x = ''): string =>
  template
    .replaceAll('{p}', t.p ?? '')
    .replaceAll('{ps}', t.ps ?? '')
    .replaceAll('{c}', t.c ?? '')
    .replaceAll('{x}', x);

function xpccCityUnit(d: DeptDef, t: TenantProfile, x: string): string | null {
  if (d.xpccCity !== undefined) return d.xpccCity === null ? null : fill(d.xpccCity, t, x);
  return d.local === null || d.xpcc === null ? null : `${x}${d.local}`;
}

const xpccUnit = (d: DeptDef): string | null => (d.xpcc !== undefined ? d.xpcc : d.local === null ? null : `兵团${d.local}`);

/** The unit of a department in a tenant, or null when the department has no unit at that level. */
export function unitName(key: DeptKey, t: TenantProfile): string | null {
  const override = t.overrides?.[key];
  if (override !== undefined) return override;
  const d: DeptDef = DEPARTMENTS[key];
  switch (t.kind) {
    case 'region':
      return d.region;
    case 'prefecture': {
      const tpl = d.prefecture !== undefined ? d.prefecture : d.local === null ? null : `{p}${d.local}`;
      return tpl === null ? null : fill(tpl, t);
    }
    case 'county': {
      if (t.district && d.district !== undefined) return d.district === null ? null : fill(d.district, t);
      const tpl = d.county !== undefined ? d.county : d.local === null ? null : `{c}${d.local}`;
      return tpl === null ? null : fill(tpl, t);
    }
    case 'xpcc':
      return xpccUnit(d);
    case 'xpcc-city':
      return xpccCityUnit(d, t, t.x ?? '');
  }
}

/** The 兵团 counterpart of a department next to a region tenant (兵地协同 协办单位). */
export function xpccPeerUnit(key: DeptKey, t: TenantProfile): string | null {
  const d: DeptDef = DEPARTMENTS[key];
  if (t.kind === 'region') return xpccUnit(d);
  if (t.kind === 'xpcc' || t.kind === 'xpcc-city' || !t.peer) return null;
  return xpccCityUnit(d, t, t.peer);
}
