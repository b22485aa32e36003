import { sm2 } from 'sm-crypto-v2';
import { utf8Bytes } from './encoding.js';

export type Sm2KeyPair = { publicKeyHex: string; privateKeyHex: string };

// GM/T 0009-2012: the signer ID both sides use when none has been agreed. Passed explicitly so a
// library default change cannot silently break verification of stored signatures.
const SM2_DEFAULT_USER_ID = '1234567812345678';
// Order n of the GM/T 0003.5 recommended curve. The library does not range-check r and s itself.
const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const PRIVATE_KEY_RE = /^[0-9a-fA-F]{64}$/;
const SIGNATURE_RE = /^[0-9a-fA-F]{128}$/;

export function generateSm2KeyPair(): Sm2KeyPair {
  // Never pass a seed: sm-crypto-v2 1.15.1 reduces it mod 1, so every seeded key is d = 1.
  const { publicKey, privateKey } = sm2.generateKeyPairHex();
  return { publicKeyHex: publicKey, privateKeyHex: privateKey };
}

/** Signature over SM3(Z_A || M) with the default ID; returns r || s as 128 hex characters. */
export function sm2Sign(message: string, privateKeyHex: string): string {
  assertPrivateKey(privateKeyHex);
  return sm2.doSignature(utf8Bytes(message), privateKeyHex, {
    hash: true,
    userId: SM2_DEFAULT_USER_ID,
  });
}

// Signatures arrive from outside (clients, stored records), so any malformed part is a plain "no".
export function sm2Verify(message: string, signatureHex: string, publicKeyHex: string): boolean {
  if (!hasScalarsInRange(signatureHex)) return false;
  try {
    if (!sm2.verifyPublicKey(publicKeyHex)) return false;
    return sm2.doVerifySignature(utf8Bytes(message), signatureHex, publicKeyHex, {
      hash: true,
      userId: SM2_DEFAULT_USER_ID,
    });
  } catch {
    return false;
  }
}

function assertPrivateKey(privateKeyHex: string): void {
  if (!PRIVATE_KEY_RE.test(privateKeyHex)) {
    throw new Error('SM2 private key must be 64 hex characters');
  }
  const d = BigInt(`0x${privateKeyHex}`);
  // SM2 signing computes (1 + d)^-1 mod n, so d = n - 1 is as unusable as d = 0.
  if (d < 1n || d >= SM2_N - 1n) throw new Error('SM2 private key is out of range');
}

function hasScalarsInRange(signatureHex: string): boolean {
  if (typeof signatureHex !== 'string' || !SIGNATURE_RE.test(signatureHex)) return false;
  const r = BigInt(`0x${signatureHex.slice(0, 64)}`);
  const s = BigInt(`0x${signatureHex.slice(64)}`);
  return r >= 1n && r < SM2_N && s >= 1n && s < SM2_N;
}
