export type { BlobInfo, BlobMeta, BlobRange, BlobRead, BlobStat, BlobStore } from './blob-store.js';
export { assertBlobKey, BlobKeyError, BlobNotFoundError, BlobRangeError, resolveRange } from './blob-store.js';
export { FsBlobStore } from './fs-blob-store.js';
export { BlobDigest, digestStream } from './digest.js';
