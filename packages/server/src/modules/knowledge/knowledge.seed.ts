import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { KbArticleTable, KbDirectoryTable, KbRevisionTable } from '../../platform/db/schema.js';
import type { Clock } from '../../platform/clock.js';

/**
 * Demo knowledge: a directory tree for the region, 乌鲁木齐 and 喀什, and published articles that
 * an agent would look up on the phone. The texts were written for this demo in plain language;
 * they describe the usual way things work and tell the caller to check the current local rules,
 * they are not official texts. Written with a few batched inserts (the seed runs for every test
 * database), no audit rows, like the rest of the seed.
 */

type TypeCode = 'policy' | 'guide' | 'faq' | 'script' | 'emergency';

interface ArticleSeed {
  dir: string;
  type: TypeCode;
  title: string;
  summary: string;
  body: string;
  fields: Record<string, string>;
  keywords: string[];
  /** Exact name of a standard catalogue item this knowledge answers. */
  item?: string;
  scope?: 'subtree' | 'tenant';
  /** A temporary policy: valid this many days from the seed date. */
  validDays?: number;
}

interface TenantSeed {
  code: string;
  /** Directory paths 'parent/child'; parents first. */
  dirs: string[];
  articles: ArticleSeed[];
}

const BASIS = '12345热线知识库采编规范（演示数据，根据常见办理流程整理，办理前请以主管部门最新公布为准）';
const SOURCE = '演示数据';

