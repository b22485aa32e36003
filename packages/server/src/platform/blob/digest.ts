import { createHash, getHashes, type Hash } from 'node:crypto';
import { sm3Hex } from '../crypto/index.js';

/**
 * Incremental SM3 and SHA-256 over a stream of chunks. Node's OpenSSL offers SM3 as a streaming
 * hash; where a build lacks it, the chunks are kept and hashed once with sm-crypto-v2 (the
 * platform's SM3), which has no incremental API. Both give the same digest (GB/T 32905).
 */
const NATIVE_SM3 = getHashes().includes('sm3');

export interface DigestPair {
  sm3: string;
  sha256: string;
}

export class BlobDigest {
  private readonly sha = createHash('sha256');
  private readonly sm3: Hash | undefined = NATIVE_SM3 ? createHash('sm3') : undefined;
  private readonly chunks: Buffer[] = [];
  size = 0;

  update(chunk: Buffer): void {
    this.size += chunk.length;
    this.sha.update(chunk);
    if (this.sm3) this.sm3.update(chunk);
    else this.chunks.push(chunk);
  }

  digest(): DigestPair {
    const sm3 = this.sm3 ? this.sm3.digest('hex') : sm3Hex(Buffer.concat(this.chunks));
    return { sm3, sha256: this.sha.digest('hex') };
  }
}

/** SM3 (and SHA-256) of everything a stream yields. */
export async function digestStream(stream: AsyncIterable<Buffer | string>): Promise<DigestPair & { size: number }> {
  const d = new BlobDigest();
  for await (const chunk of stream) d.update(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return { ...d.digest(), size: d.size };
}
