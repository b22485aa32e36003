import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { loadDivisions } from '../geo/divisions.js';

let jieba: Jieba | undefined;
const added = new Set<string>();

/**
 * One process-wide jieba: its dictionary load costs ~80 ms, and custom words (place names,
 * catalogue terms) must be visible to every caller that tokenises the same text.
 */
function instance(): Jieba {
  if (jieba) return jieba;
  jieba = Jieba.withDict(dict);
  addWords(divisionWords(), 'ns');
  return jieba;
}

function divisionWords(): string[] {
  const words: string[] = [];
  for (const d of loadDivisions().all) words.push(d.name, ...d.aliases);
  return words;
}

/** Adds custom words (catalogue terms, synonyms) with a high frequency so jieba keeps them whole. */
export function addWords(words: Iterable<string>, tag = 'nz'): void {
  const lines: string[] = [];
  for (const raw of words) {
    const w = raw.trim().replace(/\s+/g, '');
    if (w.length < 2 || added.has(w)) continue;
    added.add(w);
    lines.push(`${w} 100000 ${tag}`);
  }
  if (lines.length > 0) instance().loadDict(Buffer.from(lines.join('\n') + '\n'));
}

const WORDLIKE = /[\p{L}\p{N}]/u;

/** Precise-mode segmentation; punctuation and spaces are dropped. */
export function cut(text: string): string[] {
  if (text.length === 0) return [];
  return instance().cut(text, true).filter((t) => WORDLIKE.test(t));
}

/** Search mode also yields the sub-words of long words (中华人民共和国 → 中华, 华人, …) for recall. */
export function cutForSearch(text: string): string[] {
  if (text.length === 0) return [];
  return instance().cutForSearch(text, true).filter((t) => WORDLIKE.test(t));
}

export interface TaggedToken {
  word: string;
  tag: string;
  start: number;
  end: number;
}

/** Part-of-speech tags with character offsets (jieba returns tokens in order, covering the text). */
export function tag(text: string): TaggedToken[] {
  if (text.length === 0) return [];
  const out: TaggedToken[] = [];
  let pos = 0;
  for (const t of instance().tag(text, true)) {
    const start = text.indexOf(t.word, pos);
    const at = start < 0 ? pos : start;
    out.push({ word: t.word, tag: t.tag, start: at, end: at + t.word.length });
    pos = at + t.word.length;
  }
  return out;
}

/** Character n-grams over letters/digits only, e.g. bigrams for BM25 recall on unknown words. */
export function charNgrams(text: string, n: number): string[] {
  const chars = [...text.replace(/[^\p{L}\p{N}]+/gu, '')];
  const out: string[] = [];
  for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
  return out;
}
