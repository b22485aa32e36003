import { createHash, getHashes } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { generateSm2KeyPair, sm2Sign, sm2Verify } from '../index.js';

const opensslHasSm3 = getHashes().includes('sm3');
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const { publicKeyHex, privateKeyHex } = generateSm2KeyPair();
const message = '工单 GD20240001 已办结';

describe('generateSm2KeyPair', () => {
  it('returns an uncompressed public key on the curve and a 256-bit private key', () => {
    expect(publicKeyHex).toMatch(/^04[0-9a-f]{128}$/);
    expect(privateKeyHex).toMatch(/^[0-9a-f]{64}$/);
    expect(sm2.verifyPublicKey(publicKeyHex)).toBe(true);
    expect(sm2.getPublicKeyFromPrivateKey(privateKeyHex)).toBe(publicKeyHex);
  });

  it('produces a different key every time', () => {
    expect(generateSm2KeyPair().privateKeyHex).not.toBe(privateKeyHex);
  });
});

describe('sm2Sign / sm2Verify', () => {
  const signature = sm2Sign(message, privateKeyHex);

  it('round-trips and emits r || s as 128 hex characters', () => {
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    expect(sm2Verify(message, signature, publicKeyHex)).toBe(true);
  });

  it('accepts the compressed form of the same public key', () => {
    expect(sm2Verify(message, signature, sm2.compressPublicKeyHex(publicKeyHex))).toBe(true);
  });

  it('rejects an altered message or a different key', () => {
    expect(sm2Verify(`${message}。`, signature, publicKeyHex)).toBe(false);
    expect(sm2Verify(message, signature, generateSm2KeyPair().publicKeyHex)).toBe(false);
  });

  it('returns false, never throws, on garbage', () => {
    const garbage = ['', 'zz', 'not a signature', '00'.repeat(64), 'ff'.repeat(64), `${signature}00`, signature.slice(2)];
    for (const sig of garbage) expect(sm2Verify(message, sig, publicKeyHex)).toBe(false);
    for (const key of ['', '04abcd', 'zz'.repeat(65), `04${'00'.repeat(64)}`]) {
      expect(sm2Verify(message, signature, key)).toBe(false);
    }
  });

  it('rejects the malleated signature (r, s + n)', () => {
    const s = BigInt(`0x${signature.slice(64)}`) + N;
    const malleated = signature.slice(0, 64) + s.toString(16).padStart(64, '0');
    expect(sm2Verify(message, malleated, publicKeyHex)).toBe(false);
  });

  it.skipIf(!opensslHasSm3)('signs SM3(Z_A || M) with the GM/T 0009 default ID 1234567812345678', () => {
    const e = digestWithZ(publicKeyHex, '1234567812345678', message);
    expect(sm2.doVerifySignature(e, signature, publicKeyHex)).toBe(true);
    const otherId = sm2.doSignature(message, privateKeyHex, { hash: true, userId: 'alice@example.cn' });
    expect(sm2Verify(message, otherId, publicKeyHex)).toBe(false);
  });

  it('refuses malformed private keys', () => {
    expect(() => sm2Sign(message, 'abc')).toThrow(/64 hex/);
    expect(() => sm2Sign(message, '00'.repeat(32))).toThrow(/out of range/);
  });
});

// Independent Z_A per GM/T 0003.2 §5.5 (OpenSSL SM3, GM/T 0003.5 curve constants).
function digestWithZ(publicKey: string, userId: string, msg: string): Uint8Array {
  const sm3 = (data: Buffer): Buffer => createHash('sm3').update(data).digest();
  const id = Buffer.from(userId, 'utf8');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  const curve = Buffer.from(
    'FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC' +
      '28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93' +
      '32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7' +
      'BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0',
    'hex',
  );
  const z = sm3(Buffer.concat([entl, id, curve, Buffer.from(publicKey.slice(2), 'hex')]));
  return sm3(Buffer.concat([z, Buffer.from(msg, 'utf8')]));
}
