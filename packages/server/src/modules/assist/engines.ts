import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DuplicateIndex, ItemRecommender, MIN_INTENT_EXAMPLES, TextClassifier, TitleCompressor, UnitRecommender, warmUp, type CatalogueItem, type IntentExample, type ItemHistoryRecord, type ItemSuggestion, type ResponsibilityEntry, type TitlePair } from '@hotline/nlp';
import type { Deps } from '../../platform/context.js';
import { catalogueForAssist } from '../catalog/list.service.js';
import { ticketTextsForAssist } from '../tickets/query.service.js';
import { dispatchHistoryForAssist, intentExamplesForAssist, titlePairsForAssist, type DispatchHistoryRow } from '../tickets/assist-history.js';
import { intentOfKind } from './intent-kinds.js';
import { intentTrainable, MIN_TITLE_PAIRS, type HoldOut, type IntentOutcome, type ModelJob, type TitleOutcome, type WorkerMessage } from './model.worker.js';
import { UNIT_HISTORY_RULE } from './unit-history.js';

/**
 * The engines of smart intake, one set per installation: the item classifier (bootstrapped from
 * the published catalogue, retrained from history on demand), the unit recommender (职责清单 ×
 * jurisdiction) and, per tenant subtree, a near-duplicate index of open tickets. Built lazily,
 * kept in memory, refreshed after TTL_MS; models are built in a worker thread and swapped in.
 */
export const TTL_MS = 10 * 60_000;
/** New tickets are added to a duplicate index at most this often (a full rebuild drops archived ones every TTL). */
const DUP_REFRESH_MS = 15_000;
const DUP_LIMIT = 5000;
const DUP_FIRST_WAIT_MS = 250;
const HISTORY_LIMIT = 50_000;
/** Title pairs read for the title model (the newest closed tickets; ~6 s of training per 2,000). */
const TITLE_PAIRS_LIMIT = 5000;
/** Registered tickets read for the intent model (the newest; a linear model over 20,000 short texts trains in seconds). */
const INTENT_EXAMPLES_LIMIT = 20_000;
/** A hotline's dispatch-history aggregate is re-read at most this often (and after every retrain). */
export const UNIT_HISTORY_TTL_MS = 60_000;
/**
 * How often the model directory is checked for models another process wrote (npm run
 * assist:train, or another server instance sharing the data directory); they are loaded then.
 */
export const MODEL_DIR_CHECK_MS = 30_000;
const UNIT_HISTORY_ROWS = 20_000;

export interface ItemMeta {
  name: string;
  tenantId: string;
  tenantPath: string;
}

export interface UnitMeta {
  orgId: string | null;
  tenantId: string;
  tenantName: string;
  regionCode: string;
}

export interface ModelInfo {
  kind: 'bootstrap' | 'trained';
  trainedAt: string;
  /** Historical tickets the model learnt from (0 for the catalogue bootstrap). */
  examples: number;
  catalogueItems: number;
  holdOut: HoldOut | null;
  /** The catalogue changed since the model was trained: items added since are not suggested until a retrain. */
  stale: boolean;
  catalogueHash: string;
}

/** The trained intent model in use (none: the cue rules). */
export interface IntentModelInfo extends IntentOutcome {
  trainedAt: string;
}

/** The trained title model in use (none: the unsupervised titler). */
export interface TitleModelInfo extends TitleOutcome {
  trainedAt: string;
}

export interface TrainingJob {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  phase: string;
  /** 0–1 over all phases. */
  progress: number;
  epoch: number;
  epochs: number;
  startedAt: string;
  startedBy: string;
  finishedAt: string | null;
  error: string | null;
  /** What became of the title model in this job (null until its phase is reached). */
  titleModel: { trained: boolean; pairs: number; message: string } | null;
  /** What became of the intent model in this job (null until the job ends). */
  intentModel: { trained: boolean; examples: number; message: string } | null;
  /** Settles when the job ends; tests await it instead of polling. */
  done?: Promise<void>;
}

