/**
 * The ASR port: a call leg's decoded PCM goes in, partial and final
 * transcripts come out. The default does nothing (the platform works fully on
 * DTMF and text). The sherpa-onnx adapter is optional: the package is loaded
 * lazily and is NOT a dependency, and no model ships with the product; when
 * either is missing the adapter says so instead of pretending.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';

export interface Transcript {
  readonly sessionId: string;
  readonly text: string;
  readonly final: boolean;
  /** Offset of the utterance from the stream start, seconds, when the engine knows. */
  readonly startSeconds?: number;
}

export interface AsrStream {
  readonly sessionId: string;
  /** 8 kHz mono 16-bit frames, in order. */
  push(pcm: Int16Array): void;
  /** No more audio; results finishes after the last final transcript. */
  end(): void;
  readonly results: AsyncIterable<Transcript>;
}

export interface AsrAvailability {
  readonly available: boolean;
  readonly reason?: string;
}

export interface AsrPort {
  readonly name: string;
  availability(): Promise<AsrAvailability>;
  start(sessionId: string): Promise<AsrStream>;
}

export class AsrUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AsrUnavailableError';
  }
}

/** Async-iterable queue that the stream implementations below push into. */
export class TranscriptQueue implements AsyncIterable<Transcript> {
  private readonly items: Transcript[] = [];
  private waiters: ((r: IteratorResult<Transcript>) => void)[] = [];
  private ended = false;

  put(t: Transcript): void {
    if (this.ended) return;
    const w = this.waiters.shift();
    if (w) w({ value: t, done: false });
    else this.items.push(t);
  }

  close(): void {
    this.ended = true;
    for (const w of this.waiters.splice(0)) w({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<Transcript> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item) return Promise.resolve({ value: item, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.waiters.push(resolve));
      },
    };
  }
}

/** Default: accepts audio, never transcribes. */
export class NoopAsr implements AsrPort {
  readonly name = 'none';

  availability(): Promise<AsrAvailability> {
    return Promise.resolve({ available: false, reason: 'no ASR engine configured' });
  }

  start(sessionId: string): Promise<AsrStream> {
    const results = new TranscriptQueue();
    return Promise.resolve({ sessionId, push: () => undefined, end: () => results.close(), results });
  }
}

/** The subset of sherpa-onnx-node's streaming API the adapter uses. */
interface SherpaOnlineStream {
  acceptWaveform(w: { samples: Float32Array; sampleRate: number }): void;
  inputFinished(): void;
}
interface SherpaOnlineRecognizer {
  createStream(): SherpaOnlineStream;
  isReady(s: SherpaOnlineStream): boolean;
  decode(s: SherpaOnlineStream): void;
  isEndpoint(s: SherpaOnlineStream): boolean;
  reset(s: SherpaOnlineStream): void;
  getResult(s: SherpaOnlineStream): { text: string; start_time?: number };
}
interface SherpaModule {
  OnlineRecognizer: new (config: object) => SherpaOnlineRecognizer;
}

export interface SherpaOnnxAsrOptions {
  /** Off by default: the product ships no model. */
  readonly enabled?: boolean;
  /**
   * Directory of a streaming transducer model (encoder.onnx, decoder.onnx,
   * joiner.onnx, tokens.txt), e.g. a sherpa-onnx streaming zipformer for Chinese.
   */
  readonly modelDir?: string;
  readonly numThreads?: number;
  /** Package to import; only changed by tests. */
  readonly packageName?: string;
}

const MODEL_FILES = ['encoder.onnx', 'decoder.onnx', 'joiner.onnx', 'tokens.txt'] as const;

export class SherpaOnnxAsr implements AsrPort {
  readonly name = 'sherpa-onnx';
  private readonly opts: SherpaOnnxAsrOptions;
  private recognizer: Promise<SherpaOnlineRecognizer> | undefined;

  constructor(opts: SherpaOnnxAsrOptions = {}) {
    this.opts = opts;
  }

