import { writeFileSync } from 'node:fs';
import { NlpError, readModelJson } from '../errors.js';
import { AhoCorasick } from '../match/aho-corasick.js';
import { TextClassifier, type ClassifierJson, type ClassifierTrainOptions, type LabelledText } from '../ml/text-classifier.js';
import { normalise } from '../text/normalise.js';
import { addWords } from '../text/tokenizer.js';

/** One 诉求事项 of the catalogue, as the catalogue module exports it. */
export interface CatalogueItem {
  id: string;
  name: string;
  /** Category path from the root, e.g. ['城乡建设', '物业管理']. */
  path?: string[];
  keywords?: string[];
  synonyms?: string[];
  description?: string;
}

/** A historical ticket with the item it was finally filed under. */
export interface ItemHistoryRecord {
  text: string;
  /** The ticket title, when there is one: it is weighted above the content. */
  title?: string;
  itemId: string;
  /** Relative weight (e.g. < 1 for old tickets or machine-labelled ones); default 1. */
  weight?: number;
}

export interface ItemSuggestion {
  itemId: string;
  name: string;
  probability: number;
  /** Catalogue words found in the text (shown to the agent as the reason). */
  matchedTerms: string[];
}

export interface ItemTrainOptions extends ClassifierTrainOptions {
  /** Weight of the synthetic catalogue examples next to real tickets (default 0.3). */
  catalogueWeight?: number;
  /** Log-odds added per matched catalogue term (default 0.5 with ≥ 50 tickets of history, else 1.5). */
  keywordWeight?: number;
}

interface ItemModelJson {
  format: 'hotline-nlp/item-model';
  version: 1;
  keywordWeight: number;
  classifier: ClassifierJson;
}

export interface TicketTextOptions {
  /** How many times the title counts (default 3). */
  titleWeight?: number;
  /** Content characters used (default 300): the demand is stated up front, the rest is narrative. */
  contentChars?: number;
}

/**
 * The text the item model sees for a ticket: the title repeated (agents and citizens put the
 * topic there) followed by the start of the content. Evaluated on real messages: the title
 * weighting and the cut each add 1–3 points of accuracy.
 */
export function ticketText(content: string, title?: string, opts: TicketTextOptions = {}): string {
  const t = title?.trim() ? `${title.trim()}。`.repeat(opts.titleWeight ?? 3) : '';
  return t + content.slice(0, opts.contentChars ?? 300);
}

/** Synthetic examples from the catalogue itself: names, paths, keywords and synonyms. */
export function catalogueExamples(items: readonly CatalogueItem[], weight = 1): LabelledText[] {
  const perItem = items.map((it) => {
    const terms = [...(it.keywords ?? []), ...(it.synonyms ?? [])];
    const docs = [it.name, [...(it.path ?? []), it.name].join(' '), terms.join(' '), ...terms, it.description ?? ''];
    return { it, docs: docs.filter((d) => d.trim().length > 0) };
  });
  const mean = perItem.reduce((a, p) => a + p.docs.length, 0) / Math.max(1, perItem.length);
  // Every item gets the same total weight: an item with 60 keywords must not become the model's
  // default answer just because it produced more synthetic examples.
  return perItem.flatMap(({ it, docs }) => docs.map((text) => ({ text, label: it.id, weight: (weight * mean) / docs.length })));
}

/**
 * Item-type top-k: a TF-IDF + logistic regression model (bootstrapped from the catalogue, later
 * retrained on history) combined with exact catalogue-term matches found by Aho–Corasick.
 */
export class ItemRecommender {
  private readonly byId: Map<string, CatalogueItem>;
  private readonly terms = new AhoCorasick<string>();

  private constructor(
    items: readonly CatalogueItem[],
    private readonly classifier: TextClassifier,
    /** How much a term match moves the log-probability; high when the model only saw the catalogue. */
    private readonly keywordWeight: number,
  ) {
    this.byId = new Map(items.map((i) => [i.id, i]));
    for (const it of items) {
      for (const t of [it.name, ...(it.keywords ?? []), ...(it.synonyms ?? [])]) {
        const n = normalise(t);
        if (n.length >= 2) this.terms.add(n, it.id);
      }
    }
    addWords(items.flatMap((i) => [i.name, ...(i.keywords ?? []), ...(i.synonyms ?? [])]));
  }