interface Catalogue {
  loadedAt: number;
  hash: string;
  items: CatalogueItem[];
  itemMeta: Map<string, ItemMeta>;
  units: UnitRecommender;
  unitMeta: Map<string, UnitMeta>;
}

interface DupState {
  index: DuplicateIndex;
  meta: Map<string, { no: string; title: string }>;
  builtAt: number;
  checkedAt: number;
  newest: Date | null;
  rebuilding?: Promise<void>;
}

export interface EngineSnapshot {
  items: ItemRecommender | undefined;
  itemMeta: Map<string, ItemMeta>;
  units: UnitRecommender;
  unitMeta: Map<string, UnitMeta>;
  model: ModelInfo | null;
  titler: TitleCompressor | undefined;
  titleModel: TitleModelInfo | null;
  intents: TextClassifier | undefined;
  intentModel: IntentModelInfo | null;
}

function hashCatalogue(items: readonly CatalogueItem[]): string {
  const h = createHash('sha256');
  for (const i of [...items].sort((a, b) => a.id.localeCompare(b.id))) h.update(JSON.stringify([i.id, i.name, i.path, i.keywords, i.synonyms]));
  return h.digest('hex').slice(0, 16);
}

/** The worker runs TypeScript through tsx's loader, as the server itself does. */
function startWorker(job: ModelJob): Worker {
  const require = createRequire(import.meta.url);
  // require.resolve picks the CommonJS build; the worker imports the ES module next to it.
  const tsx = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./model.worker.ts', import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: job });
}

function runModelJob(job: ModelJob, onProgress: (m: Extract<WorkerMessage, { type: 'progress' }>) => void, running: Set<Worker>): Promise<Extract<WorkerMessage, { type: 'done' }>> {
  return new Promise((resolve, reject) => {
    const w = startWorker(job);
    running.add(w);
    w.once('exit', () => running.delete(w));
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void w.terminate();
    };
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress(m);
      else if (m.type === 'done') finish(() => resolve(m));
      else finish(() => reject(new Error(m.message)));
    });
    w.on('error', (err) => finish(() => reject(err)));
    w.on('exit', (code) => finish(() => reject(new Error(`模型训练进程异常退出（${code}）`))));
  });
}

/** One model build: the bootstrap from the catalogue, or a retrain from history (with title and intent models when there is enough). */
interface BuildRequest {
  kind: ModelJob['kind'];
  history: ItemHistoryRecord[];
  onProgress: (m: Extract<WorkerMessage, { type: 'progress' }>) => void;
  epochs?: number;
  titlePairs?: TitlePair[];
  intentExamples?: IntentExample[];
}

/** What the engines need of the platform: the command-line trainer builds them without a web server. */
export type AssistDeps = Pick<Deps, 'config' | 'db' | 'clock'>;

const mtimeOf = (path: string): number | undefined => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/** A persisted model and its meta file; null when either is missing or unreadable. */
function loadModelFiles<R, I>(model: string, meta: string, load: (path: string) => R, info: (raw: I) => I): { rec: R; info: I } | null {
  if (!existsSync(model) || !existsSync(meta)) return null;
  try {
    return { rec: load(model), info: info(JSON.parse(readFileSync(meta, 'utf8')) as I) };
  } catch {
    return null;
  }
}

export class AssistEngines {
  private catalogue: Catalogue | undefined;
  private loading: Promise<Catalogue> | undefined;
  private itemModel: { rec: ItemRecommender; info: ModelInfo } | undefined;
  /** undefined: not looked for yet; null: none persisted (the unsupervised titler is used). */
  private titleModel: { rec: TitleCompressor; info: TitleModelInfo } | null | undefined;
  /** Same convention: null means the cue rules classify intent. */
  private intentModel: { rec: TextClassifier; info: IntentModelInfo } | null | undefined;
  private readonly unitHistories = new Map<string, { at: number; rows: DispatchHistoryRow[] }>();
  private readonly unitHistoryLoads = new Map<string, Promise<DispatchHistoryRow[]>>();
  private building: Promise<void> | undefined;
  private readonly dups = new Map<string, DupState>();
  private readonly firstDups = new Map<string, Promise<DupState>>();
  private warmed = false;
  private closed = false;
  /** Set by startup and ready(): only then does a missing item model get built (a test platform that never uses assist pays nothing). */
  private autoBuild = false;
  private readonly workers = new Set<Worker>();
  /** Options for model builds; tests lower the epochs so a build takes a second, not a minute. */
  buildOptions: { epochs?: number } = {};
  job: TrainingJob | undefined;
  /** Why the last background model build failed (shown on the model page). */
  buildError: string | null = null;

