import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../index.js';
import type { PasswordPolicy } from '../index.js';

describe('hashPassword / verifyPassword', () => {
  it('encodes scrypt parameters, a 16-byte salt and a 32-byte key', async () => {
    const encoded = await hashPassword('Hotline#2024');
    const [scheme, n, r, p, salt = '', hash = ''] = encoded.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash, 'base64')).toHaveLength(32);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const encoded = await hashPassword('Hotline#2024');
    expect(await verifyPassword('Hotline#2024', encoded)).toBe(true);
    expect(await verifyPassword('hotline#2024', encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const encoded = await hashPassword('Café#2024');
    expect(await verifyPassword('Cafe\u0301#2024', encoded)).toBe(true);
  });

  it('returns false, never throws, for malformed encodings', async () => {
    const good = await hashPassword('pw');
    const [, , , , salt = '', hash = ''] = good.split('$');
    const malformed = [
      '',
      'plain-text-password',
      good.replace('scrypt', 'bcrypt'),
      good.slice(0, -4),
      `${good}$extra`,
      `scrypt$32767$8$1$${salt}$${hash}`,
      `scrypt$1048576$64$1$${salt}$${hash}`,
      `scrypt$32768$8$1$${salt}$***`,
      `scrypt$32768$0$1$${salt}$${hash}`,
      `scrypt$32768$8$1$${salt}$${Buffer.from(hash, 'base64').subarray(0, 24).toString('base64')}`,
      `scrypt$32768$8$1$${Buffer.from(salt, 'base64').subarray(0, 8).toString('base64')}$${hash}`,
    ];
    for (const encoded of malformed) await expect(verifyPassword('pw', encoded)).resolves.toBe(false);
  });
});

describe('checkPasswordPolicy', () => {
  const policy: PasswordPolicy = { minLength: 8, minClasses: 3 };

  it('accepts a strong password', () => {
    expect(checkPasswordPolicy('Hotline#2024', policy, 'zhangsan')).toEqual([]);
  });

  it('reports length, character classes and username, in Chinese', () => {
    expect(checkPasswordPolicy('Ab1!', policy)).toEqual(['密码长度不能少于8位']);
    expect(checkPasswordPolicy('abcdefgh', policy)).toEqual(['密码需包含大写字母、小写字母、数字、特殊字符中的至少3类']);
    expect(checkPasswordPolicy('Zhangsan#2024', policy, 'ZhangSan')).toEqual(['密码不能包含用户名']);
    expect(checkPasswordPolicy(`Aa1!${'x'.repeat(125)}`, policy)).toEqual(['密码过长']);
  });

  it('reports every failing rule at once', () => {
    expect(checkPasswordPolicy('admin', { minLength: 10, minClasses: 2 }, 'admin')).toEqual([
      '密码长度不能少于10位',
      '密码需包含大写字母、小写字母、数字、特殊字符中的至少2类',
      '密码不能包含用户名',
    ]);
  });

  it('counts symbols as any non-alphanumeric character, and ignores a blank username', () => {
    expect(checkPasswordPolicy('abcd1234 ', policy, '  ')).toEqual([]);
    expect(checkPasswordPolicy('abcd1234', { minLength: 8, minClasses: 4 })).toEqual([
      '密码需包含大写字母、小写字母、数字、特殊字符中的至少4类',
    ]);
  });
});
