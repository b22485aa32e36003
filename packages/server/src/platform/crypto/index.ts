export { sm3Hex, hmacSm3Hex } from './sm3.js';
export { generateSm2KeyPair, sm2Sign, sm2Verify } from './sm2.js';
export type { Sm2KeyPair } from './sm2.js';
export { FieldCipher } from './field-cipher.js';
export type { FieldCipherKeys } from './field-cipher.js';
export { hashPassword, verifyPassword, checkPasswordPolicy } from './password.js';
export type { PasswordPolicy } from './password.js';
export {
  generateTotpSecret,
  totpUri,
  generateTotp,
  verifyTotp,
  matchTotpStep,
  generateRecoveryCodes,
  base32Encode,
  base32Decode,
} from './totp.js';