  async availability(): Promise<AsrAvailability> {
    try {
      await this.loadRecognizer();
      return { available: true };
    } catch (err) {
      return { available: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }

  async start(sessionId: string): Promise<AsrStream> {
    const recognizer = await this.loadRecognizer();
    return new SherpaStream(sessionId, recognizer);
  }

  private loadRecognizer(): Promise<SherpaOnlineRecognizer> {
    // A failed load is not cached: an operator may install the package or model and retry.
    const attempt = this.recognizer ?? this.createRecognizer();
    this.recognizer = attempt;
    attempt.catch(() => {
      if (this.recognizer === attempt) this.recognizer = undefined;
    });
    return attempt;
  }

  private async createRecognizer(): Promise<SherpaOnlineRecognizer> {
    if (!this.opts.enabled) throw new AsrUnavailableError('sherpa-onnx ASR is disabled in config (no model ships with the product)');
    const dir = this.opts.modelDir;
    if (!dir) throw new AsrUnavailableError('sherpa-onnx ASR: no model directory configured (no model ships with the product)');
    for (const f of MODEL_FILES) {
      await access(join(dir, f)).catch(() => {
        throw new AsrUnavailableError(`sherpa-onnx ASR: model file ${join(dir, f)} is missing`);
      });
    }
    const mod = await importOptional(this.opts.packageName ?? 'sherpa-onnx-node');
    return new mod.OnlineRecognizer({
      featConfig: { sampleRate: 16000, featureDim: 80 },
      modelConfig: {
        transducer: { encoder: join(dir, 'encoder.onnx'), decoder: join(dir, 'decoder.onnx'), joiner: join(dir, 'joiner.onnx') },
        tokens: join(dir, 'tokens.txt'),
        numThreads: this.opts.numThreads ?? 1,
      },
      decodingMethod: 'greedy_search',
      enableEndpoint: true,
    });
  }
}

async function importOptional(name: string): Promise<SherpaModule> {
  let mod: unknown;
  try {
    // A variable specifier keeps bundlers and tsc from requiring the package to exist.
    mod = await import(name);
  } catch {
    throw new AsrUnavailableError(`sherpa-onnx ASR unavailable: package "${name}" is not installed`);
  }
  const candidate = (mod as { default?: unknown }).default ?? mod;
  if (typeof (candidate as Partial<SherpaModule>).OnlineRecognizer !== 'function') {
    throw new AsrUnavailableError(`sherpa-onnx ASR unavailable: "${name}" has no OnlineRecognizer`);
  }
  return candidate as SherpaModule;
}

class SherpaStream implements AsrStream {
  readonly sessionId: string;
  readonly results = new TranscriptQueue();
  private readonly recognizer: SherpaOnlineRecognizer;
  private readonly stream: SherpaOnlineStream;
  private lastPartial = '';

  constructor(sessionId: string, recognizer: SherpaOnlineRecognizer) {
    this.sessionId = sessionId;
    this.recognizer = recognizer;
    this.stream = recognizer.createStream();
  }

  push(pcm: Int16Array): void {
    const samples = Float32Array.from(pcm, (v) => v / 32768);
    this.stream.acceptWaveform({ samples, sampleRate: 8000 });
    this.drain();
  }

  end(): void {
    this.stream.inputFinished();
    this.drain();
    this.emitFinal();
    this.results.close();
  }

  private drain(): void {
    while (this.recognizer.isReady(this.stream)) this.recognizer.decode(this.stream);
    const text = this.recognizer.getResult(this.stream).text.trim();
    if (text && text !== this.lastPartial) {
      this.lastPartial = text;
      this.results.put({ sessionId: this.sessionId, text, final: false });
    }
    if (this.recognizer.isEndpoint(this.stream)) {
      this.emitFinal();
      this.recognizer.reset(this.stream);
    }
  }

  private emitFinal(): void {
    const result = this.recognizer.getResult(this.stream);
    const text = result.text.trim();
    if (text) {
      const t: Transcript = { sessionId: this.sessionId, text, final: true };
      this.results.put(result.start_time !== undefined ? { ...t, startSeconds: result.start_time } : t);
    }
    this.lastPartial = '';
  }
}

/** Anything that emits decoded audio frames, e.g. an RtpSession ('audio'). */
export interface AudioFrameSource {
  on(event: 'audio', listener: (frame: { pcm: Int16Array }) => void): unknown;
  off(event: 'audio', listener: (frame: { pcm: Int16Array }) => void): unknown;
}

/**
 * Audio tap: feeds a leg's decoded frames to an ASR stream. Returns the stream
 * and a detach function that unsubscribes and ends the stream.
 */
export async function tapToAsr(source: AudioFrameSource, asr: AsrPort, sessionId: string): Promise<{ stream: AsrStream; detach: () => void }> {
  const stream = await asr.start(sessionId);
  const listener = (frame: { pcm: Int16Array }): void => stream.push(frame.pcm);
  source.on('audio', listener);
  let detached = false;
  const detach = (): void => {
    if (detached) return;
    detached = true;
    source.off('audio', listener);
    stream.end();
  };
  return { stream, detach };
}
