import { sm3 } from 'sm-crypto-v2';
import { hexToBytes, toBytes } from './encoding.js';

export function sm3Hex(data: string | Uint8Array): string {
  return sm3(toBytes(data));
}

// Key is hex (not text) so that configured secrets carry their full entropy and cannot be
// confused with passphrases.
export function hmacSm3Hex(keyHex: string, data: string | Uint8Array): string {
  const key = hexToBytes(keyHex, 'HMAC-SM3 key');
  if (key.length === 0) throw new Error('HMAC-SM3 key must not be empty');
  return sm3(toBytes(data), { key });
}