  /** items.meta.json's mtime when this process last loaded or wrote the models; when it differs, another process retrained. */
  private modelStamp: number | undefined;
  private modelDirCheckedAt = 0;

  constructor(private readonly deps: AssistDeps) {}

  private get modelDir(): string | null {
    return this.deps.config.dataDir ? join(this.deps.config.dataDir, 'models') : null;
  }

  private paths() {
    const dir = this.modelDir;
    return dir
      ? { model: join(dir, 'items.json'), meta: join(dir, 'items.meta.json'), title: join(dir, 'titles.json'), titleMeta: join(dir, 'titles.meta.json'), intent: join(dir, 'intents.json'), intentMeta: join(dir, 'intents.meta.json') }
      : null;
  }

  /** The current engines, loading the catalogue on first use and after TTL_MS. The item model may still be building. */
  async snapshot(): Promise<EngineSnapshot> {
    const cat = await this.currentCatalogue();
    this.loadPersistedOnce();
    this.reloadIfRetrainedElsewhere(cat);
    return {
      items: this.itemModel?.rec,
      itemMeta: cat.itemMeta,
      units: cat.units,
      unitMeta: cat.unitMeta,
      model: this.itemModel?.info ?? null,
      titler: this.titleModel?.rec,
      titleModel: this.titleModel?.info ?? null,
      intents: this.intentModel?.rec,
      intentModel: this.intentModel?.info ?? null,
    };
  }

  private loadPersistedOnce(): void {
    if (this.titleModel === undefined) this.titleModel = this.loadPersistedTitle();
    if (this.intentModel === undefined) this.intentModel = this.loadPersistedIntent();
  }

  /** Swaps in the models another process wrote to the data directory since this one last looked. */
  private reloadIfRetrainedElsewhere(cat: Catalogue): void {
    const now = this.deps.clock.now().getTime();
    const p = this.paths();
    if (!p || now - this.modelDirCheckedAt < MODEL_DIR_CHECK_MS || this.building || this.job?.status === 'running') return;
    this.modelDirCheckedAt = now;
    const stamp = mtimeOf(p.meta);
    if (stamp === undefined || stamp === this.modelStamp) return;
    this.itemModel = this.loadPersisted(cat) ?? this.itemModel;
    this.titleModel = this.loadPersistedTitle() ?? this.titleModel;
    this.intentModel = this.loadPersistedIntent() ?? this.intentModel;
    this.unitHistories.clear();
  }

  /** The persisted intent model, if any (a broken file counts as none: the cue rules serve). */
  private loadPersistedIntent(): { rec: TextClassifier; info: IntentModelInfo } | null {
    const p = this.paths();
    return p && loadModelFiles(p.intent, p.intentMeta, (f) => TextClassifier.load(f), (i: IntentModelInfo) => ({ trainedAt: i.trainedAt, examples: i.examples, labels: i.labels, holdOut: i.holdOut }));
  }

  /** The persisted title model, if any (a broken file counts as none: the unsupervised titler serves). */
  private loadPersistedTitle(): { rec: TitleCompressor; info: TitleModelInfo } | null {
    const p = this.paths();
    return p && loadModelFiles(p.title, p.titleMeta, (f) => TitleCompressor.load(f), (i: TitleModelInfo) => ({ trainedAt: i.trainedAt, pairs: i.pairs, holdOut: i.holdOut ?? null }));
  }

