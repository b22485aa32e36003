import { describe, expect, it } from 'vitest';
import { AhoCorasick, Bm25Index, charNgrams, cut, cutForSearch, DEFAULT_ALLOW, longestNonOverlapping, removeStopwords, SensitiveMatcher, synonymTable, TextSearchIndex, topK } from '../src/index.js';

describe('segmentation', () => {
  it('keeps Xinjiang place names whole and drops punctuation', () => {
    expect(cut('我住在沙依巴克区，昨天停水')).toEqual(expect.arrayContaining(['沙依巴克区', '停水']));
    expect(cut('，。！')).toEqual([]);
    expect(cutForSearch('乌鲁木齐市')).toContain('乌鲁木齐市');
    expect(charNgrams('停水了！', 2)).toEqual(['停水', '水了']);
  });

  it('removes stopwords from the licensed list and the hotline list', () => {
    expect(removeStopwords(['您好', '的', '停水', '反映'])).toEqual(['停水']);
  });
});

describe('BM25', () => {
  const idx = new Bm25Index<string>();
  idx.add('water', ['小区', '停水', '停水', '供水']);
  idx.add('wage', ['拖欠', '工资', '老板']);
  idx.add('noise', ['噪音', '扰民', '小区']);

  it('ranks the document sharing rare terms first', () => {
    const r = idx.search(['小区', '停水'], 3);
    expect(r.map((x) => x.id)).toEqual(['water', 'noise']);
    expect(r[0]!.score).toBeGreaterThan(r[1]!.score);
  });

  it('weights rarer terms higher and returns nothing for unknown terms', () => {
    expect(idx.idf('停水')).toBeGreaterThan(idx.idf('小区'));
    expect(idx.search(['火星'], 3)).toEqual([]);
  });

  it('topK selects the k largest positive scores in order', () => {
    expect(topK([0.1, 3, 0, 2, 5, -1], 3)).toEqual([4, 1, 3]);
  });
});

describe('Aho-Corasick', () => {
  it('finds overlapping patterns in one pass', () => {
    const ac = new AhoCorasick<number>();
    ['he', 'she', 'his', 'hers'].forEach((w, i) => ac.add(w, i));
    expect(ac.search('ushers').map((m) => m.text)).toEqual(['she', 'he', 'hers']);
    expect(longestNonOverlapping(ac.search('ushers')).map((m) => m.text)).toEqual(['she']);
  });
});

describe('sensitive words', () => {
  const matcher = new SensitiveMatcher({ builtin: false, deny: [{ word: '法轮功', category: '政治' }, { word: '冰毒', category: '毒品' }, { word: '政府', category: '政治' }] });

  it('flags deny-listed words with category and span, never rejecting', () => {
    const f = matcher.flag('有人在卖冰毒');
    expect(f).toEqual([{ word: '冰毒', category: '毒品', start: 4, end: 6 }]);
  });

  it('never flags ordinary demand words on the allow list', () => {
    expect(DEFAULT_ALLOW).toEqual(expect.arrayContaining(['政府', '信访', '拆迁', '兵团']));
    expect(matcher.flag('拆迁补偿不到位，去政府信访也没结果')).toEqual([]);
  });

  it('the shipped list does not flag a typical demand about 拆迁 and 信访', () => {
    const full = new SensitiveMatcher();
    expect(full.flag('我们村拆迁，征地补偿款没给，去乡政府上访、信访都没用，兵团的人也来了')).toEqual([]);
    expect(full.flag('有人在小区卖冰毒').map((f) => f.category)).toContain('毒品');
    // Common words of general Chinese on the deny list are not flagged on their own.
    expect(full.flag('国家政策规定干部不得参与销售，房产证和毕业证都办好了')).toEqual([]);
  });
});

