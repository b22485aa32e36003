import { writeFileSync } from 'node:fs';
import { NlpError, readModelJson } from '../errors.js';
import { TfidfVectorizer, type SparseVector, type TfidfJson } from '../index/tfidf.js';
import { fitTemperature, softmax } from './calibration.js';
import { DEFAULT_FEATURES, featureTokens, type FeatureConfig } from './features.js';
import { seededRandom, shuffled } from './random.js';
import { logits, trainSoftmax, type SoftmaxParams } from './softmax-regression.js';

export interface LabelledText {
  text: string;
  label: string;
  /** Relative importance, e.g. < 1 for synthetic catalogue examples next to real history. */
  weight?: number;
}

export interface TrainProgress {
  phase: 'calibration' | 'final';
  epoch: number;
  epochs: number;
  loss: number;
}

export interface ClassifierTrainOptions {
  features?: FeatureConfig;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  minDf?: number;
  /** Fit a softmax temperature on a 20 % stratified hold-out, then retrain on everything. */
  calibrate?: boolean;
  /** Reweight classes inversely to their frequency. */
  balanced?: boolean;
  seed?: number;
  onProgress?: (p: TrainProgress) => void;
}

export interface Prediction {
  label: string;
  probability: number;
}

export const CLASSIFIER_FORMAT = 'hotline-nlp/text-classifier';

export interface ClassifierJson {
  format: typeof CLASSIFIER_FORMAT;
  version: 1;
  labels: string[];
  features: FeatureConfig;
  vectorizer: TfidfJson;
  /** [class][feature], rounded; zeros are kept so the layout stays positional. */
  weights: number[][];
  bias: number[];
  temperature: number;
}

interface Prepared {
  xs: SparseVector[];
  ys: number[];
  ws: number[];
}

/** TF-IDF (words + char n-grams) → multinomial logistic regression → temperature-calibrated probabilities. */
export class TextClassifier {
  private constructor(
    readonly labels: string[],
    private readonly features: FeatureConfig,
    private readonly vectorizer: TfidfVectorizer,
    private readonly params: SoftmaxParams,
    readonly temperature: number,
  ) {}

  static train(examples: readonly LabelledText[], opts: ClassifierTrainOptions = {}): TextClassifier {
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    if (labels.length < 2) throw new NlpError('TRAINING_DATA', '训练数据至少需要两个不同的类别');
    const features = opts.features ?? DEFAULT_FEATURES;
    const tokens = examples.map((e) => featureTokens(e.text, features));
    const temperature = opts.calibrate === false || examples.length < 20 ? 1 : calibrateOnHoldout(examples, tokens, labels, opts);
    const { v, params } = fitAll(examples, tokens, labels, opts);
    return new TextClassifier(labels, features, v, params, temperature);
  }

  static fromJSON(json: unknown): TextClassifier {
    const j = validateJson(json);
    const v = TfidfVectorizer.fromJSON(j.vectorizer);
    const dim = v.dimension;
    const weights = new Float64Array(j.labels.length * dim);
    j.weights.forEach((row, c) => row.forEach((w, f) => (weights[c * dim + f] = w)));
    const params: SoftmaxParams = { classes: j.labels.length, dim, weights, bias: Float64Array.from(j.bias) };
    return new TextClassifier([...j.labels], j.features, v, params, j.temperature);
  }

  static load(path: string): TextClassifier {
    const parsed = readModelJson(path, '模型文件');
    return TextClassifier.fromJSON(parsed);
  }

  save(path: string): void {
    writeFileSync(path, JSON.stringify(this.toJSON()));
  }

  toJSON(): ClassifierJson {
    const { dim, classes } = this.params;
    const weights: number[][] = [];
    for (let c = 0; c < classes; c++) {
      weights.push(Array.from(this.params.weights.subarray(c * dim, (c + 1) * dim), (w) => Math.round(w * 1e5) / 1e5));
    }
    return {
      format: CLASSIFIER_FORMAT,
      version: 1,
      labels: this.labels,
      features: this.features,
      vectorizer: this.vectorizer.toJSON(),
      weights,
      bias: Array.from(this.params.bias, (b) => Math.round(b * 1e5) / 1e5),
      temperature: this.temperature,
    };
  }