  /**
   * Dispatch history of one hotline tenant (see tickets' dispatchHistoryForAssist): one small
   * aggregate query per tenant at most every UNIT_HISTORY_TTL_MS, and again after every retrain
   * (invalidate). Only a tenant's first request waits for it; later a stale copy answers while the
   * next one loads in the background, so no agent waits on the aggregate. If the query fails, the
   * last copy (or none: the list ranking alone) serves.
   */
  async unitHistory(tenantId: string): Promise<DispatchHistoryRow[]> {
    const now = this.deps.clock.now();
    const st = this.unitHistories.get(tenantId);
    if (st && now.getTime() - st.at < UNIT_HISTORY_TTL_MS) return st.rows;
    let loading = this.unitHistoryLoads.get(tenantId);
    if (!loading) {
      loading = dispatchHistoryForAssist(this.deps.db, { tenantId, now, windowDays: UNIT_HISTORY_RULE.windowDays, recentDays: UNIT_HISTORY_RULE.recentDays, limit: UNIT_HISTORY_ROWS })
        .then((rows) => {
          this.unitHistories.set(tenantId, { at: now.getTime(), rows });
          return rows;
        })
        .catch(() => st?.rows ?? [])
        .finally(() => this.unitHistoryLoads.delete(tenantId));
      this.unitHistoryLoads.set(tenantId, loading);
    }
    return st ? st.rows : loading;
  }

  /** A catalogue model is being built right now (a failed or never-started build is not "building"). */
  get isBuilding(): boolean {
    return this.building !== undefined;
  }

  /** Settles when the catalogue is loaded and an item model is in place (or failed to build). */
  async ready(): Promise<void> {
    this.autoBuild = true;
    const cat = await this.currentCatalogue();
    this.ensureItemModel(cat);
    await this.building;
  }

  /** Drops the cached catalogue and duplicate indexes: the next request reloads them. */
  invalidate(): void {
    this.catalogue = undefined;
    this.dups.clear();
    this.unitHistories.clear();
  }

  /** Stops model builds (the platform is closing). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.terminate()));
    await this.job?.done;
    await this.building;
  }

  private async currentCatalogue(): Promise<Catalogue> {
    const cat = this.catalogue;
    if (cat && this.deps.clock.now().getTime() - cat.loadedAt < TTL_MS) return cat;
    // A stale catalogue keeps serving while the new one loads.
    this.loading ??= this.loadCatalogue().finally(() => (this.loading = undefined));
    return cat ?? this.loading;
  }

  private async loadCatalogue(): Promise<Catalogue> {
    const raw = await catalogueForAssist(this.deps.db);
    const items: CatalogueItem[] = raw.items.map((i) => ({ id: i.id, name: i.name, path: i.path, keywords: i.keywords, synonyms: i.synonyms, description: i.description }));
    const keywordsOf = new Map(raw.items.map((i) => [i.id, i.keywords]));
    const entries: ResponsibilityEntry[] = raw.responsibilities.map((r) => ({
      unitId: r.unitId,
      unitName: r.unitName,
      regionCode: r.regionCode,
      itemIds: r.itemIds,
      keywords: dutyWords(r.itemIds.map((id) => keywordsOf.get(id) ?? [])),
    }));
    const cat: Catalogue = {
      loadedAt: this.deps.clock.now().getTime(),
      hash: hashCatalogue(items),
      items,
      itemMeta: new Map(raw.items.map((i) => [i.id, { name: i.name, tenantId: i.tenantId, tenantPath: i.tenantPath }])),
      units: new UnitRecommender(entries),
      unitMeta: new Map(raw.responsibilities.map((r) => [r.unitId, { orgId: r.orgId, tenantId: r.tenantId, tenantName: r.tenantName, regionCode: r.regionCode }])),
    };
    this.catalogue = cat;
    this.ensureItemModel(cat);
    return cat;
  }

  /** Loads the persisted model or builds one from the catalogue in the background. */
  private ensureItemModel(cat: Catalogue): void {
    if (cat.items.length < 2) return;
    if (!this.itemModel) this.itemModel = this.loadPersisted(cat);
    const current = this.itemModel;
    if (current && current.info.catalogueHash === cat.hash) return;
    if (current?.info.kind === 'trained') {
      // A model trained on history is worth more than a fresh bootstrap; an administrator retrains.
      current.info.stale = true;
      return;
    }
    if (!this.autoBuild || this.closed || this.building || this.job?.status === 'running') return;
    this.building = this.build(cat, { kind: 'bootstrap', history: [], onProgress: () => undefined })
      .then(() => void (this.buildError = null))
      .catch((err: unknown) => void (this.buildError = err instanceof Error ? err.message : String(err)))
      .finally(() => (this.building = undefined));
  }