describe('TextSearchIndex', () => {
  const idx = new TextSearchIndex({ synonyms: { 社保卡: ['社会保障卡'] } });
  idx.add({ id: 'kb1', title: '社会保障卡补办', text: '社会保障卡丢失后，可携带身份证到就近的社保经办网点补办。' });
  idx.add({ id: 'kb2', title: '居住证办理', text: '办理居住证需要身份证、租房合同和照片。' });
  idx.add({ id: 'kb3', title: '供暖时间', text: '乌鲁木齐市供暖期为每年10月10日至次年4月10日。' });

  it('finds documents through synonyms and ranks the title match first', () => {
    const hits = idx.search('社保卡丢了怎么办', 3);
    expect(hits[0]?.id).toBe('kb1');
    expect(hits[0]?.highlights.map((h) => h.text)).toContain('社会保障卡');
  });

  it('returns highlight spans that index the original text', () => {
    const hits = idx.search('居住证需要什么材料');
    expect(hits[0]?.id).toBe('kb2');
    const h = hits[0]!.highlights[0]!;
    expect('办理居住证需要身份证、租房合同和照片。'.slice(h.start, h.end)).toBe(h.text);
  });

  it('empty and unknown queries return nothing', () => {
    expect(idx.search('   ')).toEqual([]);
    expect(idx.search('火星移民')).toEqual([]);
  });
});

describe('TextSearchIndex per-query synonyms and self-score', () => {
  const idx = new TextSearchIndex();
  idx.add({ id: 'k1', title: '暖气不热怎么办', text: '供热期间室温低于18度，可拨打热力公司电话报修。' });
  idx.add({ id: 'k2', title: '居住证办理', text: '办理居住证需要身份证、租房合同和照片。' });

  it('expands a query with the synonyms passed for it only, even when jieba does not cut the term', () => {
    expect(idx.search('集中供暖', 5).map((h) => h.id)).not.toContain('k1');
    const hits = idx.search('集中供暖', 5, { synonyms: synonymTable({ 供暖: ['暖气', '供热'] }) });
    expect(hits[0]?.id).toBe('k1');
    expect(hits[0]?.highlights.map((h) => h.text)).toContain('供热');
    expect(idx.search('集中供暖', 5).map((h) => h.id)).not.toContain('k1');
  });

  it('a document that is the query scores about its self-score; a partial one less', () => {
    const self = idx.selfScore('居住证办理需要身份证');
    const score = idx.scoreAll('居住证办理需要身份证')[1]!;
    expect(self).toBeGreaterThan(0);
    expect(score / self).toBeGreaterThan(0.7);
    expect(idx.scoreAll('居住证办理需要身份证')[0]).toBe(0);
    // A short query wholly in a title reaches it.
    expect(idx.scoreAll('居住证')[1]! / idx.selfScore('居住证')).toBeGreaterThanOrEqual(1);
  });
});

describe('TextSearchIndex context field', () => {
  it('finds an answer through questions asked about its document, without highlighting them', () => {
    const idx = new TextSearchIndex();
    idx.add({ id: 'a1', text: '给予75%的贴息支持，贴息期限不超过1年', context: '江西省对疫情防控保障企业的贷款有何优惠？' });
    idx.add({ id: 'a2', text: '可以通过邮寄、传真等方式提交' });
    idx.add({ id: 'a3', text: '延长申报期限至2月28日' });
    const hits = idx.search('江西省保障企业贷款贴息政策');
    expect(hits[0]?.id).toBe('a1');
    expect(hits[0]?.highlights.every((h) => '给予75%的贴息支持，贴息期限不超过1年'.slice(h.start, h.end) === h.text)).toBe(true);
    // Context is what lifts a1 for words only the context has.
    expect(idx.search('江西省贷款')[0]?.id).toBe('a1');
    expect(idx.scoreAll('江西省贷款').length).toBe(3);
    const weak = new TextSearchIndex({ contextWeight: 0 });
    weak.add({ id: 'a1', text: '给予75%的贴息支持', context: '江西省贷款' });
    expect(weak.search('江西省贷款')).toEqual([]);
  });
});
