// Byte/text conversions shared by the crypto modules. sm-crypto-v2 silently turns invalid hex into
// zero bytes and ships its own UTF-8 encoder (wrong for code points >= U+40000, throws on lone
// surrogates), so every value crosses into the library as bytes we converted ourselves.

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
const utf8Encoder = new TextEncoder();
// fatal: a decrypted field that is not valid UTF-8 is corruption, not something to paper over with U+FFFD.
const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function isHex(value: string): boolean {
  return HEX_RE.test(value);
}

export function hexToBytes(hex: string, what: string): Uint8Array {
  if (!isHex(hex)) throw new Error(`${what} must be an even-length hex string`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? utf8Bytes(data) : data;
}

export function decodeUtf8Strict(bytes: Uint8Array): string {
  return strictUtf8Decoder.decode(bytes);
}