  /** Day-one model from the catalogue alone. */
  static bootstrap(items: readonly CatalogueItem[], opts: ClassifierTrainOptions = {}): ItemRecommender {
    checkItems(items);
    addWords(items.flatMap((i) => [i.name, ...(i.keywords ?? []), ...(i.synonyms ?? [])]));
    const model = TextClassifier.train(catalogueExamples(items), { calibrate: false, epochs: 40, ...opts });
    return new ItemRecommender(items, model, 1.5);
  }

  /** Retrains on the deployment's own tickets; items with no history still learn from the catalogue. */
  static train(items: readonly CatalogueItem[], history: readonly ItemHistoryRecord[], opts: ItemTrainOptions = {}): ItemRecommender {
    checkItems(items);
    addWords(items.flatMap((i) => [i.name, ...(i.keywords ?? []), ...(i.synonyms ?? [])]));
    const known = new Set(items.map((i) => i.id));
    const real = history.filter((h) => known.has(h.itemId) && h.text.trim().length > 0).map((h) => ({ text: ticketText(h.text, h.title), label: h.itemId, weight: h.weight }));
    const examples = [...real, ...catalogueExamples(items, opts.catalogueWeight ?? 0.3)];
    const model = TextClassifier.train(examples, { calibrate: real.length >= 50, ...opts });
    return new ItemRecommender(items, model, opts.keywordWeight ?? (real.length >= 50 ? 0.5 : 1.5));
  }

  static fromJSON(json: unknown, items: readonly CatalogueItem[]): ItemRecommender {
    const j = json as Partial<ItemModelJson> | null;
    if (!j || j.format !== 'hotline-nlp/item-model' || typeof j.keywordWeight !== 'number') {
      throw new NlpError('MODEL_FORMAT', '事项模型文件格式不正确');
    }
    return new ItemRecommender(items, TextClassifier.fromJSON(j.classifier), j.keywordWeight);
  }

  static load(path: string, items: readonly CatalogueItem[]): ItemRecommender {
    const parsed = readModelJson(path, '事项模型');
    return ItemRecommender.fromJSON(parsed, items);
  }

  toJSON(): ItemModelJson {
    return { format: 'hotline-nlp/item-model', version: 1, keywordWeight: this.keywordWeight, classifier: this.classifier.toJSON() };
  }

  save(path: string): void {
    writeFileSync(path, JSON.stringify(this.toJSON()));
  }

  /** Top-k for a ticket with an optional title (see ticketText). */
  suggestTicket(content: string, title?: string, k = 3): ItemSuggestion[] {
    return this.suggest(ticketText(content, title), k);
  }

  suggest(text: string, k = 3): ItemSuggestion[] {
    const matched = new Map<string, Set<string>>();
    for (const m of this.terms.search(normalise(text))) {
      const set = matched.get(m.value) ?? new Set<string>();
      set.add(m.text);
      matched.set(m.value, set);
    }
    const probs = this.classifier.probabilities(text);
    // Log-linear blend: each distinct matched term multiplies the odds by e^keywordWeight.
    const logits = this.classifier.labels.map((id, i) => Math.log(Math.max(probs[i] ?? 0, 1e-9)) + this.keywordWeight * Math.min(3, matched.get(id)?.size ?? 0));
    const max = Math.max(...logits);
    const exps = logits.map((z) => Math.exp(z - max));
    const sum = exps.reduce((a, b) => a + b, 0) || 1;
    return this.classifier.labels
      .map((id, i) => ({ itemId: id, name: this.byId.get(id)?.name ?? id, probability: (exps[i] ?? 0) / sum, matchedTerms: [...(matched.get(id) ?? [])] }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, k);
  }
}

function checkItems(items: readonly CatalogueItem[]): void {
  if (new Set(items.map((i) => i.id)).size < 2) throw new NlpError('TRAINING_DATA', '事项目录至少需要两个事项');
}
