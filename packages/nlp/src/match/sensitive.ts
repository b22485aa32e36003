import { dict as jiebaDict } from '@node-rs/jieba/dict.js';
import { readDataLines } from '../data-files.js';
import { AhoCorasick } from './aho-corasick.js';

export type SensitiveCategory = '政治' | '毒品' | '色情' | '赌博' | '违法犯罪' | '其他';

export interface SensitiveFlag {
  word: string;
  category: SensitiveCategory;
  start: number;
  end: number;
}

const TAGS: Record<string, SensitiveCategory> = { '0': '政治', '1': '毒品', '2': '色情', '3': '赌博', '4': '违法犯罪' };

/**
 * Words a citizen uses in ordinary demands. The deny list contains them (政府 is tagged 政治),
 * so without this list a complaint about 拆迁 would be flagged. Flags never block a demand anyway.
 */
export const DEFAULT_ALLOW = [
  '政府', '人民政府', '信访', '上访', '拆迁', '征地', '征收', '书记', '市长', '身份证', '护照', '腐败',
  '贪污', '讨薪', '欠薪', '罢工', '兵团', '穆斯林', '清真', '宗教', '民族', '维吾尔', '哈萨克',
  '公安', '警察', '派出所', '法院', '检察院', '纪委', '监委', '举报', '投诉', '维权', '赌博', '吸毒',
  '毒品', '诈骗', '传销', '黑车', '城管', '暴力执法', '年检', '共产党', '党员', '人大', '政协',
  // Everyday service vocabulary found flagged on real citizen messages (certificates, trade, offices).
  '房产证', '买房', '卖房', '证件', '政法', '办证', '民政局', '民政部', '邮政局', '通行证', '毕业证',
  '资格证', '职称证', '公证', '批发', '供应', '人大代表', '全国人大', '总书记', '党中央', '成人', '被逼',
  '买断', '出卖', '国务院', '中央', '国家', '干部', '销售', '出售', '转让', '拍卖', '人民币', '证书',
];

/**
 * Deny-list entries that are common words of general Chinese (jieba dictionary frequency ≥ this)
 * flagged a third of real citizen messages (国家, 干部, 销售 …); only rarer, specific terms are kept.
 */
const COMMON_WORD_FREQUENCY = 500;

function commonWords(candidates: Set<string>): Set<string> {
  const common = new Set<string>();
  for (const line of Buffer.from(jiebaDict).toString('utf8').split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const word = line.slice(0, sp);
    if (candidates.has(word) && Number(line.slice(sp + 1, line.indexOf(' ', sp + 1))) >= COMMON_WORD_FREQUENCY) common.add(word);
  }
  return common;
}

export interface SensitiveOptions {
  /** Extra deny words with their category (tenant lists). */
  deny?: readonly { word: string; category?: SensitiveCategory }[];
  /** Replaces the default allow list when given; matches inside an allowed word are ignored. */
  allow?: readonly string[];
  /** Skip the shipped houbb list (tests, or tenants that maintain their own). */
  builtin?: boolean;
}

interface Entry {
  category: SensitiveCategory;
  allowed: boolean;
}

/** Flags sensitive words for review; by design it has no "reject" outcome. */
export class SensitiveMatcher {
  private readonly ac = new AhoCorasick<Entry>();

  constructor(opts: SensitiveOptions = {}) {
    const allow = opts.allow ?? DEFAULT_ALLOW;
    const allowSet = new Set(allow);
    if (opts.builtin !== false) this.addBuiltin(allowSet);
    for (const d of opts.deny ?? []) {
      if (!allowSet.has(d.word)) this.ac.add(d.word, { category: d.category ?? '其他', allowed: false });
    }
    // Allowed words go into the same automaton so a deny word inside them can be cancelled.
    for (const w of allow) this.ac.add(w, { category: '其他', allowed: true });
  }

  /** houbb/sensitive-word tag list (Apache-2.0, resources/LICENSE-sensitive-words-Apache-2.0.txt). */
  private addBuiltin(allow: Set<string>): void {
    const entries = readDataLines('sensitive-words-tags.txt').map((line) => {
      const sp = line.lastIndexOf(' ');
      return { word: sp > 0 ? line.slice(0, sp) : line, category: TAGS[line.slice(sp + 1)] ?? ('其他' as const) };
    });
    const common = commonWords(new Set(entries.map((e) => e.word)));
    for (const e of entries) {
      // Single characters and short ASCII entries flag too much ordinary text.
      if (e.word.length < 2 || allow.has(e.word) || common.has(e.word) || /^[\x20-\x7e]{1,3}$/.test(e.word)) continue;
      this.ac.add(e.word, { category: e.category, allowed: false });
    }
  }

  flag(text: string): SensitiveFlag[] {
    const hits = this.ac.search(text);
    const allowed = hits.filter((h) => h.value.allowed);
    const covered = (s: number, e: number): boolean => allowed.some((a) => a.start <= s && a.end >= e);
    const out: SensitiveFlag[] = [];
    const seen = new Set<string>();
    for (const h of hits) {
      if (h.value.allowed || covered(h.start, h.end)) continue;
      const key = `${h.start}:${h.end}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ word: h.text, category: h.value.category, start: h.start, end: h.end });
    }
    return out;
  }
}
