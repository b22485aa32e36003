import { readDataLines } from '../data-files.js';

/**
 * General list: stopwords-iso/stopwords-zh (MIT, resources/LICENSE-stopwords-MIT.txt).
 * Hotline list: written by this team for call and message boilerplate that carries no topic.
 */
const HOTLINE = [
  '您好', '你好', '请问', '谢谢', '感谢', '麻烦', '反映', '反应', '市民', '来电', '来电人', '诉求',
  '希望', '相关', '部门', '有关', '问题', '情况', '现在', '目前', '一直', '已经', '领导', '尊敬',
  '书记', '市长', '处理', '解决', '要求', '请求', '我们', '他们', '自己', '这个', '那个', '一下',
  '这样', '怎么', '什么', '没有', '可以', '能够', '是否', '进行', '表示', '知道', '非常', '特别',
];

let cached: Set<string> | undefined;

export function stopwords(): Set<string> {
  cached ??= new Set([...readDataLines('stopwords-zh.txt'), ...HOTLINE]);
  return cached;
}

export function isStopword(token: string): boolean {
  return stopwords().has(token);
}

export function removeStopwords(tokens: readonly string[]): string[] {
  const sw = stopwords();
  return tokens.filter((t) => !sw.has(t));
}