  private loadPersisted(cat: Catalogue): { rec: ItemRecommender; info: ModelInfo } | undefined {
    const p = this.paths();
    if (!p || !existsSync(p.model) || !existsSync(p.meta)) return undefined;
    try {
      const { itemIds, ...info } = JSON.parse(readFileSync(p.meta, 'utf8')) as ModelInfo & { itemIds?: string[] };
      // A model from another installation (a data directory kept across a database reset) knows
      // none of these item ids: it would never suggest anything, so a fresh bootstrap replaces it.
      const known = new Set(itemIds ?? []);
      if (cat.items.filter((i) => known.has(i.id)).length < cat.items.length / 2) return undefined;
      const rec = ItemRecommender.load(p.model, cat.items);
      this.modelStamp = mtimeOf(p.meta);
      return { rec, info: { ...info, stale: info.catalogueHash !== cat.hash } };
    } catch {
      return undefined;
    }
  }

  /** Builds the models in a worker, loads them, persists them under dataDir/models and swaps them in. */
  private async build(cat: Catalogue, b: BuildRequest): Promise<ModelInfo & { title: TitleOutcome | null; intent: IntentOutcome | null }> {
    const dir = this.modelDir ?? join(tmpdir(), 'hotline-assist');
    mkdirSync(dir, { recursive: true });
    const tag = randomUUID();
    const out = join(dir, `items.${tag}.tmp.json`);
    const titleOut = join(dir, `titles.${tag}.tmp.json`);
    const intentOut = join(dir, `intents.${tag}.tmp.json`);
    try {
      const job: ModelJob = {
        kind: b.kind,
        items: cat.items,
        history: b.history,
        out,
        ...this.buildOptions,
        ...(b.epochs ? { epochs: b.epochs } : {}),
        ...(b.titlePairs ? { titlePairs: b.titlePairs, titleOut } : {}),
        ...(b.intentExamples ? { intentExamples: b.intentExamples, intentOut } : {}),
      };
      const done = await runModelJob(job, b.onProgress, this.workers);
      if (this.closed) throw new Error('服务正在关闭');
      const rec = ItemRecommender.load(out, cat.items);
      const title = done.title ? TitleCompressor.load(titleOut) : undefined;
      const intents = done.intent ? TextClassifier.load(intentOut) : undefined;
      const info: ModelInfo = { kind: b.kind === 'train' ? 'trained' : 'bootstrap', trainedAt: this.deps.clock.now().toISOString(), examples: done.examples, catalogueItems: cat.items.length, holdOut: done.holdOut, stale: false, catalogueHash: cat.hash };
      const titleInfo: TitleModelInfo | undefined = done.title ? { trainedAt: info.trainedAt, ...done.title } : undefined;
      const intentInfo: IntentModelInfo | undefined = done.intent ? { trainedAt: info.trainedAt, ...done.intent } : undefined;
      const p = this.paths();
      if (p) {
        renameSync(out, p.model);
        if (titleInfo) {
          renameSync(titleOut, p.title);
          writeFileSync(p.titleMeta, JSON.stringify(titleInfo));
        }
        if (intentInfo) {
          renameSync(intentOut, p.intent);
          writeFileSync(p.intentMeta, JSON.stringify(intentInfo));
        }
        // Written last: other processes reload when it changes, and find the other files in place.
        writeFileSync(p.meta, JSON.stringify({ ...info, itemIds: cat.items.map((i) => i.id) }));
        this.modelStamp = mtimeOf(p.meta);
      }
      this.itemModel = { rec, info };
      if (title && titleInfo) this.titleModel = { rec: title, info: titleInfo };
      if (intents && intentInfo) this.intentModel = { rec: intents, info: intentInfo };
      return { ...info, title: done.title, intent: done.intent };
    } finally {
      for (const f of [out, titleOut, intentOut]) rmSync(f, { force: true });
    }
  }

