/**
 * WAV (RIFF, PCM 16-bit) reading and streaming writing.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { bumpCounter } from './counters.js';
import { resample } from './resample.js';

export class WavFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WavFormatError';
  }
}

export interface WavAudio {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** Interleaved samples (only set for 16-bit PCM). */
  readonly samples: Int16Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

interface Fmt {
  format: number;
  channels: number;
  sampleRate: number;
  bits: number;
}

function readFmt(buf: Buffer, o: number, size: number): Fmt {
  if (size < 16) throw new WavFormatError('WAV fmt chunk is too short');
  let format = buf.readUInt16LE(o);
  // Extensible headers carry the real format in the first two bytes of the sub-format GUID.
  if (format === WAVE_FORMAT_EXTENSIBLE && size >= 40) format = buf.readUInt16LE(o + 24);
  return { format, channels: buf.readUInt16LE(o + 2), sampleRate: buf.readUInt32LE(o + 4), bits: buf.readUInt16LE(o + 14) };
}

/**
 * Parses a WAV file. Tolerates the "unknown length" sizes streaming writers
 * (espeak-ng --stdout) put in the header by reading the data chunk to the end.
 */
export function parseWav(buf: Buffer): WavAudio {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new WavFormatError('not a WAV file (missing RIFF/WAVE header)');
  }
  let fmt: Fmt | undefined;
  let o = 12;
  while (o + 8 <= buf.length) {
    const id = buf.toString('ascii', o, o + 4);
    const size = buf.readUInt32LE(o + 4);
    const body = o + 8;
    if (id === 'fmt ') fmt = readFmt(buf, body, Math.min(size, buf.length - body));
    if (id === 'data') {
      if (!fmt) throw new WavFormatError('WAV data chunk comes before fmt chunk');
      // Size 0 (writer died before finalising) or past the end (streamed): take the rest.
      const end = size === 0 || body + size > buf.length ? buf.length : body + size;
      return decodeData(fmt, buf.subarray(body, end));
    }
    o = body + size + (size % 2);
  }
  throw new WavFormatError('WAV file has no data chunk');
}

function decodeData(fmt: Fmt, data: Buffer): WavAudio {
  if (fmt.format !== WAVE_FORMAT_PCM || fmt.bits !== 16) {
    throw new WavFormatError(`unsupported WAV encoding: format ${fmt.format}, ${fmt.bits}-bit (need 16-bit PCM)`);
  }
  if (fmt.channels < 1 || fmt.sampleRate < 1) throw new WavFormatError('WAV header has zero channels or sample rate');
  const count = Math.floor(data.length / 2);
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i++) samples[i] = data.readInt16LE(i * 2);
  return { sampleRate: fmt.sampleRate, channels: fmt.channels, bitsPerSample: 16, samples };
}

/**
 * Loads an uploaded prompt as 8 kHz mono: 8 kHz is used as is, 16 kHz is
 * resampled; anything else is refused with a message an administrator can act on.
 */
export function promptFromWav(buf: Buffer): Int16Array {
  const wav = parseWav(buf);
  if (wav.channels !== 1 || (wav.sampleRate !== 8000 && wav.sampleRate !== 16000)) {
    throw new WavFormatError(
      `unsupported prompt: ${wav.sampleRate} Hz, ${wav.channels} channel(s); upload 8 kHz or 16 kHz mono 16-bit PCM WAV`,
    );
  }
  return wav.sampleRate === 8000 ? wav.samples : resample(wav.samples, 16000, 8000);
}

export async function readPromptFile(path: string): Promise<Int16Array> {
  return promptFromWav(await readFile(path));
}

export function wavHeader(sampleRate: number, channels: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Builds a complete in-memory WAV (prompt cache files, tests). */
export function encodeWav(samples: Int16Array, sampleRate: number, channels = 1): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  return Buffer.concat([wavHeader(sampleRate, channels, data.length), data]);
}

/**
 * Streams interleaved 16-bit PCM to a file; the header's sizes are written
 * when the file is closed, so a crash leaves a file with a zero-length header
 * that the reader above still recovers.
 */
export class WavFileWriter {
  readonly path: string;
  readonly sampleRate: number;
  readonly channels: number;
  private readonly fh: FileHandle;
  private dataBytes = 0;
  private queue: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closed = false;

  static async create(path: string, sampleRate: number, channels: number): Promise<WavFileWriter> {
    const fh = await open(path, 'w');
    bumpCounter('filesOpen');
    try {
      await fh.write(wavHeader(sampleRate, channels, 0), 0, 44, 0);
    } catch (err) {
      await fh.close();
      bumpCounter('filesOpen', -1);
      throw err;
    }
    return new WavFileWriter(path, sampleRate, channels, fh);
  }

  private constructor(path: string, sampleRate: number, channels: number, fh: FileHandle) {
    this.path = path;
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.fh = fh;
  }

  /** Samples written so far (per channel). */
  get frames(): number {
    return this.dataBytes / 2 / this.channels;
  }

  /** Queues interleaved samples; writes are ordered and never overlap. */
  write(interleaved: Int16Array): void {
    if (this.closed) throw new Error('WAV writer is closed');
    if (interleaved.length === 0) return;
    const bytes = Buffer.from(interleaved.buffer, interleaved.byteOffset, interleaved.byteLength);
    const position = 44 + this.dataBytes;
    this.dataBytes += bytes.length;
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await this.fh.write(bytes, 0, bytes.length, position);
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
      }
    });
  }

  /** Flushes, writes the final header and closes; rejects if any write failed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.queue;
      if (!this.failure) await this.fh.write(wavHeader(this.sampleRate, this.channels, this.dataBytes), 0, 44, 0);
    } finally {
      await this.fh.close();
      bumpCounter('filesOpen', -1);
    }
    if (this.failure) throw this.failure;
  }
}
