/**
 * 事项要素 (item elements): the extra ticket fields an item asks for on top of the base fields every
 * ticket has (诉求人姓名, 联系电话, 事件地址, 诉求内容 — see BASE_FIELDS in form-schema.ts, whose
 * codes are reserved). Codes are "<group>.<name>"; group "base" holds the cross-domain elements,
 * the other groups are domain elements. Selects use a seeded dictionary where one fits (dictCode),
 * otherwise their own options.
 */

export type ElementDataType = 'text' | 'textarea' | 'number' | 'date' | 'datetime' | 'select' | 'multiselect' | 'checkbox' | 'phone' | 'idcard' | 'address' | 'enterprise';

export interface ElementValidationSeed {
  required?: boolean;
  pattern?: string;
  min?: number;
  max?: number;
  maxLength?: number;
}

export interface ElementSeed {
  name: string;
  type: ElementDataType;
  dictCode?: string;
  validation: ElementValidationSeed;
  /** Options of a select without a dictionary: [value, label]. */
  options?: readonly (readonly [string, string])[];
  /** Industry value of the domain the element belongs to; '' for cross-domain elements. */
  domain: string;
  description: string;
}

const opts = (...labels: string[]): (readonly [string, string])[] => labels.map((l, i) => [String(i + 1).padStart(2, '0'), l] as const);

// 统一社会信用代码: 18 characters from the GB 32100-2015 charset (the check character is verified by credit-code.ts).
const CREDIT_CODE_PATTERN = '^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}$';
// 机动车号牌: 省份简称 + 发牌机关代号 + 5 位（新能源 6 位）.
const PLATE_PATTERN = '^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]$';