const REGION: TenantSeed = {
  code: '650000',
  dirs: [
    '热线业务',
    '热线业务/受理规范',
    '热线业务/统一话术',
    '社会保障',
    '社会保障/社保卡',
    '社会保障/养老与失业',
    '社会保障/医疗保障',
    '住房城建',
    '住房城建/供暖',
    '住房城建/物业管理',
    '住房城建/住房公积金',
    '公共服务',
    '公共服务/户籍与证件',
    '公共服务/水电气',
    '交通出行',
    '劳动就业',
    '市场监管与营商环境',
    '应急处置',
  ],
  articles: [
    {
      dir: '热线业务/受理规范',
      type: 'faq',
      title: '12345热线受理范围与不予受理情形',
      summary: '哪些诉求由12345受理，哪些应告知其他渠道，以及不予受理时如何向来电人说明。',
      body:
        '12345热线受理企业和群众对政务服务、公共服务、城市管理、社会管理等方面的咨询、求助、投诉、举报和建议。\n\n' +
        '以下情形一般不予受理，坐席应礼貌说明原因并告知正确渠道：\n' +
        '1. 应当通过诉讼、仲裁、纪检监察、行政复议、政府信息公开等法定途径解决的；\n' +
        '2. 已进入或已经过信访、诉讼、仲裁程序的同一事项；\n' +
        '3. 涉及国家秘密、商业秘密、个人隐私的查询；\n' +
        '4. 违反法律法规、违背公序良俗或无实际内容的来电；\n' +
        '5. 属于110、119、120等紧急热线处置范围的，应立即告知拨打对应号码或按规定转接。\n\n' +
        '不予受理的也应做好记录，说明理由时语气平和，不与来电人争辩。',
      fields: { question: '哪些事情可以打12345？哪些情况热线不能受理？', audience: '全体坐席' },
      keywords: ['受理范围', '不予受理', '法定途径', '紧急热线'],
    },
    {
      dir: '热线业务/统一话术',
      type: 'script',
      title: '停水停电报修统一话术',
      summary: '来电反映突发停水、停电时的问询要点和答复口径。',
      body:
        '开场：“您好，12345为您服务。请问是您家里停水（停电）了吗？请告诉我具体小区、楼栋和单元。”\n\n' +
        '问询要点：停的范围（一户、一栋还是整个小区）；开始时间；是否有物业或供水供电单位的停水停电通知；家中是否有老人、病人等需要特别关照的情况。\n\n' +
        '答复口径：先查询知识库和系统中的计划停水停电公告；有公告的，告知原因和预计恢复时间；没有公告的，登记工单转供水或供电单位抢修，并告知“我们已通知相关单位尽快处理，处理结果会及时反馈给您”。\n\n' +
        '只有自家停电的，提醒先检查家中空气开关和电表是否欠费；涉及触电、电线起火等危险情况的，提醒立即拨打119或供电抢修电话。',
      fields: { scenario: '市民来电反映突发停水、停电或水压不足', forbidden: '“这个不归我们管”“您自己找物业”“我也不知道什么时候来”' },
      keywords: ['停水', '停电', '报修', '抢修', '话术'],
      item: '突发停电',
    },
    {
      dir: '热线业务/统一话术',
      type: 'script',
      title: '来电人情绪激动时的安抚话术',
      summary: '来电人情绪激烈、反复投诉或言语过激时，坐席的安抚步骤和注意事项。',
      body:
        '第一步，先倾听，不打断：“您别着急，您慢慢说，我在认真记录。”\n' +
        '第二步，表示理解：“遇到这样的事情确实让人着急，换成谁都会不舒服。”\n' +
        '第三步，复述确认诉求：“我跟您确认一下，您反映的是……对吗？”\n' +
        '第四步，说明处理方式和时限：“我们会把您的诉求转给××部门，按规定在××个工作日内给您答复。”\n\n' +
        '来电人辱骂坐席的，先提醒一次文明用语；仍持续辱骂的，可按规定告知后结束通话并记录。来电人表达轻生等极端想法的，要稳定情绪、尽量了解所在位置，并立即报告班长按应急流程处置。',
      fields: { scenario: '来电人情绪激动、重复来电或对处理结果不满', forbidden: '“你冲我发火也没用”“爱打哪打哪”“这是规定，没办法”' },
      keywords: ['安抚', '情绪激动', '重复来电', '投诉'],
    },
    {
      dir: '社会保障/社保卡',
      type: 'guide',
      title: '社会保障卡补办（换卡）',
      summary: '社保卡丢失、损坏后如何挂失和补办，需要带什么材料，多久能拿到卡。',
      body:
        '社保卡丢失后应先挂失，防止被冒用。挂失可通过社保卡服务热线、当地人社部门政务服务平台、手机App或合作银行网点办理。\n\n' +
        '补办时本人携带有效身份证件到社保卡合作银行网点或人社服务窗口申请，多数网点可即时制卡；不能即时制卡的，一般在规定工作日内到原网点领取。新卡启用后，原卡的社保功能自动停用，金融账户是否沿用以发卡银行规定为准。\n\n' +
        '委托他人办理的，还需提供代办人身份证件。',
      fields: {
        conditions: '已在本地参保并领取过社会保障卡，卡片丢失、损坏或信息需要变更',
        materials: '本人有效身份证件；委托代办的另需代办人身份证件',
        timeLimit: '即时制卡网点当场办结；其他网点一般10个工作日内',
        location: '社保卡合作银行网点、各级人社政务服务窗口',
        phone: '12345或当地人社服务电话',
        fee: '按当地规定执行，部分情形免收工本费',
        online: '当地人社政务服务平台、电子社保卡',
      },
      keywords: ['社保卡', '补办', '挂失', '换卡', '社会保障卡'],
      item: '社会保障卡办理及挂失补换',
    },
    {
      dir: '社会保障/社保卡',
      type: 'faq',
      title: '社保卡临时挂失和正式挂失有什么区别',
      summary: '电话挂失通常是临时挂失，有效期有限，需要及时到网点办理正式挂失或补卡。',
      body:
        '临时挂失一般通过电话、App办理，目的是尽快冻结卡片，防止冒用；临时挂失有有效期，过期未办理正式挂失或解挂的会自动解除。\n\n' +
        '正式挂失需本人持身份证件到网点办理，办理后即可申请补卡。卡片找回的，可以到网点申请解挂。\n\n' +
        '坐席提示：建议来电人挂失后尽快补卡，补卡期间看病结算可使用电子社保卡或医保电子凭证。',
      fields: { question: '社保卡丢了打电话挂失以后还要做什么？', audience: '参保人' },
      keywords: ['社保卡', '挂失', '临时挂失', '解挂', '电子社保卡'],
      item: '社会保障卡办理及挂失补换',
    },
    {
      dir: '住房城建/住房公积金',
      type: 'guide',
      title: '住房公积金提取（租房提取）',
      summary: '无自有住房的职工租房居住，可以按月或按年提取住房公积金支付房租。',
      body:
        '职工本人及配偶在缴存地无自有住房且租房居住的，可以申请提取住房公积金支付房租。提取额度一般按当地公积金管理中心公布的标准执行，可按月、按季或按年提取。\n\n' +
        '办理方式：多数地区可通过公积金管理中心网上服务大厅、手机App办理，无需提交纸质材料；线下办理的到公积金管理中心服务网点。\n\n' +
        '同一时期已申请购房提取或正在偿还公积金贷款的，租房提取可能受限，以当地规定为准。',
      fields: {
        conditions: '连续足额缴存住房公积金，本人及配偶在缴存地无自有住房，且租房居住',
        materials: '本人身份证件；本人银行卡；当地要求的无房证明或租房合同（网上办理时多为系统核验）',
        timeLimit: '网上办理一般即时或3个工作日内到账',
        location: '住房公积金管理中心服务网点',
        phone: '12329住房公积金服务热线或12345',
        online: '住房公积金网上服务大厅、手机App',
      },
      keywords: ['公积金', '租房提取', '提取公积金', '房租'],
      item: '住房公积金提取',
    },
    {
      dir: '住房城建/住房公积金',
      type: 'faq',
      title: '住房公积金贷款常见问题',
      summary: '申请公积金贷款的基本条件、额度和审批时间等来电人常问的问题。',
      body:
        '申请条件：一般要求连续足额缴存一定期限（以当地规定为准），购买本地自住住房，个人信用良好，且没有未还清的公积金贷款。\n\n' +
        '贷款额度：与缴存余额、缴存年限、还款能力、房屋价格等有关，同时不超过当地规定的最高额度。\n\n' +
        '审批时间：材料齐全后，公积金中心在承诺时限内完成审批，放款时间还与不动产抵押登记进度有关。\n\n' +
        '异地缴存的职工能否在本地贷款，需咨询贷款所在地公积金中心的异地贷款政策。',
      fields: { question: '公积金贷款要什么条件？能贷多少？多久能批下来？', audience: '购房职工' },
      keywords: ['公积金贷款', '贷款额度', '购房', '异地贷款'],
      item: '住房公积金贷款',
    },
    {
      dir: '公共服务/户籍与证件',
      type: 'guide',
      title: '居住证办理',
      summary: '离开常住户口所在地、在居住地居住半年以上的人员，可以申领居住证。',
      body:
        '居住证是在居住地享受基本公共服务和便利的凭证。来电人离开常住户口所在地，到其他城市居住半年以上，并有合法稳定就业、合法稳定住所或连续就读条件之一的，可以申领。\n\n' +
        '一般先到居住地公安派出所或社区办理居住登记，满半年后申领居住证。居住证按规定签注，逾期未签注的会影响使用。\n\n' +
        '具体材料和能否网上申请，以居住地公安机关公布为准。',
      fields: {
        conditions: '在居住地居住半年以上，并有合法稳定就业、合法稳定住所或连续就读之一',
        materials: '本人居民身份证；近期证件照片（部分地区现场采集）；住所证明（房产证明或租房合同等）；就业或就读证明',
        timeLimit: '受理后一般15日内制发',
        location: '居住地公安派出所或社区警务室',
        phone: '当地公安户政咨询电话或12345',
        fee: '首次申领免费',
      },
      keywords: ['居住证', '暂住', '居住登记', '流动人口'],
      item: '居住证办理',
    },
    {
      dir: '公共服务/户籍与证件',
      type: 'guide',
      title: '新生儿落户（出生登记）',
      summary: '新生儿出生后办理户口登记的条件、材料和办理地点。',
      body:
        '婴儿出生后，由监护人持出生医学证明等材料，到父亲或母亲常住户口所在地的公安派出所申报出生登记，建议在出生后一个月内办理。\n\n' +
        '多地已推行“出生一件事”联办，可同时办理出生医学证明、户口登记、医保参保和社保卡申领，来电人可通过当地政务服务平台查询是否开通。\n\n' +
        '非婚生育、在国外出生等特殊情形，材料要求不同，请来电人先向派出所咨询。',
      fields: {
        conditions: '父母一方为本地户籍，新生儿持有出生医学证明',
        materials: '出生医学证明；父母双方居民身份证和居民户口簿；父母结婚证',
        timeLimit: '材料齐全的当场办结',
        location: '父亲或母亲常住户口所在地公安派出所',
        phone: '当地公安户政咨询电话或12345',
        online: '政务服务平台“出生一件事”',
      },
      keywords: ['新生儿落户', '出生登记', '报户口', '出生一件事'],
      item: '户口迁移',
    },
    {
      dir: '社会保障/医疗保障',
      type: 'guide',
      title: '医保异地就医备案',
      summary: '长期在外地居住或临时外出就医，如何办理异地就医备案以便直接结算。',
      body:
        '参保人到参保地以外就医，要直接结算医疗费用，一般需先办理异地就医备案。备案分为长期在外（异地安置退休、异地长期居住、常驻异地工作）和临时外出就医（异地转诊、急诊抢救、其他临时就医）。\n\n' +
        '办理渠道：国家医保服务平台App、国家异地就医备案小程序、参保地医保经办机构窗口。多数情况下填写承诺书即可办理，无需提交证明材料。\n\n' +
        '备案后，在备案地开通异地结算的定点医药机构持医保电子凭证或社保卡就医。急诊抢救未及时备案的，可按参保地规定补办或回参保地手工报销。',
      fields: {
        conditions: '参保人需在参保地以外的统筹地区就医',
        materials: '本人医保电子凭证或社保卡；个人承诺书（线上填写）；异地转诊的需转诊证明',
        timeLimit: '线上办理一般即时生效',
        location: '参保地医保经办机构窗口',
        phone: '12393医疗保障服务热线或12345',
        online: '国家医保服务平台App、国家异地就医备案小程序',
      },
      keywords: ['医保', '异地就医', '备案', '直接结算', '异地报销'],
      item: '医保异地就医备案',
    },
    {
      dir: '市场监管与营商环境',
      type: 'guide',
      title: '个体工商户营业执照办理',
      summary: '开个体店需要办营业执照，可以网上办理，材料齐全的一般很快办结。',
      body:
        '经营者可以通过当地市场主体登记网上平台或手机App申请个体工商户设立登记，也可到政务服务中心市场监管窗口现场办理。\n\n' +
        '需要确定字号名称、经营场所、经营范围和经营者信息。经营范围涉及许可项目的（如食品经营等），取得执照后还需办理相应许可。\n\n' +
        '营业执照办理不收费。办理后按规定进行税务登记信息确认，并每年按时报送年度报告。',
      fields: {
        conditions: '有经营能力的自然人，具备合法的经营场所',
        materials: '经营者身份证件；经营场所使用证明（房产证明或租赁协议等）；委托代办的需委托书及代办人身份证件',
        timeLimit: '材料齐全、符合法定形式的一般1个工作日内办结',
        location: '各级政务服务中心市场监管窗口',
        phone: '当地市场监管部门咨询电话或12345',
        fee: '不收费',
        online: '市场主体登记网上平台',
      },
      keywords: ['营业执照', '个体工商户', '开店', '登记注册'],
      item: '个体工商户登记',
    },
    {
      dir: '劳动就业',
      type: 'faq',
      title: '拖欠农民工工资投诉渠道',
      summary: '农民工被拖欠工资时可以通过哪些渠道反映，以及坐席受理要点。',
      body:
        '农民工被拖欠工资的，可以拨打12345热线、12333人社服务热线反映，或到项目所在地人社部门劳动保障监察机构投诉，也可通过全国根治欠薪线索反映平台提交线索。\n\n' +
        '坐席受理时要问清：用工单位或工程项目名称、所在地址、欠薪人数、欠薪金额和起止时间、是否签订劳动合同、有无考勤或工资记录。涉及群体性讨薪或有过激苗头的，按紧急工单处理并报告班长。\n\n' +
        '属于劳动争议需要仲裁的，告知来电人可向劳动人事争议仲裁委员会申请仲裁。',
      fields: { question: '干完活老板不给钱，去哪里投诉？', audience: '农民工及其家属' },
      keywords: ['欠薪', '拖欠工资', '农民工', '讨薪', '劳动保障监察'],
      item: '拖欠农民工工资',
    },
    {
      dir: '住房城建/物业管理',
      type: 'faq',
      title: '物业服务纠纷处理指引',
      summary: '业主与物业企业在服务质量、收费、停水停电催费等方面发生纠纷时的处理路径。',
      body:
        '物业服务质量问题（卫生、安保、设施维修不到位）：先由业主向物业企业书面反映；物业不整改的，可向街道（乡镇）和住建部门反映，由其督促整改。\n\n' +
        '物业收费争议：收费标准以物业服务合同和当地价格规定为准；对收费项目有异议的，可向住建部门或价格主管部门反映。\n\n' +
        '物业企业不得以停水、停电、停暖等方式催缴物业费，遇到此类情况的可直接投诉，按紧急工单转办。\n\n' +
        '合同纠纷双方协商不成的，可申请人民调解或向人民法院起诉。',
      fields: { question: '物业服务差、乱收费、停水停电催费，找谁管？', audience: '小区业主' },
      keywords: ['物业', '物业费', '物业纠纷', '业委会', '停水催费'],
      item: '物业服务质量差',
    },
    {
      dir: '住房城建',
      type: 'policy',
      title: '冬季城市积雪清扫责任划分',
      summary: '城市道路、人行道、小区和单位门前积雪分别由谁负责清扫。',
      body:
        '新疆多数城市冬季降雪频繁，积雪清扫实行分区域包干责任制：\n' +
        '1. 城市主次干道、桥梁、广场等公共区域，由城市管理（环卫）部门组织清扫；\n' +
        '2. 机关、企事业单位、商铺门前人行道，按“门前三包”由所在单位、商户负责；\n' +
        '3. 住宅小区内道路由物业企业负责，无物业小区由社区组织清扫；\n' +
        '4. 背街小巷按属地由街道（乡镇）组织清扫。\n\n' +
        '一般要求雪停后在规定时间内完成清扫，具体时限以当地城市管理部门公告为准。来电反映积雪未清的，问清具体路段和位置，转属地或城管部门处理。',
      fields: { docNumber: '演示-政策-001（以当地城市管理部门公布的文件为准）', issuer: '城市管理部门（演示）', effectiveDate: '2025-10-15', region: '全区城市建成区', keyPoints: '公共区域由环卫清扫；门前人行道“门前三包”；小区由物业；背街小巷属地负责' },
      keywords: ['积雪', '清雪', '扫雪', '门前三包', '冬季'],
      item: '人行道及背街小巷积雪',
    },
    {
      dir: '住房城建/供暖',
      type: 'faq',
      title: '供暖不热怎么报修（全区通用）',
      summary: '供暖期室内温度偏低时，来电人可以怎么做，热线如何转办。',
      body:
        '新疆供暖期一般从10月中旬到次年4月中旬，具体起止时间以当地政府公告为准。供暖期内住宅室内温度应达到当地规定的标准。\n\n' +
        '室温偏低的，建议来电人先检查暖气阀门是否打开、暖气片是否需要排气，再联系供热单位报修。供热单位未处理或处理后仍不达标的，可拨打12345。\n\n' +
        '热线受理时问清小区、楼栋、单元、房号和室内温度，转供热单位或供热主管部门处理，要求上门测温。整栋或整个小区停暖的按紧急工单处理。',
      fields: { question: '家里暖气不热，应该找谁？', audience: '城镇居民' },
      keywords: ['供暖', '暖气不热', '测温', '供热', '报修'],
      item: '供暖温度不达标',
    },
    {
      dir: '社会保障/养老与失业',
      type: 'guide',
      title: '城乡居民基本养老保险参保缴费',
      summary: '没有参加职工养老保险的城乡居民，可以在户籍地参加城乡居民养老保险。',
      body:
        '年满16周岁（不含在校学生），非国家机关和事业单位工作人员，不属于职工基本养老保险覆盖范围的城乡居民，可以在户籍地参加城乡居民基本养老保险。\n\n' +
        '缴费档次由当地政府设定，参保人自主选择，多缴多得；政府按规定给予缴费补贴。缴费可通过税务部门App、银行、村（社区）协办员等渠道办理。\n\n' +
        '累计缴费满15年、达到待遇领取年龄的，按月领取养老金。',
      fields: {
        conditions: '年满16周岁、不属于职工养老保险覆盖范围的城乡居民，在户籍地参保',
        materials: '本人居民身份证或户口簿',
        timeLimit: '参保登记即时办结',
        location: '户籍地乡镇（街道）社保所、村（社区）服务站',
        phone: '12333或12345',
        online: '税务部门缴费App、当地人社政务服务平台',
      },
      keywords: ['城乡居民养老保险', '养老保险', '缴费档次', '养老金'],
      item: '城乡居民养老保险',
    },
    {
      dir: '社会保障/养老与失业',
      type: 'guide',
      title: '失业保险金申领',
      summary: '非本人意愿中断就业的参保职工，可以申领失业保险金。',
      body:
        '参加失业保险、所在单位和本人已按规定缴费满一年，非因本人意愿中断就业，并已办理失业登记、有求职要求的，可以申领失业保险金。\n\n' +
        '可通过当地人社政务服务平台、手机App或公共就业服务机构窗口申请，领取期限根据累计缴费时间确定。领取期间可同时享受职工医保待遇。\n\n' +
        '重新就业、应征服兵役、移居境外、享受基本养老保险待遇等情形的，停止领取。',
      fields: {
        conditions: '缴纳失业保险满一年；非因本人意愿中断就业；已办理失业登记并有求职要求',
        materials: '本人身份证件或社保卡；解除或终止劳动关系的证明（多数地区可系统核验）',
        timeLimit: '一般在受理后规定工作日内审核发放',
        location: '参保地公共就业服务机构',
        phone: '12333或12345',
        online: '当地人社政务服务平台、国家社会保险公共服务平台',
      },
      keywords: ['失业金', '失业保险金', '失业登记', '失业'],
      item: '失业登记及失业保险金申领',
    },
    {
      dir: '公共服务/户籍与证件',
      type: 'guide',
      title: '居民身份证异地换领、补领',
      summary: '在户籍地以外的地方可以直接换领、补领居民身份证。',
      body:
        '居民身份证有效期满、证件损坏或丢失的，可以在户籍地办理，也可以在全国任一公安机关居民身份证异地受理点申请换领、补领。\n\n' +
        '办理时本人到场，现场采集照片和指纹。补领的，原证件自动作废。急需乘车、住宿的，可向受理点申请开具临时身份证明或办理临时居民身份证。',
      fields: {
        conditions: '身份证有效期满、损坏、丢失或登记项目变更',
        materials: '本人到场；户口簿（户籍地办理时）；近期照片由受理点现场采集',
        timeLimit: '一般20日内制证，异地办理可能稍长',
        location: '公安派出所户籍窗口或异地受理点',
        phone: '当地公安户政咨询电话或12345',
        fee: '按国家规定收取工本费',
        online: '可通过政务服务平台预约和选择邮寄',
      },
      keywords: ['身份证', '异地办理', '补办身份证', '换证', '临时身份证'],
      item: '居民身份证办理及异地换补领',
    },
    {
      dir: '应急处置',
      type: 'emergency',
      title: '燃气泄漏来电应急处置',
      summary: '接到燃气泄漏来电时，坐席必须先做安全提示，再立即转燃气抢修。',
      body:
        '燃气泄漏属于紧急险情，坐席接到来电后按以下顺序处置：\n' +
        '1. 立即提醒来电人：不要开关电器、不要使用明火和手机（在室内）、打开门窗通风、关闭燃气总阀、迅速离开现场，到室外安全地带再打电话；\n' +
        '2. 问清地址（小区、楼栋、单元、房号）和现场情况（气味大小、是否有人员不适）；\n' +
        '3. 立即转燃气企业抢修电话，并登记特急工单；\n' +
        '4. 已发生爆燃、起火或有人员受伤的，立即告知拨打119、120，并报告值班长。',
      fields: {
        eventType: '燃气泄漏、燃气异味',
        procedure: '安全提示（不开关电器、通风、关阀、撤离）→ 核实地址和险情 → 转燃气抢修 → 登记特急工单 → 跟踪回访',
        contacts: '当地燃气企业24小时抢修电话；119；120；值班长',
      },
      keywords: ['燃气泄漏', '煤气味', '抢修', '应急', '特急'],
      item: '燃气泄漏险情',
    },
    {
      dir: '应急处置',
      type: 'emergency',
      title: '暴雪寒潮天气热线应对口径',
      summary: '暴雪、寒潮预警期间来电集中的几类问题和统一答复口径。',
      body:
        '暴雪、寒潮预警发布后，热线来电通常集中在道路通行、供暖、停水停电、航班和班车停运等方面。\n\n' +
        '统一口径：以气象部门预警和交通、城管、供热等部门发布的信息为准，不猜测、不承诺具体恢复时间；有官方通告的原文转述。\n\n' +
        '涉及老人独居家中无暖、道路被困车辆人员等情况的，按紧急工单处理，立即联系属地和相关部门。值班长根据来电量启动增援坐席。',
      fields: {
        eventType: '暴雪、寒潮、道路结冰',
        procedure: '关注预警信息 → 汇总各部门通告供坐席使用 → 紧急求助按特急转办 → 来电高峰时增开坐席',
        contacts: '值班长；属地应急管理部门；交通、城管、供热单位值班电话',
      },
      keywords: ['暴雪', '寒潮', '预警', '道路结冰', '应急口径'],
      item: '道路积雪积冰未清除',
    },
    {
      dir: '市场监管与营商环境',
      type: 'faq',
      title: '消费投诉什么情况转12315',
      summary: '消费纠纷的受理分工：一般消费投诉可由12345受理后转市场监管部门或12315。',
      body:
        '消费者与经营者发生消费纠纷的，12345受理后按分工转市场监管部门处理，也可告知来电人通过12315平台在线投诉，便于在线调解。\n\n' +
        '受理时问清：经营者名称和地址、消费时间、商品或服务名称、金额、诉求（退货、退款、赔偿等），以及是否有购物凭证。\n\n' +
        '网购纠纷先让来电人与平台客服协商，协商不成的再投诉；涉及食品安全问题的，及时转办并提醒保留实物和凭证。',
      fields: { question: '买东西被坑了，打12345还是12315？', audience: '消费者' },
      keywords: ['消费投诉', '12315', '退货', '消费维权', '网购'],
      item: '虚假宣传误导消费',
    },
    {
      dir: '交通出行',
      type: 'guide',
      title: '机动车驾驶证期满换证',
      summary: '驾驶证有效期满前可以就近办理换证，多数情况下可以网上申请。',
      body:
        '驾驶证有效期满前90日内，驾驶人可以向全国任一车辆管理所申请换证，也可通过交管12123 App在线申请、邮寄换证。\n\n' +
        '需要提交有资质的医疗机构出具的身体条件证明（多数地区可在App上查询电子体检信息）。驾驶证过期未换的，超过一年不能驾驶，需要尽快办理。',
      fields: {
        conditions: '驾驶证有效期满前90日内；驾驶人身体条件符合要求',
        materials: '本人身份证件；身体条件证明；近期照片（部分地区现场采集）',
        timeLimit: '窗口办理当场办结；网上办理邮寄送达',
        location: '车辆管理所或交管服务站',
        phone: '12122或12345',
        fee: '按规定收取工本费',
        online: '交管12123 App',
      },
      keywords: ['驾驶证', '换证', '到期', '12123', '车管所'],
      item: '驾驶证及机动车业务',
    },
    {
      dir: '社会保障/医疗保障',
      type: 'faq',
      title: '城乡居民医保怎么缴费',
      summary: '城乡居民医保按年度缴费，缴费期内可以通过多种渠道缴纳。',
      body:
        '城乡居民基本医疗保险按年度缴费，集中缴费期一般在上一年的下半年，具体时间以当地税务、医保部门公告为准。\n\n' +
        '缴费渠道：税务部门缴费App或小程序、合作银行、村（社区）代收点等。新生儿、刚退役军人、刚失业人员等可按规定在特定时间内参保缴费。\n\n' +
        '困难群众按规定享受参保资助，由相关部门代缴或补贴部分个人缴费。',
      fields: { question: '居民医保什么时候交、在哪交？', audience: '城乡居民' },
      keywords: ['居民医保', '医保缴费', '参保', '缴费期'],
      item: '城乡居民医保参保缴费',
    },
    {
      dir: '住房城建/物业管理',
      type: 'faq',
      title: '物业以停水停电方式催缴费用怎么办',
      summary: '物业服务企业不得以停止供水、供电、供热、供燃气等方式催交物业费。',
      body:
        '根据相关法律规定，物业服务企业不得采取停止供电、供水、供热、供燃气等方式催交物业费。\n\n' +
        '来电反映物业停水停电催费的，问清小区名称、物业企业名称、停的范围和开始时间，按紧急工单转属地街道和住建部门，要求尽快恢复。业主确实欠缴物业费的，物业企业应通过协商、调解或诉讼等方式解决。',
      fields: { question: '物业因为我没交物业费就给我家停水了，合法吗？', audience: '小区业主' },
      keywords: ['物业', '停水催费', '停电催费', '物业费'],
      item: '物业以停水停电停暖方式催缴费用',
    },
    {
      dir: '住房城建/供暖',
      type: 'policy',
      title: '困难群众冬季取暖补贴发放（本供暖季临时政策）',
      summary: '本供暖季对符合条件的困难群众发放一次性取暖补贴，补贴发放截止后本条知识失效。',
      body:
        '为帮助困难群众温暖过冬，本供暖季对城乡低保对象、特困供养人员等符合条件的困难群众发放一次性取暖补贴，补贴标准和发放方式由当地民政部门公布。\n\n' +
        '符合条件的人员一般无需申请，由民政部门根据在册名单直接发放到社会保障卡或银行账户。来电人对是否符合条件、何时到账有疑问的，转户籍地乡镇（街道）或民政部门核实答复。\n\n' +
        '本政策为临时政策，有效期截止后不再作为答复依据。',
      fields: { docNumber: '演示-临时政策-002（以当地民政部门公布的文件为准）', issuer: '民政部门（演示）', effectiveDate: '2025-11-01', region: '全区', keyPoints: '对象：低保、特困等困难群众；方式：按名单直接发放；有效期：本供暖季' },
      keywords: ['取暖补贴', '困难群众', '低保', '临时政策', '冬季'],
      validDays: 60,
    },
  ],
};

