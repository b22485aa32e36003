import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AsrPort, type AsrStream, AsrUnavailableError, NoopAsr, SherpaOnnxAsr, tapToAsr, type Transcript, TranscriptQueue,
} from '../../src/media/asr.js';
import { EspeakTts, TtsUnavailableError } from '../../src/media/tts-espeak.js';
import { parseWav } from '../../src/media/wav.js';
import { rms } from './helpers.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voip-tts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const haveEspeak = existsSync('/usr/bin/espeak-ng');

describe('espeak-ng TTS', () => {
  it('synthesises Mandarin to 8 kHz mono and serves the second call from the cache', async (ctx) => {
    if (!haveEspeak && process.env.CI !== 'true') ctx.skip();
    const cacheDir = join(dir, 'cache');
    const tts = new EspeakTts({ cacheDir });
    expect(await tts.available()).toBe(true);
    const req = { text: '您好，欢迎致电12345政务服务便民热线，请按1选择企业服务。' };
    const first = await tts.synthesize(req);
    expect(first.cached).toBe(false);
    expect(first.sampleRate).toBe(8000);
    expect(first.pcm.length / 8000).toBeGreaterThan(2);
    expect(rms(first.pcm)).toBeGreaterThan(500);
    const file = parseWav(await readFile(first.path));
    expect(file).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    const second = await tts.synthesize(req);
    expect(second.cached).toBe(true);
    expect(second.pcm).toEqual(first.pcm);
    // Slow mode for elderly callers is a different (longer) prompt with its own cache entry.
    const slow = await tts.synthesize({ ...req, rate: 110 });
    expect(slow.cached).toBe(false);
    expect(slow.pcm.length).toBeGreaterThan(first.pcm.length * 1.2);
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.wav')).length).toBe(2);
    // A damaged cache entry is synthesised again instead of being played.
    await writeFile(first.path, 'garbage');
    const healed = await tts.synthesize(req);
    expect(healed.cached).toBe(false);
    expect(healed.pcm).toEqual(first.pcm);
  });

  it('runs espeak-ng once for concurrent identical requests, and treats option-like text as text', async (ctx) => {
    if (!haveEspeak && process.env.CI !== 'true') ctx.skip();
    const tts = new EspeakTts({ cacheDir: join(dir, 'cache2') });
    const [x, y] = await Promise.all([tts.synthesize({ text: '--help 请稍候' }), tts.synthesize({ text: '--help 请稍候' })]);
    expect(x).toBe(y);
    expect(x.pcm.length).toBeGreaterThan(4000);
  });

  it('refuses option-like voices, absurd rates and overlong text before spawning anything', async () => {
    const tts = new EspeakTts({ cacheDir: join(dir, 'cache3'), maxChars: 50 });
    await expect(tts.synthesize({ text: '你好', voice: '--path=/tmp' })).rejects.toThrow(/invalid espeak-ng voice/);
    await expect(tts.synthesize({ text: '你好', rate: 5 })).rejects.toThrow(/rate/);
    await expect(tts.synthesize({ text: '长'.repeat(51) })).rejects.toThrow(/longer than 50/);
    await expect(tts.synthesize({ text: '   ' })).rejects.toThrow(/empty/);
  });

  it('says clearly when espeak-ng is missing', async () => {
    const tts = new EspeakTts({ cacheDir: join(dir, 'none'), binary: join(dir, 'no-such-espeak') });
    expect(await tts.available()).toBe(false);
    await expect(tts.synthesize({ text: '你好' })).rejects.toBeInstanceOf(TtsUnavailableError);
  });
});

describe('ASR port', () => {
  it('no-op default accepts audio and ends cleanly', async () => {
    const asr = new NoopAsr();
    expect((await asr.availability()).available).toBe(false);
    const stream = await asr.start('call-1');
    stream.push(new Int16Array(160));
    stream.end();
    const results: Transcript[] = [];
    for await (const r of stream.results) results.push(r);
    expect(results).toEqual([]);
  });

  it('sherpa-onnx adapter is off by default and explains why it is unavailable', async () => {
    const off = await new SherpaOnnxAsr().availability();
    expect(off).toEqual({ available: false, reason: expect.stringMatching(/disabled.*no model ships/) });
    const noDir = await new SherpaOnnxAsr({ enabled: true }).availability();
    expect(noDir.reason).toMatch(/no model directory/);
    const modelDir = join(dir, 'model');
    const missing = await new SherpaOnnxAsr({ enabled: true, modelDir }).availability();
    expect(missing.reason).toMatch(/encoder\.onnx is missing/);
    await mkdir(modelDir, { recursive: true });
    for (const f of ['encoder.onnx', 'decoder.onnx', 'joiner.onnx', 'tokens.txt']) await writeFile(join(modelDir, f), '');
    const asr = new SherpaOnnxAsr({ enabled: true, modelDir, packageName: 'sherpa-onnx-node-not-installed' });
    expect((await asr.availability()).reason).toMatch(/package "sherpa-onnx-node-not-installed" is not installed/);
    await expect(asr.start('call-2')).rejects.toBeInstanceOf(AsrUnavailableError);
  });

  it('audio tap feeds a leg\'s frames to an ASR stream until detached', async () => {
    // A minimal engine that "transcribes" each frame as its length, to observe the tap.
    const engine: AsrPort = {
      name: 'frame-counter',
      availability: () => Promise.resolve({ available: true }),
      start: (sessionId: string): Promise<AsrStream> => {
        const results = new TranscriptQueue();
        return Promise.resolve({
          sessionId,
          results,
          push: (pcm) => results.put({ sessionId, text: String(pcm.length), final: false }),
          end: () => {
            results.put({ sessionId, text: 'done', final: true });
            results.close();
          },
        });
      },
    };
    const leg = new EventEmitter<{ audio: [{ pcm: Int16Array }] }>();
    const { stream, detach } = await tapToAsr(leg, engine, 'call-3');
    leg.emit('audio', { pcm: new Int16Array(160) });
    leg.emit('audio', { pcm: new Int16Array(160) });
    detach();
    leg.emit('audio', { pcm: new Int16Array(160) });
    const texts: string[] = [];
    for await (const r of stream.results) texts.push(r.text);
    expect(texts).toEqual(['160', '160', 'done']);
    expect(leg.listenerCount('audio')).toBe(0);
  });
});
