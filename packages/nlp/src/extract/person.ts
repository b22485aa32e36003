import { matchAll, spanOf, type Span } from './types.js';

export interface PersonName extends Span {
  /** The name itself, without 先生/女士 or the cue words around it. */
  name: string;
  gender: '男' | '女' | undefined;
  cue: string;
}

// Common single-character surnames (about 95 % of the population) and compound ones.
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝';
const COMPOUND = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐', '长孙', '宇文', '司徒', '夏侯'];
const SURNAME = `(?:${COMPOUND.join('|')}|[${SURNAMES}])`;
const GIVEN = '[\\u4e00-\\u9fa5]{1,2}';
// Uyghur, Kazakh and other names written in Chinese characters use a middle dot: 阿不都·热合曼.
const DOTTED = '[\\u4e00-\\u9fa5]{2,6}[·・.][\\u4e00-\\u9fa5]{2,6}';
const STOP_AFTER = '(?=[，。,.；;、\\s]|$|[0-9]|电话|手机|联系|身份证|住|家住|今年|的|在|是|反映|来电|先生|女士)';

const CUED = new RegExp(`(?<cue>我叫|我是|本人|姓名[:：]?|名叫|叫做|联系人[:：]?|来电人[:：]?|市民|(?:老板|经理|负责人|对方|他|她|名字)叫)(?<name>${DOTTED}|${SURNAME}${GIVEN})${STOP_AFTER}`);
// After the strongest cues any 2–4 characters are a name: Kazakh and Uyghur names written
// without a dot (努尔兰, 古丽米拉) have no Chinese surname.
const STRONG_CUED = new RegExp(`(?<cue>我叫|姓名[:：]?|名叫|我的名字是)(?<name>[\u4e00-\u9fa5]{2,4}?)${STOP_AFTER}`);
const TITLED = new RegExp(`(?<name>${SURNAME})(?<title>先生|女士|小姐|阿姨|大爷|师傅)`);
const SURNAME_ONLY = new RegExp(`(?<cue>我姓|免贵姓|姓)(?<name>${SURNAME})(?![\\u4e00-\\u9fa5]{0,1}名)`);
const DOTTED_FREE = new RegExp(`(?<![\\u4e00-\\u9fa5])(?<name>${DOTTED})`);

// Words jieba-free regexes would otherwise take as given names after a cue (我是业主, 我是本地人).
const NOT_NAMES = /^(业主|住户|居民|市民|学生|家长|老师|患者|司机|本地|外地|一名|一位|这里|那里|本人|租户|商户|职工|工人|退休|残疾|党员|村民|农民|个体|老人|孩子)|[县市区镇乡村省州的]$/;
const LEADING_CUE = /^(我是|我叫|本人|名叫|叫|是)/;
const TRAILING_TITLE = /(先生|女士|小姐|阿姨|大爷|师傅)$/;

function genderOf(title: string | undefined): '男' | '女' | undefined {
  if (title === '先生' || title === '大爷' || title === '师傅') return '男';
  if (title === '女士' || title === '小姐' || title === '阿姨') return '女';
  return undefined;
}

function fromMatch(text: string, m: RegExpExecArray, fallbackCue: string): PersonName | undefined {
  const raw = m.groups?.['name'] ?? '';
  // 我是阿依古丽·买买提: the dotted-name pattern starts too early; 李女士 after 来电人 is 李 + title.
  const lead = LEADING_CUE.exec(raw)?.[0].length ?? 0;
  const title = m.groups?.['title'] ?? TRAILING_TITLE.exec(raw)?.[0];
  const name = raw.slice(lead, raw.length - (m.groups?.['title'] ? 0 : (title?.length ?? 0)));
  if (name.length === 0 || NOT_NAMES.test(name)) return undefined;
  const start = m.index + m[0].indexOf(raw) + lead;
  return { ...spanOf(text, start, start + name.length + (title?.length ?? 0)), name, gender: genderOf(title), cue: m.groups?.['cue'] ?? title ?? fallbackCue };
}

/** Person names from cue patterns (我叫…, 姓名…, 王先生, 我姓李) and dotted minority names. */
export function extractPersons(text: string): PersonName[] {
  const found = [
    ...matchAll(text, CUED, (m) => fromMatch(text, m, '')),
    ...matchAll(text, STRONG_CUED, (m) => fromMatch(text, m, '')),
    ...matchAll(text, TITLED, (m) => fromMatch(text, m, '')),
    ...matchAll(text, SURNAME_ONLY, (m) => fromMatch(text, m, '姓')),
    ...matchAll(text, DOTTED_FREE, (m) => fromMatch(text, m, '·')),
  ].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: PersonName[] = [];
  for (const p of found) if (!kept.some((k) => p.start < k.end && k.start < p.end)) kept.push(p);
  return kept;
}