const URUMQI: TenantSeed = {
  code: '650100',
  dirs: ['本市供热', '本市便民服务'],
  articles: [
    {
      dir: '本市供热',
      type: 'faq',
      title: '乌鲁木齐市供暖期与供暖不热报修',
      summary: '乌鲁木齐市供暖期时间、室温标准和供暖不热时的报修路径（本市及所辖区县适用）。',
      body:
        '乌鲁木齐市供暖期一般为每年10月中下旬至次年4月中下旬，具体开栓和停暖日期以市政府当年公告为准，遇气温异常可能提前或延长。\n\n' +
        '供暖期内住宅卧室、起居室室温应不低于当地规定标准。室温偏低的，先联系所在小区的供热单位报修；供热单位未处理或处理后仍不达标的，拨打12345反映。\n\n' +
        '坐席受理要点：问清区、小区、楼栋、单元、房号，联系电话，室内温度，是否已向供热单位报修。整栋或整个小区停暖的按紧急工单转供热单位和区供热主管部门。',
      fields: { question: '乌鲁木齐什么时候供暖？家里暖气不热找谁？', audience: '乌鲁木齐市居民' },
      keywords: ['乌鲁木齐', '供暖期', '暖气不热', '供热', '开栓'],
      item: '供暖温度不达标',
    },
    {
      dir: '本市便民服务',
      type: 'faq',
      title: '乌鲁木齐市冬季门前积雪清扫要求（本级）',
      summary: '乌鲁木齐市沿街单位和商户“门前三包”清雪要求，仅本级坐席答复使用。',
      body:
        '乌鲁木齐市实行“门前三包”责任制，沿街单位、商户负责门前人行道积雪清扫，雪停后应在规定时间内清除，不得将积雪堆放在机动车道和盲道上。\n\n' +
        '市民反映门前积雪未清的，问清具体路段、门牌号或商户名称，转属地街道或城市管理部门督促清理。',
      fields: { question: '门口人行道上的雪没人扫，找谁？', audience: '乌鲁木齐市市民' },
      keywords: ['乌鲁木齐', '门前三包', '积雪', '清雪'],
      item: '人行道及背街小巷积雪',
      scope: 'tenant',
    },
  ],
};

