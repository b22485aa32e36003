import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';

/**
 * The platform's blob store: <dataDir>/blobs. Without a data directory (tests, an in-memory
 * database) the blobs live in a temporary directory that close() removes, like the database.
 * An S3-compatible adapter is chosen here by configuration when it exists.
 */
export async function openBlobStore(dataDir: string): Promise<{ store: BlobStore; close(): Promise<void> }> {
  if (dataDir) return { store: new FsBlobStore(join(dataDir, 'blobs')), close: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), 'hotline-blobs-'));
  return { store: new FsBlobStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
}
