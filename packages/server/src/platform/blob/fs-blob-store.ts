import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, BlobKeyError, BlobNotFoundError, resolveRange, type BlobInfo, type BlobMeta, type BlobRange, type BlobRead, type BlobStat, type BlobStore } from './blob-store.js';
import { BlobDigest } from './digest.js';

/**
 * The embedded blob store: one file per key under a root directory (<dataDir>/blobs). A put
 * writes to .tmp/ and renames into place, so a reader never sees half a file; the content type
 * and digests are kept beside the tree in .meta/<key>.json. Keys never start with a dot, so
 * neither directory can collide with a key.
 */
export class FsBlobStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file of a key (or of its metadata); refuses anything that would resolve outside the root. */
  private pathOf(key: string, tree: '' | '.meta' = ''): string {
    assertBlobKey(key);
    const base = tree ? join(this.root, tree) : this.root;
    const path = resolve(base, ...key.split('/')) + (tree ? '.json' : '');
    if (!path.startsWith(base + sep)) throw new BlobKeyError(key);
    return path;
  }

  async put(key: string, body: Readable | Buffer, meta: BlobMeta = {}): Promise<BlobInfo> {
    // A file stream that fails to open while we prepare directories must not crash the process;
    // the pipeline below still sees the error (it rejects on an already errored stream).
    if (!Buffer.isBuffer(body)) body.on('error', () => undefined);
    let target: string;
    let metaPath: string;
    try {
      target = this.pathOf(key);
      metaPath = this.pathOf(key, '.meta');
    } catch (err) {
      // A refused key: release the caller's stream (an open file) instead of leaving it dangling.
      if (!Buffer.isBuffer(body)) body.destroy();
      throw err;
    }
    const tmpDir = join(this.root, '.tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, `${randomBytes(8).toString('hex')}.part`);
    const digest = new BlobDigest();
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        digest.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, tap, createWriteStream(tmp, { flags: 'wx', mode: 0o640 }));
      const { sm3, sha256 } = digest.digest();
      const info: BlobInfo = { key, size: digest.size, sm3, sha256, ...(meta.contentType ? { contentType: meta.contentType } : {}) };
      await mkdir(dirname(target), { recursive: true });
      await mkdir(dirname(metaPath), { recursive: true });
      await writeFile(metaPath, JSON.stringify(info));
      await rename(tmp, target);
      return info;
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string, range?: BlobRange): Promise<BlobRead> {
    const path = this.pathOf(key);
    const info = await this.stat(key);
    if (!info) throw new BlobNotFoundError(key);
    const { start, end } = resolveRange(key, info.size, range);
    // An empty blob has no byte 0 to start at: hand out an empty stream.
    const stream = info.size === 0 ? Readable.from([]) : createReadStream(path, { start, end });
    return { stream, size: info.size, start, end, ...(info.contentType ? { contentType: info.contentType } : {}) };
  }

  async stat(key: string): Promise<BlobStat | undefined> {
    const path = this.pathOf(key);
    const s = await stat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw err;
    });
    if (!s?.isFile()) return undefined;
    const meta = await readFile(this.pathOf(key, '.meta'), 'utf8')
      .then((text) => JSON.parse(text) as Partial<BlobInfo>)
      .catch(() => ({}) as Partial<BlobInfo>);
    return {
      key,
      size: s.size,
      modifiedAt: s.mtime,
      ...(meta.contentType ? { contentType: meta.contentType } : {}),
      ...(meta.sm3 ? { sm3: meta.sm3 } : {}),
      ...(meta.sha256 ? { sha256: meta.sha256 } : {}),
    };
  }

  async delete(key: string): Promise<boolean> {
    const path = this.pathOf(key);
    const existed = await unlink(path).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      },
    );
    await rm(this.pathOf(key, '.meta'), { force: true });
    return existed;
  }
}