const KASHGAR: TenantSeed = {
  code: '653100',
  dirs: ['本地便民服务'],
  articles: [
    {
      dir: '本地便民服务',
      type: 'faq',
      title: '喀什古城景区游览咨询',
      summary: '喀什古城开放时间、开城仪式和游客咨询的答复要点（喀什地区本地知识）。',
      body:
        '喀什古城为开放式景区，游客可自由进入街区游览，部分场馆和演出另行收费。每天上午一般有开城仪式，具体时间随季节调整，以景区公告为准。\n\n' +
        '游客咨询交通、住宿、导游服务的，告知可通过景区游客服务中心咨询；反映商户价格欺诈、强买强卖的，登记投诉转市场监管或文旅部门处理。',
      fields: { question: '喀什古城几点开门？要门票吗？', audience: '游客' },
      keywords: ['喀什', '古城', '景区', '旅游咨询'],
      scope: 'tenant',
    },
  ],
};

export const DEMO_KNOWLEDGE: TenantSeed[] = [REGION, URUMQI, KASHGAR];

const beijingDate = (at: Date, plusDays: number) => new Date(at.getTime() + 8 * 3_600_000 + plusDays * 86_400_000).toISOString().slice(0, 10);

export async function seedKnowledgeDemo(trx: Db, clock: Clock, people: { editors: Record<string, string | undefined>; reviewers: Record<string, string | undefined> }): Promise<void> {
  const now = clock.now();
  const codes = DEMO_KNOWLEDGE.map((t) => t.code);
  const tenants = new Map((await trx.selectFrom('tenant').select(['id', 'code']).where('code', 'in', codes).execute()).map((t) => [t.code, t.id]));
  const items = await trx.selectFrom('catalog_item').select(['id', 'name']).where('status', '=', 'published').where('origin', '=', 'standard').execute();
  const itemByName = new Map(items.map((i) => [i.name, i.id]));
  const directories: Insertable<KbDirectoryTable>[] = [];
  const articles: Insertable<KbArticleTable>[] = [];
  const revisions: Insertable<KbRevisionTable>[] = [];
  for (const t of DEMO_KNOWLEDGE) {
    const tenantId = tenants.get(t.code);
    if (!tenantId) continue;
    const dirIds = new Map<string, string>();
    t.dirs.forEach((path, sort) => {
      const slash = path.lastIndexOf('/');
      const id = randomUUID();
      dirIds.set(path, id);
      directories.push({ id, tenant_id: tenantId, parent_id: slash < 0 ? null : dirIds.get(path.slice(0, slash))!, name: path.slice(slash + 1), sort: sort * 10, enabled: true, created_at: now, updated_at: now });
    });
    const author = people.editors[t.code] ?? null;
    const reviewer = people.reviewers[t.code] ?? null;
    for (const a of t.articles) {
      const id = randomUUID();
      const rev = randomUUID();
      const itemId = a.item ? itemByName.get(a.item) : undefined;
      articles.push({
        id,
        tenant_id: tenantId,
        directory_id: dirIds.get(a.dir)!,
        type_code: a.type,
        scope: a.scope ?? 'subtree',
        status: 'published',
        title: a.title,
        live_revision_id: rev,
        open_revision_id: null,
        published_at: now,
        temporary_offline: false,
        created_by: author,
        created_at: now,
        updated_at: now,
      });
      revisions.push({
        id: rev,
        article_id: id,
        version: 1,
        change_type: 'create',
        state: 'published',
        title: a.title,
        summary: a.summary,
        body: a.body,
        fields: JSON.stringify(a.fields),
        keywords: JSON.stringify(a.keywords),
        item_ids: JSON.stringify(itemId ? [itemId] : []),
        basis: BASIS,
        source: SOURCE,
        valid_to: a.validDays ? beijingDate(now, a.validDays) : null,
        note: '',
        author_id: author,
        created_at: now,
        submitted_at: now,
        reviewed_by: reviewer,
        reviewed_at: now,
        review_opinion: '同意发布',
        published_by: reviewer,
        published_at: now,
        closed_at: now,
      });
    }
  }
  if (directories.length) await trx.insertInto('kb_directory').values(directories).execute();
  if (articles.length) await trx.insertInto('kb_article').values(articles).execute();
  if (revisions.length) await trx.insertInto('kb_revision').values(revisions).execute();
}
