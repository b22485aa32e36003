import { writeFileSync } from 'node:fs';
import { NlpError, readModelJson } from '../errors.js';
import type { SparseVector } from '../index/tfidf.js';
import { seededRandom, shuffled } from '../ml/random.js';
import { trainSoftmax } from '../ml/softmax-regression.js';
import { isStopword } from '../text/stopwords.js';
import { cut } from '../text/tokenizer.js';
import { LEAD_TIME } from './title.js';
import { rougeL } from './title-training.js';

/**
 * Trainable compressive title generator. It learns from a deployment's own (content, title)
 * history (1) which words of a message a human keeps in the title: a keep/drop logistic
 * regression over the word, its neighbours, position, clause, frequency and place/cue features;
 * (2) which kept words titles move to the front (places: A市, 某某小区); (3) which words titles
 * add that the opening of the message lacks (反映, 咨询, 关于, …的问题): one small logistic model
 * per frequent added word, at most one lead word, one place and one closing word per title.
 * Generation keeps the most probable words of the message's opening up to a character budget,
 * in text order (front-moved words first), and wraps them with the predicted template words.
 * The budget and both thresholds are chosen on the training pairs. Nothing is invented except
 * the learnt template words.
 */
export interface TitlePair {
  text: string;
  title: string;
}

export const TITLE_COMPRESSOR_FORMAT = 'hotline-nlp/title-compressor';

/** A word titles add that the message does not contain, with its learnt trigger weights. */
interface TemplateWord {
  word: string;
  /** Mean relative position in the titles that have it (0 = start, 1 = end). */
  position: number;
  bias: number;
  weights: Record<string, number>;
}

export interface TitleCompressorJson {
  format: typeof TITLE_COMPRESSOR_FORMAT;
  version: 1;
  /** Characters of the message the model reads. */
  window: number;
  /** Keep-model weights per feature string. */
  keep: Record<string, number>;
  keepBias: number;
  /** Lead model: which kept words titles move to the front (places such as A市, 某某小区). */
  lead: Record<string, number>;
  leadBias: number;
  /** Character budget for kept words (template words come on top). */
  budget: number;
  /** Minimum keep probability. */
  threshold: number;
  /** Minimum lead log-odds for moving a kept word to the front (NEVER = 1e9: never). */
  leadMin: number;
  templates: TemplateWord[];
}

export interface TitleCompressorTrainOptions {
  /** Characters of the message read (default 240). */
  window?: number;
  /** How many added template words to learn (default 24). */
  templateWords?: number;
  /** A feature must occur this often in training to get a weight (default 2). */
  minCount?: number;
  epochs?: number;
  seed?: number;
}

/** A title word absent from this many leading characters of the text counts as a template word. */
const TEMPLATE_HEAD = 60;
const NEVER = 1e9;
const PUNCT = /^[\p{P}\p{S}\s]+$/u;
const PLACE_END = /(省|市|区|县|镇|乡|街道|小区|社区|村|路|街|大道|公司|学校|医院|大厦|花园|苑|城|府)$/;
const CLAUSE_CUE = /(问题|希望|建议|要求|请求|咨询|请问|投诉|举报|反映|不|没|未|难|乱|违规|违法|噪音|扰民|收费|吗|如何|怎么|是否|能否)/;
const CUE = /^(问题|希望|建议|咨询|请问|投诉|举报|反映|要求|能否|是否|如何|怎么|为什么|何时|关于)$/;

interface Token {
  text: string;
  start: number;
  clause: number;
  /** The clause states a problem or a demand (问题, 希望, 建议, 不 …). */
  cueClause: boolean;
  /** Index of the word inside its clause. */
  inClause: number;
  first: boolean;
  count: number;
}