  /** Raw (uncalibrated) scores per label, in `labels` order. */
  logits(text: string): number[] {
    return logits(this.params, this.vectorizer.transform(featureTokens(text, this.features)));
  }

  probabilities(text: string): number[] {
    return softmax(this.logits(text), this.temperature);
  }

  predict(text: string, k = 3): Prediction[] {
    return this.probabilities(text)
      .map((probability, i) => ({ label: this.labels[i] ?? '', probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, k);
  }
}

function prepare(examples: readonly LabelledText[], tokens: string[][], labels: string[], v: TfidfVectorizer, balanced: boolean): Prepared {
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  const perClass = examples.length / labels.length;
  return {
    xs: tokens.map((t) => v.transform(t)),
    ys: examples.map((e) => labels.indexOf(e.label)),
    ws: examples.map((e) => (e.weight ?? 1) * (balanced ? perClass / (counts.get(e.label) ?? 1) : 1)),
  };
}

function train(p: Prepared, labels: string[], dim: number, opts: ClassifierTrainOptions, phase: TrainProgress['phase']): SoftmaxParams {
  const epochs = opts.epochs ?? 30;
  return trainSoftmax(p.xs, p.ys, p.ws, labels.length, dim, {
    epochs,
    learningRate: opts.learningRate ?? 0.5,
    l2: opts.l2 ?? 1e-4,
    seed: opts.seed ?? 7,
    onEpoch: (epoch, loss) => opts.onProgress?.({ phase, epoch, epochs, loss }),
  });
}

function fitAll(examples: readonly LabelledText[], tokens: string[][], labels: string[], opts: ClassifierTrainOptions): { v: TfidfVectorizer; params: SoftmaxParams } {
  const v = TfidfVectorizer.fit(tokens, opts.minDf ?? 1);
  return { v, params: train(prepare(examples, tokens, labels, v, opts.balanced ?? false), labels, v.dimension, opts, 'final') };
}

/** Stratified 80/20 split: train on 80 %, fit the temperature on the other 20 %'s logits. */
function calibrateOnHoldout(examples: readonly LabelledText[], tokens: string[][], labels: string[], opts: ClassifierTrainOptions): number {
  const rand = seededRandom((opts.seed ?? 7) + 1);
  const hold = new Set<number>();
  for (const label of labels) {
    const idx = shuffled(examples.flatMap((e, i) => (e.label === label ? [i] : [])), rand);
    idx.slice(0, Math.floor(idx.length * 0.2)).forEach((i) => hold.add(i));
  }
  const trainIdx = examples.map((_, i) => i).filter((i) => !hold.has(i));
  if (hold.size === 0) return 1;
  const v = TfidfVectorizer.fit(trainIdx.map((i) => tokens[i] ?? []), opts.minDf ?? 1);
  const sub = trainIdx.map((i) => examples[i] as LabelledText);
  const params = train(prepare(sub, trainIdx.map((i) => tokens[i] ?? []), labels, v, opts.balanced ?? false), labels, v.dimension, opts, 'calibration');
  const held = [...hold];
  return fitTemperature(
    held.map((i) => logits(params, v.transform(tokens[i] ?? []))),
    held.map((i) => labels.indexOf(examples[i]?.label ?? '')),
  );
}

function isNumberArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((n) => typeof n === 'number' && Number.isFinite(n));
}

function validateJson(json: unknown): ClassifierJson {
  const j = json as Partial<ClassifierJson> | null;
  const ok =
    j !== null && typeof j === 'object' && j.format === CLASSIFIER_FORMAT && j.version === 1 &&
    Array.isArray(j.labels) && j.labels.every((l) => typeof l === 'string') &&
    Array.isArray(j.weights) && j.weights.length === j.labels.length && j.weights.every(isNumberArray) &&
    isNumberArray(j.bias) && j.bias.length === j.labels.length && typeof j.temperature === 'number' &&
    j.vectorizer !== undefined && Array.isArray(j.vectorizer.terms) && isNumberArray(j.vectorizer.idf) &&
    j.weights.every((row) => row.length === j.vectorizer?.idf.length) && j.features !== undefined;
  if (!ok) throw new NlpError('MODEL_FORMAT', '模型文件格式不正确或版本不受支持');
  return j as ClassifierJson;
}
