import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { sm3Hex } from '../crypto/index.js';
import { BlobKeyError, BlobNotFoundError, BlobRangeError, FsBlobStore, digestStream } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'blob-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const root = join(dir, 'blobs');
const store = new FsBlobStore(root);

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('latin1');
}

describe('filesystem blob store', () => {
  it('stores a stream under its key with size, SM3 and SHA-256, and reads it back whole', async () => {
    const body = Buffer.from('RIFF....WAVEfmt '.repeat(5000), 'latin1');
    const info = await store.put('recordings/20260105/call-1.wav', Readable.from([body.subarray(0, 7000), body.subarray(7000)]), { contentType: 'audio/wav' });
    // The platform's SM3 (sm-crypto-v2) over the same bytes: the streamed digest is the standard one.
    expect(info).toEqual({ key: 'recordings/20260105/call-1.wav', size: body.length, sm3: sm3Hex(body), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), contentType: 'audio/wav' });
    expect(existsSync(join(root, 'recordings', '20260105', 'call-1.wav'))).toBe(true);
    const read = await store.get(info.key);
    expect(read).toMatchObject({ size: body.length, start: 0, end: body.length - 1, contentType: 'audio/wav' });
    expect(await text(read.stream)).toBe(body.toString('latin1'));
    expect(await store.stat(info.key)).toMatchObject({ size: body.length, sm3: info.sm3, sha256: info.sha256, contentType: 'audio/wav' });
    expect((await digestStream((await store.get(info.key)).stream)).sm3).toBe(info.sm3);
    // Nothing is left behind in the temporary directory.
    expect(readdirSync(join(root, '.tmp'))).toEqual([]);
  });

  it('reads byte ranges (inclusive ends, open end, clamped end) and refuses ranges outside the blob', async () => {
    await store.put('r/digits.bin', Buffer.from('0123456789'));
    const part = async (start: number, end?: number) => text((await store.get('r/digits.bin', end === undefined ? { start } : { start, end })).stream);
    expect(await part(0, 0)).toBe('0');
    expect(await part(2, 5)).toBe('2345');
    expect(await part(7)).toBe('789');
    expect(await part(8, 100)).toBe('89');
    const read = await store.get('r/digits.bin', { start: 3, end: 4 });
    expect(read).toMatchObject({ size: 10, start: 3, end: 4 });
    await expect(store.get('r/digits.bin', { start: 10 })).rejects.toBeInstanceOf(BlobRangeError);
    await expect(store.get('r/digits.bin', { start: 5, end: 4 })).rejects.toBeInstanceOf(BlobRangeError);
    await expect(store.get('r/digits.bin', { start: -1 })).rejects.toBeInstanceOf(BlobRangeError);
  });

  it('refuses keys that could leave the root or hide files, before touching the disk', async () => {
    writeFileSync(join(dir, 'secret.txt'), 'top secret');
    const hostile = ['../secret.txt', 'a/../../secret.txt', '/etc/passwd', '..', '.', '.meta/x.json', '.tmp/x.part', 'a//b', 'a/./b', 'a\\..\\secret.txt', 'a/b\u0000c', '', 'x'.repeat(600), 'a/.hidden', `${'a/'.repeat(9)}b`, '%2e%2e/secret.txt'];
    for (const key of hostile) {
      await expect(store.put(key, Buffer.from('x')), key).rejects.toBeInstanceOf(BlobKeyError);
      await expect(store.get(key), key).rejects.toBeInstanceOf(BlobKeyError);
      await expect(store.stat(key), key).rejects.toBeInstanceOf(BlobKeyError);
      await expect(store.delete(key), key).rejects.toBeInstanceOf(BlobKeyError);
    }
    expect(existsSync(join(dir, 'secret.txt'))).toBe(true);
  });

  it('answers a missing key with not found, and deletes a blob with its metadata', async () => {
    await expect(store.get('nope/none.wav')).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.stat('nope/none.wav')).toBeUndefined();
    await store.put('d/gone.wav', Buffer.from('abc'), { contentType: 'audio/wav' });
    expect(await store.delete('d/gone.wav')).toBe(true);
    expect(await store.delete('d/gone.wav')).toBe(false);
    expect(await store.stat('d/gone.wav')).toBeUndefined();
    expect(existsSync(join(root, '.meta', 'd', 'gone.wav.json'))).toBe(false);
  });

  it('leaves neither the blob nor a temporary file behind when the source stream fails', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('half a recording'));
        this.destroy(new Error('disk read error'));
      },
    });
    await expect(store.put('f/broken.wav', failing)).rejects.toThrow('disk read error');
    expect(await store.stat('f/broken.wav')).toBeUndefined();
    expect(readdirSync(join(root, '.tmp'))).toEqual([]);
  });

  it('replaces a blob atomically and keeps an empty one readable', async () => {
    await store.put('o/x.bin', Buffer.from('first'));
    await store.put('o/x.bin', Buffer.from('second!'));
    expect(await text((await store.get('o/x.bin')).stream)).toBe('second!');
    const empty = await store.put('o/empty.bin', Buffer.alloc(0));
    expect(empty.size).toBe(0);
    expect(empty.sm3).toBe(sm3Hex(new Uint8Array(0)));
    expect(await text((await store.get('o/empty.bin')).stream)).toBe('');
  });
});
