import type { Readable } from 'node:stream';

/**
 * The blob-storage port (recordings, voicemail, later attachments and reports). The embedded
 * default is a directory (fs-blob-store.ts); an object-store (S3-compatible) adapter would
 * implement the same interface — none exists yet. Keys are relative, '/'-separated names such as `recordings/20260105/<callId>.wav`;
 * every implementation refuses keys that could leave its root (see assertBlobKey).
 */
export interface BlobMeta {
  contentType?: string;
}

/** What put() stored: size and the digests computed while writing (hex). */
export interface BlobInfo {
  key: string;
  size: number;
  sm3: string;
  sha256: string;
  contentType?: string;
}

export interface BlobStat {
  key: string;
  size: number;
  modifiedAt: Date;
  contentType?: string;
  /** Digests recorded at put() time, when the store kept them. */
  sm3?: string;
  sha256?: string;
}

/** Byte range, both ends inclusive (as in HTTP Range); `end` omitted = to the last byte. */
export interface BlobRange {
  start: number;
  end?: number;
}

export interface BlobRead {
  stream: Readable;
  /** Size of the whole blob. */
  size: number;
  /** The bytes this stream carries, inclusive. */
  start: number;
  end: number;
  contentType?: string;
}

export interface BlobStore {
  put(key: string, body: Readable | Buffer, meta?: BlobMeta): Promise<BlobInfo>;
  /** Throws BlobNotFoundError for a missing key and BlobRangeError for a range outside the blob. */
  get(key: string, range?: BlobRange): Promise<BlobRead>;
  stat(key: string): Promise<BlobStat | undefined>;
  /** True when something was deleted. */
  delete(key: string): Promise<boolean>;
}

export class BlobKeyError extends Error {
  constructor(key: string) {
    super(`invalid blob key ${JSON.stringify(key.slice(0, 100))}`);
    this.name = 'BlobKeyError';
  }
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`blob ${key} not found`);
    this.name = 'BlobNotFoundError';
  }
}

export class BlobRangeError extends Error {
  constructor(
    readonly key: string,
    readonly size: number,
  ) {
    super(`range outside blob ${key} (${size} bytes)`);
    this.name = 'BlobRangeError';
  }
}

// A segment starts with a letter or digit (so no '.', '..' or hidden names) and holds no separator,
// NUL or anything a shell or an S3 console would treat specially.
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_KEY_LENGTH = 512;
const MAX_DEPTH = 8;

/** Throws BlobKeyError unless the key is a plain relative path of safe segments. */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) throw new BlobKeyError(String(key));
  const segments = key.split('/');
  if (segments.length > MAX_DEPTH || !segments.every((s) => SEGMENT.test(s))) throw new BlobKeyError(key);
}

/** Checks a range against a blob's size and fills in the end; throws BlobRangeError when unsatisfiable. */
export function resolveRange(key: string, size: number, range: BlobRange | undefined): { start: number; end: number } {
  if (!range) return { start: 0, end: Math.max(0, size - 1) };
  const end = range.end === undefined ? size - 1 : Math.min(range.end, size - 1);
  if (!Number.isSafeInteger(range.start) || range.start < 0 || range.start >= size || end < range.start) throw new BlobRangeError(key, size);
  return { start: range.start, end };
}