/** jieba words with anonymised or coded places (A市, A3区, 12345) kept whole. */
function titleCut(text: string): string[] {
  const out: string[] = [];
  for (const w of cut(text)) {
    const prev = out[out.length - 1];
    if (prev !== undefined && /^[A-Za-z]+\d*$/.test(prev) && /^(\d+|[市区县州镇乡村路号栋])$/.test(w)) out[out.length - 1] = prev + w;
    else if (prev !== undefined && /^[A-Za-z]+\d+[市区县]?$/.test(prev + w) && /^[A-Za-z]+$/.test(prev)) out[out.length - 1] = prev + w;
    else out.push(w);
  }
  return out;
}

function tokens(text: string, window: number): Token[] {
  const head = text.slice(0, window).replace(/\s+/g, ' ');
  const out: Token[] = [];
  const seen = new Map<string, number>();
  const all = titleCut(head);
  for (const w of all) seen.set(w, (seen.get(w) ?? 0) + 1);
  const firstSeen = new Set<string>();
  let pos = 0;
  let clause = 0;
  let inClause = 0;
  const clauseCue: boolean[] = [];
  for (const c of head.split(/[。！？!?；;，,、：:\n]/)) clauseCue.push(CLAUSE_CUE.test(c));
  for (const w of all) {
    if (/[。！？!?；;，,、：:\n]/.test(w)) {
      clause += [...w].filter((ch) => /[。！？!?；;，,、：:\n]/.test(ch)).length;
      inClause = 0;
    }
    if (!PUNCT.test(w)) {
      out.push({ text: w, start: pos, clause, cueClause: clauseCue[clause] ?? false, inClause: inClause++, first: !firstSeen.has(w), count: seen.get(w) ?? 1 });
      firstSeen.add(w);
    }
    pos += w.length;
  }
  return out;
}

const bucket = (x: number, edges: number[]): number => {
  let b = 0;
  while (b < edges.length && x >= (edges[b] ?? Infinity)) b++;
  return b;
};

function tokenFeatures(ts: Token[], k: number, leadTimeEnd: number): string[] {
  const t = ts[k] as Token;
  const w = t.text;
  const len = Math.min(4, w.length);
  const pb = bucket(t.start, [5, 10, 20, 35, 50, 80, 120, 180]);
  const cb = Math.min(6, t.clause);
  const kind = /^\d+$/.test(w) ? 'num' : /^[A-Za-z]/.test(w) ? 'lat' : isStopword(w) ? 'stop' : 'han';
  const f = [
    `w=${w}`,
    `p=${ts[k - 1]?.text ?? '^'}`,
    `n=${ts[k + 1]?.text ?? '$'}`,
    `pb=${pb}`,
    `cb=${cb}`,
    `len=${len}`,
    `kind=${kind}`,
    `kind=${kind}|pb=${pb}`,
    `len=${len}|cb=${cb}`,
    `first=${t.first}`,
    `cnt=${Math.min(3, t.count)}`,
    `cnt=${Math.min(3, t.count)}|len=${len}`,
    `place=${PLACE_END.test(w) && w.length >= 2}`,
    `cue=${CUE.test(w)}`,
    `lastch=${w.slice(-1)}`,
    `firstch=${w.slice(0, 1)}`,
  ];
  if (t.start < leadTimeEnd) f.push('leadtime');
  f.push(`cue=${t.cueClause}|cb=${Math.min(3, cb)}`, `ic=${Math.min(5, t.inClause)}`, `ic=${Math.min(5, t.inClause)}|kind=${kind}`);
  if (PLACE_END.test(ts[k - 1]?.text ?? '')) f.push('afterplace');
  return f;
}

function templateFeatures(text: string, window: number): string[] {
  const head = text.slice(0, window);
  const words = new Set(titleCut(head).filter((w) => !PUNCT.test(w)));
  const f = [...words].map((w) => `w=${w}`);
  const opening = titleCut(head.slice(0, 12)).filter((w) => !PUNCT.test(w)).slice(0, 3);
  opening.forEach((w) => f.push(`o=${w}`));
  if (/[？?吗]/.test(head)) f.push('question');
  return f;
}