export const ELEMENTS = {
  // ---- cross-domain
  'base.occurred_at': { name: '发生时间', type: 'datetime', validation: {}, domain: '', description: '诉求事件发生或发现的时间' },
  'base.township': { name: '所在乡镇（街道）', type: 'text', validation: { maxLength: 50 }, domain: '', description: '事件发生地所属乡镇（街道），便于五级穿透派单' },
  'base.village': { name: '所在村（社区）', type: 'text', validation: { maxLength: 50 }, domain: '', description: '事件发生地所属村（社区）' },
  'base.people_count': { name: '涉及人数', type: 'number', validation: { min: 1, max: 100000 }, domain: '', description: '诉求涉及的人数，群体性诉求据此研判' },
  'base.first_report': { name: '是否首次反映', type: 'checkbox', validation: {}, domain: '', description: '此前是否已通过12345或其他渠道反映过' },
  'base.prior_channel': {
    name: '此前反映渠道',
    type: 'multiselect',
    options: opts('12345热线', '主管部门', '乡镇（街道）、村（社区）', '信访部门', '网络平台', '其他'),
    validation: {},
    domain: '',
    description: '重复诉求时填写此前反映过的渠道',
  },
  'base.language': { name: '服务语种', type: 'select', dictCode: 'language', validation: {}, domain: '', description: '诉求人使用的语言，需要民族语言回访时填写' },
  'base.id_number': { name: '诉求人身份证号', type: 'idcard', validation: {}, domain: '', description: '办理个人业务需核实身份时填写，按敏感信息加密存储' },
  'base.enterprise': { name: '涉及企业名称', type: 'enterprise', validation: { maxLength: 100 }, domain: '', description: '从企业库选择或录入企业全称' },
  'base.credit_code': { name: '统一社会信用代码', type: 'enterprise', validation: { pattern: CREDIT_CODE_PATTERN, maxLength: 18 }, domain: '', description: '18位统一社会信用代码' },
  'base.expectation': { name: '诉求人期望', type: 'textarea', validation: { maxLength: 500 }, domain: '', description: '诉求人希望得到的处理结果' },
  'base.amount': { name: '涉及金额（元）', type: 'number', validation: { min: 0, max: 1000000000 }, domain: '', description: '诉求涉及的金额' },

  // ---- 住房与城乡建设
  'housing.community': { name: '小区名称', type: 'text', validation: { maxLength: 50 }, domain: 'housing', description: '住宅小区或楼盘名称' },
  'housing.building': { name: '楼栋单元门牌号', type: 'text', validation: { maxLength: 30 }, domain: 'housing', description: '如 3号楼2单元501' },
  'housing.property_company': { name: '物业公司名称', type: 'enterprise', validation: { maxLength: 100 }, domain: 'housing', description: '提供物业服务的企业' },
  'housing.developer': { name: '开发企业名称', type: 'enterprise', validation: { maxLength: 100 }, domain: 'housing', description: '房地产开发企业全称' },
  'housing.project': { name: '楼盘（项目）名称', type: 'text', validation: { maxLength: 60 }, domain: 'housing', description: '商品房项目备案名称或推广名' },
  'construction.site': { name: '工程项目名称', type: 'text', validation: { maxLength: 80 }, domain: 'urban-construction', description: '建设工程项目或工地名称' },
  'construction.builder': { name: '施工单位', type: 'enterprise', validation: { maxLength: 100 }, domain: 'urban-construction', description: '施工总承包或分包单位' },
  'construction.period': {
    name: '施工时段',
    type: 'select',
    options: opts('夜间（22时至次日6时）', '午间休息时段', '白天', '全天'),
    validation: {},
    domain: 'urban-construction',
    description: '扰民施工发生的时段',
  },

  // ---- 水电气热
  'utilities.heat_company': { name: '供热单位名称', type: 'enterprise', validation: { maxLength: 100 }, domain: 'utilities', description: '供热企业或换热站所属单位' },
  'utilities.room_temp': { name: '室内温度（℃）', type: 'number', validation: { min: -30, max: 40 }, domain: 'utilities', description: '诉求人自测的室内温度' },
  'utilities.account_no': { name: '用户户号', type: 'text', validation: { maxLength: 30 }, domain: 'utilities', description: '水、电、气、热或通信的缴费户号' },
  'utilities.scope': {
    name: '影响范围',
    type: 'select',
    options: opts('单户', '单元或楼栋', '整个小区', '片区或多个小区'),
    validation: {},
    domain: 'utilities',
    description: '停供或故障影响的范围',
  },

  // ---- 劳动和社会保障
  'labor.employer': { name: '用工单位', type: 'enterprise', validation: { maxLength: 100 }, domain: 'labor-social-security', description: '用人单位或实际用工的单位、包工头' },
  'labor.unpaid_amount': { name: '欠薪金额（元）', type: 'number', validation: { min: 0, max: 100000000 }, domain: 'labor-social-security', description: '被拖欠的工资总额' },
  'labor.unpaid_workers': { name: '欠薪人数', type: 'number', validation: { min: 1, max: 10000 }, domain: 'labor-social-security', description: '被拖欠工资的人数' },
  'labor.unpaid_period': { name: '欠薪起止时间', type: 'text', validation: { maxLength: 50 }, domain: 'labor-social-security', description: '如 2025年9月至12月' },
  'labor.contract_signed': { name: '是否签订劳动合同', type: 'checkbox', validation: {}, domain: 'labor-social-security', description: '' },
  'labor.insured_place': { name: '参保地', type: 'text', validation: { maxLength: 50 }, domain: 'labor-social-security', description: '社会保险或医疗保险参保的统筹地区' },
  'labor.insurance_type': {
    name: '险种',
    type: 'multiselect',
    options: opts('企业职工基本养老保险', '城乡居民基本养老保险', '机关事业单位养老保险', '失业保险', '工伤保险', '职工基本医疗保险', '城乡居民基本医疗保险'),
    validation: {},
    domain: 'labor-social-security',
    description: '',
  },

  // ---- 教育文体
  'edu.school': { name: '学校（幼儿园）名称', type: 'text', validation: { maxLength: 60 }, domain: 'education-culture', description: '' },
  'edu.grade': {
    name: '学段',
    type: 'select',
    options: opts('学前教育', '小学', '初中', '普通高中', '中等职业教育', '高等教育'),
    validation: {},
    domain: 'education-culture',
    description: '',
  },
  'edu.institution': { name: '培训机构名称', type: 'enterprise', validation: { maxLength: 100 }, domain: 'education-culture', description: '校外培训机构全称或招牌名' },
  'culture.venue': { name: '场馆（场所）名称', type: 'text', validation: { maxLength: 60 }, domain: 'education-culture', description: '文化、体育场馆或娱乐场所名称' },

  // ---- 卫生健康
  'health.hospital': { name: '医疗机构名称', type: 'text', validation: { maxLength: 60 }, domain: 'health', description: '医院、卫生院、诊所或药店名称' },
  'health.visit_at': { name: '就诊时间', type: 'datetime', validation: {}, domain: 'health', description: '' },
  'health.department': { name: '科室', type: 'text', validation: { maxLength: 30 }, domain: 'health', description: '' },

  // ---- 交通运输
  'transport.plate': { name: '车牌号', type: 'text', validation: { pattern: PLATE_PATTERN, maxLength: 10 }, domain: 'transport', description: '如 新A12345' },
  'transport.platform': { name: '网约车平台', type: 'text', validation: { maxLength: 30 }, domain: 'transport', description: '网约车或聚合打车平台名称' },
  'transport.route': { name: '线路名称', type: 'text', validation: { maxLength: 40 }, domain: 'transport', description: '公交、客运班线或航班、车次' },
  'transport.trip_at': { name: '乘车时间', type: 'datetime', validation: {}, domain: 'transport', description: '' },
  'transport.waybill': { name: '快递单号', type: 'text', validation: { maxLength: 40 }, domain: 'transport', description: '' },

  // ---- 市场监管与消费维权
  'market.merchant': { name: '经营者名称', type: 'enterprise', validation: { maxLength: 100 }, domain: 'market-consumer', description: '商家、店铺或网店名称' },
  'market.goods': { name: '商品/服务名称', type: 'text', validation: { maxLength: 60 }, domain: 'market-consumer', description: '' },
  'market.amount': { name: '消费金额（元）', type: 'number', validation: { min: 0, max: 10000000 }, domain: 'market-consumer', description: '' },
  'market.purchased_on': { name: '消费日期', type: 'date', validation: {}, domain: 'market-consumer', description: '' },
  'market.order_no': { name: '订单号', type: 'text', validation: { maxLength: 64 }, domain: 'market-consumer', description: '网购平台订单号或小票号' },
  'market.channel': {
    name: '购买渠道',
    type: 'select',
    options: opts('实体店', '电商平台', '直播带货', '社交平台或微商', '电视购物', '上门推销', '其他'),
    validation: {},
    domain: 'market-consumer',
    description: '',
  },
  'market.card_balance': { name: '预付卡余额（元）', type: 'number', validation: { min: 0, max: 1000000 }, domain: 'market-consumer', description: '' },

  // ---- 生态环境
  'env.source': { name: '污染源单位', type: 'enterprise', validation: { maxLength: 100 }, domain: 'environment', description: '排污企业、餐饮店或其他污染源' },
  'env.period': {
    name: '污染时段',
    type: 'select',
    options: opts('白天', '夜间（22时至次日6时）', '全天', '间歇性'),
    validation: {},
    domain: 'environment',
    description: '',
  },

  // ---- 公安与户籍
  'ps.hukou_place': { name: '户籍所在地', type: 'address', validation: { maxLength: 100 }, domain: 'public-security', description: '' },
  'ps.document': {
    name: '证件类型',
    type: 'select',
    options: opts('居民身份证', '户口簿', '居住证', '普通护照', '往来港澳通行证', '往来台湾通行证', '机动车驾驶证', '机动车行驶证'),
    validation: {},
    domain: 'public-security',
    description: '',
  },

  // ---- 民政
  'civil.household_size': { name: '家庭人口', type: 'number', validation: { min: 1, max: 30 }, domain: 'civil-affairs', description: '共同生活的家庭成员人数' },
  'civil.disability_cert': { name: '残疾人证号', type: 'text', validation: { pattern: '^\\d{17}[\\dX]\\d{2}[A-Z]?\\d?$', maxLength: 22 }, domain: 'civil-affairs', description: '第二代残疾人证号（身份证号+残疾类别等级）' },

  // ---- 农业农村
  'agri.subsidy': {
    name: '补贴项目',
    type: 'select',
    options: opts('耕地地力保护补贴', '棉花目标价格补贴', '农机购置与应用补贴', '草原生态保护补助奖励', '玉米大豆生产者补贴', '农业保险保费补贴', '其他'),
    validation: {},
    domain: 'agriculture',
    description: '',
  },
  'agri.area': { name: '涉及面积（亩）', type: 'number', validation: { min: 0, max: 1000000 }, domain: 'agriculture', description: '' },
  'agri.crop': { name: '作物品种', type: 'text', validation: { maxLength: 30 }, domain: 'agriculture', description: '如 棉花、小麦、玉米、红枣' },
  'agri.livestock': { name: '牲畜种类及数量', type: 'text', validation: { maxLength: 50 }, domain: 'agriculture', description: '如 羊120只、牛8头' },

  // ---- 自然资源
  'nr.parcel': { name: '地块位置（宗地号）', type: 'text', validation: { maxLength: 80 }, domain: 'natural-resources', description: '地块四至、宗地号或承包地块编码' },
  'nr.cert_no': { name: '不动产权证号', type: 'text', validation: { maxLength: 40 }, domain: 'natural-resources', description: '如 新（2025）乌鲁木齐市不动产权第0012345号' },

  // ---- 商贸旅游
  'tour.scenic': { name: '景区名称', type: 'text', validation: { maxLength: 50 }, domain: 'commerce-tourism', description: '如 喀纳斯、那拉提、赛里木湖、天山天池' },
  'tour.agency': { name: '旅行社名称', type: 'enterprise', validation: { maxLength: 100 }, domain: 'commerce-tourism', description: '' },
  'tour.guide': { name: '导游姓名或导游证号', type: 'text', validation: { maxLength: 40 }, domain: 'commerce-tourism', description: '' },
  'trade.port': {
    name: '口岸名称',
    type: 'select',
    options: opts('霍尔果斯', '阿拉山口', '巴克图', '吉木乃', '塔克什肯', '老爷庙', '乌拉斯台', '红山嘴', '都拉塔', '木扎尔特', '吐尔尕特', '伊尔克什坦', '卡拉苏', '红其拉甫', '乌鲁木齐国际机场', '喀什机场', '其他'),
    validation: {},
    domain: 'commerce-tourism',
    description: '',
  },
  'trade.declaration_no': { name: '报关单号', type: 'text', validation: { pattern: '^\\d{18}$', maxLength: 18 }, domain: 'commerce-tourism', description: '18位海关报关单编号' },

  // ---- 营商环境
  'biz.policy': { name: '政策（项目）名称', type: 'text', validation: { maxLength: 100 }, domain: 'business-environment', description: '涉及的惠企政策、申报项目或审批事项' },
  'biz.ownership': { name: '企业所有制性质', type: 'select', dictCode: 'ownership', validation: {}, domain: 'business-environment', description: '' },
  'biz.industry': { name: '企业所属行业门类', type: 'select', dictCode: 'enterprise_industry', validation: {}, domain: 'business-environment', description: 'GB/T 4754-2017 门类' },

  // ---- 兵地协同
  'xpcc.division': {
    name: '师市',
    type: 'select',
    options: opts(
      '第一师阿拉尔市',
      '第二师铁门关市',
      '第三师图木舒克市',
      '第四师可克达拉市',
      '第五师双河市',
      '第六师五家渠市',
      '第七师胡杨河市',
      '第八师石河子市',
      '第九师白杨市',
      '第十师北屯市',
      '第十一师',
      '第十二师',
      '第十三师新星市',
      '第十四师昆玉市',
    ),
    validation: {},
    domain: 'xpcc-coordination',
    description: '诉求涉及的兵团师市',
  },
  'xpcc.regiment': { name: '团场（连队）', type: 'text', validation: { maxLength: 50 }, domain: 'xpcc-coordination', description: '如 一二一团三连' },
} as const satisfies Record<string, ElementSeed>;

export type ElementCode = keyof typeof ELEMENTS;