  /** Starts retraining from history; one job per installation at a time. */
  startTraining(startedBy: string, epochs?: number): TrainingJob {
    const job: TrainingJob = {
      id: randomUUID(),
      status: 'running',
      phase: 'loading',
      progress: 0,
      epoch: 0,
      epochs: 0,
      startedAt: this.deps.clock.now().toISOString(),
      startedBy,
      finishedAt: null,
      error: null,
      titleModel: null,
      intentModel: null,
    };
    this.job = job;
    job.done = (async () => {
      await this.building;
      this.invalidate();
      const cat = await this.currentCatalogue();
      const rows = await ticketTextsForAssist(this.deps.db, { labelled: true, limit: HISTORY_LIMIT });
      const history: ItemHistoryRecord[] = rows.filter((r) => r.itemId && cat.itemMeta.has(r.itemId)).map((r) => ({ text: r.content, title: r.title, itemId: r.itemId! }));
      // Title model: (content, final title) of closed tickets; below the library's minimum the
      // current titler (trained earlier, or the unsupervised one) stays and the job says so.
      const pairs = await titlePairsForAssist(this.deps.db, { limit: TITLE_PAIRS_LIMIT });
      // Intent model: the demand type agents chose for registered tickets; too few, the cue rules stay.
      const intentExamples = (await intentExamplesForAssist(this.deps.db, { limit: INTENT_EXAMPLES_LIMIT })).flatMap((r): IntentExample[] => {
        const label = intentOfKind(r.kind);
        return label ? [{ text: r.text, label }] : [];
      });
      this.loadPersistedOnce();
      const titling = pairs.length >= MIN_TITLE_PAIRS;
      job.phase = history.length >= 20 ? 'holdout' : 'final';
      const built = await this.build(cat, {
        kind: 'train',
        history,
        onProgress: (m) => {
          job.phase = m.phase;
          job.epoch = m.epoch;
          job.epochs = m.epochs;
          job.progress = Math.max(job.progress, m.progress);
        },
        epochs,
        titlePairs: titling ? pairs : undefined,
        intentExamples: intentTrainable(intentExamples) ? intentExamples : undefined,
      });
      job.titleModel =
        built.title
          ? {
              trained: true,
              pairs: built.title.pairs,
              message: `标题模型已用 ${built.title.pairs} 条办结工单的标题训练${built.title.holdOut ? `，留出验证标题相似度（ROUGE-L）${built.title.holdOut.rougeL.toFixed(3)}` : ''}`,
            }
          : {
              trained: false,
              pairs: pairs.length,
              message: `办结工单不足 ${MIN_TITLE_PAIRS} 条（现有 ${pairs.length} 条），未训练标题模型，${this.titleModel ? '继续使用上次训练的标题模型' : '继续使用无监督标题生成'}`,
            };
      job.intentModel = built.intent
        ? { trained: true, examples: built.intent.examples, message: `诉求类型模型已用 ${built.intent.examples} 条工单的诉求类型训练${built.intent.holdOut ? `，留出验证准确率 ${(built.intent.holdOut.accuracy * 100).toFixed(1)}%` : ''}` }
        : {
            trained: false,
            examples: intentExamples.length,
            message: `已登记并标注诉求类型的工单不足 ${MIN_INTENT_EXAMPLES} 条或只有一种类型（现有 ${intentExamples.length} 条），未训练诉求类型模型，${this.intentModel ? '继续使用上次训练的模型' : '继续使用规则识别'}`,
          };
      job.status = 'succeeded';
      job.progress = 1;
    })()
      .catch((err: unknown) => {
        job.status = 'failed';
        job.error = err instanceof Error ? err.message : '训练失败';
      })
      .finally(() => {
        job.finishedAt = this.deps.clock.now().toISOString();
      });
    return job;
  }