/** The title's words that the text does not contain (template words). */
function addedWords(title: string, head: string): string[] {
  const ws = titleCut(title).filter((w) => !PUNCT.test(w));
  // Single words plus two-word openings and closings (关于…, …的问题, …的建议) absent from the text.
  const grams = [...ws];
  if (ws.length >= 3) grams.push(ws.slice(0, 2).join(''), ws.slice(-2).join(''));
  return [...new Set(grams.filter((w) => !head.includes(w)))];
}

function vocabulary(rows: string[][], minCount: number): Map<string, number> {
  const n = new Map<string, number>();
  for (const r of rows) for (const f of new Set(r)) n.set(f, (n.get(f) ?? 0) + 1);
  const vocab = new Map<string, number>();
  for (const [f, c] of n) if (c >= minCount) vocab.set(f, vocab.size);
  return vocab;
}

function sparse(f: string[], vocab: Map<string, number>): SparseVector {
  const idx = [...new Set(f.map((x) => vocab.get(x)).filter((i): i is number => i !== undefined))];
  return { idx, val: idx.map(() => 1) };
}

/** Binary logistic regression as a two-class softmax; returns weights per feature string and the bias. */
function binary(xs: SparseVector[], ys: number[], vocab: Map<string, number>, epochs: number, seed: number, l2 = 1e-4, ws?: number[]): { weights: Record<string, number>; bias: number } {
  const dim = vocab.size;
  const p = trainSoftmax(xs, ys, ws ?? ys.map(() => 1), 2, dim, { epochs, learningRate: 0.2, l2, seed });
  const weights: Record<string, number> = {};
  for (const [f, i] of vocab) {
    const v = (p.weights[dim + i] ?? 0) - (p.weights[i] ?? 0);
    if (Math.abs(v) >= 1e-3) weights[f] = Math.round(v * 1e4) / 1e4;
  }
  return { weights, bias: (p.bias[1] ?? 0) - (p.bias[0] ?? 0) };
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export class TitleCompressor {
  private constructor(private readonly m: TitleCompressorJson) {}

  /** Learns from (content, human title) pairs; ≥ 50 pairs recommended, 10 minimum. */
  static train(pairs: readonly TitlePair[], opts: TitleCompressorTrainOptions = {}): TitleCompressor {
    const usable = pairs.filter((p) => p.text.trim().length > 0 && p.title.trim().length > 0);
    if (usable.length < 10) throw new NlpError('TRAINING_DATA', '标题训练至少需要 10 条样本');
    const window = opts.window ?? 240;
    const epochs = opts.epochs ?? 6;
    const seed = opts.seed ?? 5;
    const minCount = opts.minCount ?? 2;

    // 1. Keep/drop model over the words of the opening.
    const feats: string[][] = [];
    const ys: number[] = [];
    const leadFeats: string[][] = [];
    const leadYs: number[] = [];
    for (const p of usable) {
      const ts = tokens(p.text, window);
      const lt = leadTimeEnd(p.text);
      ts.forEach((t, k) => {
        const f = tokenFeatures(ts, k, lt);
        const y = t.first && kept(ts, k, p.title) ? 1 : 0;
        feats.push(f);
        ys.push(y);
        // Lead label: a kept word that the title puts in its first quarter although the text has it later.
        if (y === 1 && t.start >= 8) {
          leadFeats.push(f);
          leadYs.push(p.title.indexOf(t.text) <= p.title.length * 0.25 ? 1 : 0);
        }
      });
    }
    const kv = vocabulary(feats, minCount);
    const keep = binary(feats.map((f) => sparse(f, kv)), ys, kv, epochs, seed, 1e-4);

    const lv = vocabulary(leadFeats, Math.max(minCount, 3));
    const lead = leadFeats.length >= 10 && new Set(leadYs).size === 2 ? binary(leadFeats.map((f) => sparse(f, lv)), leadYs, lv, epochs, seed + 100, 1e-3) : { weights: {}, bias: -5 };

    // 2. Template words: frequent title words absent from the text.
    const added = new Map<string, { n: number; pos: number }>();
    for (const p of usable) {
      for (const w of addedWords(p.title, p.text.slice(0, TEMPLATE_HEAD))) {
        const a = added.get(w) ?? { n: 0, pos: 0 };
        a.n++;
        a.pos += p.title.indexOf(w) / Math.max(1, p.title.length - w.length);
        added.set(w, a);
      }
    }
    const top = [...added]
      .filter(([w, a]) => a.n >= Math.max(5, usable.length * 0.01) && w.length <= 4)
      .sort((a, b) => b[1].n - a[1].n)
      .slice(0, opts.templateWords ?? 24);
    const tf = usable.map((p) => templateFeatures(p.text, window));
    const tv = vocabulary(tf, Math.max(minCount, 3));
    const txs = tf.map((f) => sparse(f, tv));
    const templates: TemplateWord[] = top.map(([word, a], i) => {
      const y = usable.map((p) => (!p.text.slice(0, TEMPLATE_HEAD).includes(word) && p.title.includes(word) ? 1 : 0));
      const { weights, bias } = binary(txs, y, tv, epochs, seed + i + 1, 1e-3);
      return { word, position: a.pos / a.n, bias, weights };
    });

    const draft: TitleCompressorJson = { format: TITLE_COMPRESSOR_FORMAT, version: 1, window, keep: keep.weights, keepBias: keep.bias, lead: lead.weights, leadBias: lead.bias, budget: 14, threshold: 0.2, leadMin: 0, templates };
    // 3. Budget and threshold: chosen on the training pairs (a handful of values, not per row).
    const model = new TitleCompressor(draft);
    const sample = shuffled([...usable], seededRandom(seed)).slice(0, 1000);
    const scored = sample.map((p) => ({ title: p.title, probs: model.keepProbabilities(p.text), tpl: model.templateChoice(p.text) }));
    let best = { s: -1, budget: 14, threshold: 0.2, leadMin: 0 };
    for (const budget of [12, 14, 16, 18, 20, 22, 24]) {
      for (const threshold of [0.1, 0.2, 0.3]) {
        for (const leadMin of [0, 1, NEVER]) {
          let s = 0;
          for (const r of scored) s += rougeL(assemble(r.probs, r.tpl, budget, threshold, leadMin), r.title);
          if (s > best.s) best = { s, budget, threshold, leadMin };
        }
      }
    }
    return new TitleCompressor({ ...draft, budget: best.budget, threshold: best.threshold, leadMin: best.leadMin });
  }

  static fromJSON(json: unknown): TitleCompressor {
    const j = json as Partial<TitleCompressorJson> | null;
    const ok =
      j !== null && typeof j === 'object' && j.format === TITLE_COMPRESSOR_FORMAT && j.version === 1 &&
      typeof j.window === 'number' && typeof j.budget === 'number' && typeof j.threshold === 'number' && typeof j.leadMin === 'number' &&
      typeof j.keepBias === 'number' && typeof j.keep === 'object' && j.keep !== null &&
      typeof j.leadBias === 'number' && typeof j.lead === 'object' && j.lead !== null && Array.isArray(j.templates) &&
      j.templates.every((t) => typeof t.word === 'string' && typeof t.bias === 'number' && typeof t.position === 'number' && typeof t.weights === 'object');
    if (!ok) throw new NlpError('MODEL_FORMAT', '标题模型文件格式不正确或版本不受支持');
    return new TitleCompressor(j as TitleCompressorJson);
  }

  static load(path: string): TitleCompressor {
    const parsed = readModelJson(path, '标题模型');
    return TitleCompressor.fromJSON(parsed);
  }

  toJSON(): TitleCompressorJson {
    return this.m;
  }

  save(path: string): void {
    writeFileSync(path, JSON.stringify(this.m));
  }

  get budget(): number {
    return this.m.budget;
  }

  /** The title for a message; '' for an empty text (the caller falls back to generateTitle). */
  generate(text: string, maxChars = 30): string {
    if (text.trim().length === 0) return '';
    return assemble(this.keepProbabilities(text), this.templateChoice(text), this.m.budget, this.m.threshold, this.m.leadMin).slice(0, maxChars);
  }

  private keepProbabilities(text: string): Scored[] {
    const ts = tokens(text, this.m.window);
    const lt = leadTimeEnd(text);
    return ts.map((t, k) => {
      let z = this.m.keepBias;
      let zl = this.m.leadBias;
      for (const f of tokenFeatures(ts, k, lt)) {
        z += this.m.keep[f] ?? 0;
        zl += this.m.lead[f] ?? 0;
      }
      return { text: t.text, p: sigmoid(z), first: t.first, lead: t.start >= 8 ? zl : -Infinity };
    });
  }

  private templateChoice(text: string): { before: string[]; after: string[] } {
    const f = templateFeatures(text, this.m.window);
    const chosen = this.m.templates
      .filter((t) => !text.slice(0, TEMPLATE_HEAD).includes(t.word))
      .map((t) => ({ t, z: f.reduce((acc, x) => acc + (t.weights[x] ?? 0), t.bias) }))
      .filter((c) => c.z > 0)
      .sort((a, b) => b.z - a.z);
    // At most one word per slot: a lead word (反映/咨询 …), a place (A市), a closing word (问题/建议).
    const slots = new Map<string, { t: TemplateWord; z: number }>();
    for (const c of chosen) {
      const slot = c.t.position >= 0.5 ? 'after' : PLACE_END.test(c.t.word) ? 'place' : 'lead';
      const overlaps = [...slots.values()].some((o) => o.t.word.includes(c.t.word) || c.t.word.includes(o.t.word));
      if (!slots.has(slot) && !overlaps) slots.set(slot, c);
    }
    const pick = [...slots.values()].sort((a, b) => a.t.position - b.t.position);
    return {
      before: pick.filter((c) => c.t.position < 0.5).map((c) => c.t.word),
      after: pick.filter((c) => c.t.position >= 0.5).map((c) => c.t.word),
    };
  }
}

/** Training label: the title has the word; a one-character word also needs a neighbour with it (的 alone says nothing). */
function kept(ts: Token[], k: number, title: string): boolean {
  const w = ts[k]?.text ?? '';
  if (!title.includes(w)) return false;
  if (w.length > 1) return true;
  return title.includes((ts[k - 1]?.text ?? '\u0000') + w) || title.includes(w + (ts[k + 1]?.text ?? '\u0000'));
}

function leadTimeEnd(text: string): number {
  const m = LEAD_TIME.exec(text.trimStart());
  return m ? m[0].length : 0;
}

/** Keeps the most probable first occurrences up to `budget` characters, in text order, inside the template. */
interface Scored {
  text: string;
  /** Keep probability. */
  p: number;
  first: boolean;
  /** Lead-model log-odds: moved to the front when kept and above the learnt minimum. */
  lead: number;
}

function assemble(probs: Scored[], tpl: { before: string[]; after: string[] }, budget: number, threshold: number, leadMin: number): string {
  const order = probs
    .map((t, i) => ({ ...t, i }))
    .filter((t) => t.first && t.p >= threshold)
    .sort((a, b) => b.p - a.p);
  const keep = new Set<number>();
  let used = 0;
  const texts: string[] = [];
  for (const t of order) {
    if (used + t.text.length > budget && used > 0) continue;
    // A place or name said twice (A3区 … A3区山) is kept once.
    if (t.text.length >= 2 && texts.some((x) => x.includes(t.text) || t.text.includes(x.length >= 2 ? x : '\u0000'))) continue;
    texts.push(t.text);
    keep.add(t.i);
    used += t.text.length;
    if (used >= budget) break;
  }
  const chosen = probs.filter((_, i) => keep.has(i));
  const core = [...chosen.filter((t) => t.lead > leadMin), ...chosen.filter((t) => !(t.lead > leadMin))].map((t) => t.text).join('');
  const extra = (ws: string[]): string => ws.filter((w) => !core.includes(w)).join('');
  return `${extra(tpl.before)}${core}${extra(tpl.after)}`;
}
