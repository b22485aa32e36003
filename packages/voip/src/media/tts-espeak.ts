/**
 * Text-to-speech with espeak-ng (the embedded default of the TTS port):
 * synthesise to WAV on stdout, resample to 8 kHz mono 16-bit, and cache the
 * result on disk keyed by a hash of everything that changes the audio.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { resample } from './resample.js';
import { encodeWav, parseWav } from './wav.js';

export interface TtsRequest {
  readonly text: string;
  readonly voice?: string;
  /** Words per minute (espeak-ng -s); lower for the elderly slow mode. */
  readonly rate?: number;
}

export interface TtsResult {
  /** 8 kHz mono 16-bit PCM. */
  readonly pcm: Int16Array;
  readonly sampleRate: 8000;
  readonly cached: boolean;
  readonly path: string;
}

/** The TTS port; production adapters (sherpa-onnx, cloud) implement the same shape. */
export interface TtsPort {
  readonly name: string;
  available(): Promise<boolean>;
  synthesize(req: TtsRequest): Promise<TtsResult>;
}

export class TtsUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TtsUnavailableError';
  }
}

export interface EspeakTtsOptions {
  readonly cacheDir: string;
  readonly binary?: string;
  readonly voice?: string;
  readonly rate?: number;
  readonly timeoutMs?: number;
  /** Longer texts are refused: a prompt is a sentence or two, not a document. */
  readonly maxChars?: number;
}

/** Bump when the processing below changes, so old cache entries are not reused. */
const CACHE_FORMAT = 'espeak-8k-v1';

export class EspeakTts implements TtsPort {
  readonly name = 'espeak-ng';
  private readonly opts: Required<EspeakTtsOptions>;
  private readonly inFlight = new Map<string, Promise<TtsResult>>();

  constructor(opts: EspeakTtsOptions) {
    this.opts = { binary: '/usr/bin/espeak-ng', voice: 'cmn', rate: 160, timeoutMs: 30_000, maxChars: 2000, ...opts };
  }

  async available(): Promise<boolean> {
    try {
      await access(this.opts.binary, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  cacheKey(req: TtsRequest): string {
    const voice = req.voice ?? this.opts.voice;
    const rate = req.rate ?? this.opts.rate;
    return createHash('sha256').update(JSON.stringify([CACHE_FORMAT, req.text, voice, rate])).digest('hex');
  }

  /** Same request twice at once runs espeak-ng once. */
  synthesize(req: TtsRequest): Promise<TtsResult> {
    const key = this.cacheKey(req);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const job = this.load(key, req).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, job);
    return job;
  }

  private async load(key: string, req: TtsRequest): Promise<TtsResult> {
    const path = join(this.opts.cacheDir, `${key}.wav`);
    const hit = await readFile(path).catch(() => undefined);
    const cachedPcm = hit ? readCached(hit) : undefined;
    if (cachedPcm) return { pcm: cachedPcm, sampleRate: 8000, cached: true, path };
    const wav = parseWav(await this.runEspeak(req));
    const mono = wav.channels === 1 ? wav.samples : wav.samples.filter((_, i) => i % wav.channels === 0);
    const pcm = resample(mono, wav.sampleRate, 8000);
    await mkdir(this.opts.cacheDir, { recursive: true });
    // Write then rename so a concurrent reader never sees half a file.
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, encodeWav(pcm, 8000));
    await rename(tmp, path);
    return { pcm, sampleRate: 8000, cached: false, path };
  }

  private runEspeak(req: TtsRequest): Promise<Buffer> {
    const voice = req.voice ?? this.opts.voice;
    const rate = req.rate ?? this.opts.rate;
    const problem = checkRequest(req.text, voice, rate, this.opts.maxChars);
    if (problem) return Promise.reject(new RangeError(problem));
    const args = ['-v', voice, '-s', String(rate), '--stdout', '--stdin'];
    return new Promise((resolve, reject) => {
      // Text goes through stdin, never argv: no option injection, no length limit.
      const child = spawn(this.opts.binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const timer = setTimeout(() => child.kill('SIGKILL'), this.opts.timeoutMs);
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new TtsUnavailableError(`espeak-ng could not start (${this.opts.binary}): ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(Buffer.concat(out));
        else reject(new Error(`espeak-ng failed (${signal ?? `exit ${code}`}): ${Buffer.concat(err).toString().trim()}`));
      });
      child.stdin.on('error', () => undefined); // the child may exit before reading everything
      child.stdin.end(req.text, 'utf8');
    });
  }
}

/** Voice and rate become argv: keep them to values espeak-ng cannot mistake for options. */
function checkRequest(text: string, voice: string, rate: number, maxChars: number): string | undefined {
  if (text.trim() === '') return 'TTS text is empty';
  if (text.length > maxChars) return `TTS text is longer than ${maxChars} characters`;
  if (!/^[A-Za-z0-9][A-Za-z0-9_+-]*$/.test(voice)) return `invalid espeak-ng voice name: ${JSON.stringify(voice)}`;
  if (!Number.isInteger(rate) || rate < 80 || rate > 450) return `TTS rate must be an integer 80-450 words/min, got ${rate}`;
  return undefined;
}

/** A damaged cache file (disk full, manual edit) is re-synthesised rather than played. */
function readCached(buf: Buffer): Int16Array | undefined {
  try {
    const wav = parseWav(buf);
    return wav.sampleRate === 8000 && wav.channels === 1 && wav.samples.length > 0 ? wav.samples : undefined;
  } catch {
    return undefined;
  }
}