  /** Near-duplicate index of the open tickets of a tenant subtree; new tickets are added incrementally. */
  async duplicates(tenantPath: string): Promise<DupState | null> {
    const now = this.deps.clock.now().getTime();
    const st = this.dups.get(tenantPath);
    if (!st) {
      // Fingerprinting thousands of open tickets takes seconds: the first request of a tenant waits
      // briefly, then answers without similar tickets while the index finishes in the background.
      let first = this.firstDups.get(tenantPath);
      if (!first) {
        first = this.buildDup(tenantPath).then((built) => {
          this.dups.set(tenantPath, built);
          return built;
        });
        this.firstDups.set(tenantPath, first);
        void first.catch(() => undefined).finally(() => this.firstDups.delete(tenantPath));
      }
      return Promise.race([first, new Promise<null>((r) => setTimeout(() => r(null), DUP_FIRST_WAIT_MS).unref())]);
    }
    if (now - st.builtAt >= TTL_MS) {
      const old = st;
      old.rebuilding ??= this.buildDup(tenantPath)
        .then((fresh) => void this.dups.set(tenantPath, fresh))
        .catch(() => undefined)
        .finally(() => (old.rebuilding = undefined));
    } else if (now - st.checkedAt >= DUP_REFRESH_MS) {
      st.checkedAt = now;
      const rows = await ticketTextsForAssist(this.deps.db, { tenantPath, since: st.newest ?? undefined, limit: DUP_LIMIT });
      addTickets(st, rows);
    }
    return st;
  }

  private async buildDup(tenantPath: string): Promise<DupState> {
    const now = this.deps.clock.now().getTime();
    const st: DupState = { index: new DuplicateIndex(), meta: new Map(), builtAt: now, checkedAt: now, newest: null };
    addTickets(st, await ticketTextsForAssist(this.deps.db, { tenantPath, limit: DUP_LIMIT }));
    return st;
  }

  /** Loads dictionaries and automata once, in the background, so the first agent does not wait. */
  warmUpInBackground(onError: (err: unknown) => void): void {
    if (this.warmed) return;
    this.warmed = true;
    this.autoBuild = true;
    setTimeout(() => {
      if (this.closed) return;
      this.snapshot()
        .then((s) => {
          if (!this.closed) warmUp({ items: s.items, units: s.units });
        })
        .catch(onError);
    }, 0).unref();
  }
}

function addTickets(st: DupState, rows: { id: string; no: string; title: string; content: string; createdAt: Date }[]): void {
  for (const r of rows) {
    st.index.add(r.id, `${r.title}。${r.content}`);
    st.meta.set(r.id, { no: r.no, title: r.title });
    const at = new Date(r.createdAt);
    if (!st.newest || at > st.newest) st.newest = at;
  }
}

/**
 * Duty words of a unit: the catalogue keywords of the items its 职责清单 names, capped. They let a
 * unit be found when the item model is unsure (a catalogue-only model spreads its probability over
 * hundreds of items), and the recommender shows them as the reason.
 */
function dutyWords(lists: readonly (readonly string[])[]): string[] {
  const out = new Set<string>();
  for (const l of lists) for (const w of l) if (w.length >= 2) out.add(w);
  return [...out].slice(0, 200);
}

const registries = new WeakMap<AssistDeps, AssistEngines>();

/** The installation's engines (one per composition root, so each test platform has its own). */
export function assistEngines(deps: AssistDeps): AssistEngines {
  let r = registries.get(deps);
  if (!r) {
    r = new AssistEngines(deps);
    registries.set(deps, r);
  }
  return r;
}

/** Items of the caller's tenant chain only: a lower tenant's local items are not suggested to its neighbours. */
export function visibleItems(items: readonly ItemSuggestion[], meta: ReadonlyMap<string, ItemMeta>, tenantPath: string): ItemSuggestion[] {
  return items.filter((s) => {
    const m = meta.get(s.itemId);
    return !!m && (tenantPath.startsWith(m.tenantPath) || m.tenantPath.startsWith(tenantPath));
  });
}
