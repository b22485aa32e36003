import { describe, expect, it } from 'vitest';
import { buildMenuTree, MENUS, PRODUCTS } from '../menus.js';
import { adminTypesOf, PERMISSIONS } from '../permissions.js';
import { adminTypeFor } from '../role.service.js';
import { widestScope } from '../../../platform/scope.js';

const all = (keys: string[]) => new Set(keys);

describe('menu tree', () => {
  it('shows a menu only when the tenant enabled it and the user holds its permission', () => {
    const menus = buildMenuTree(all(MENUS.map((m) => m.key)), all(PRODUCTS.map((p) => p.key)), all(['dashboard:view', 'identity:user:read']));
    expect(menus.map((m) => m.key)).toEqual(['workspace.dashboard', 'identity']);
    expect(menus[1]?.children?.map((m) => m.key)).toEqual(['identity.users']);
  });

  it('hides a product the tenant disabled even when the user may use it', () => {
    const menus = buildMenuTree(all(MENUS.map((m) => m.key)), all(['workspace']), all(PERMISSIONS.map((p) => p.code)));
    expect(menus.map((m) => m.key)).toEqual(['workspace.dashboard']);
  });

  it('every menu points at a known permission and product', () => {
    const codes = new Set(PERMISSIONS.map((p) => p.code));
    for (const m of MENUS) {
      expect(PRODUCTS.some((p) => p.key === m.product), m.key).toBe(true);
      for (const p of m.permissions) expect(codes.has(p), `${m.key}: ${p}`).toBe(true);
    }
  });
});

describe('三员分立', () => {
  it('classifies permissions by admin type', () => {
    expect([...adminTypesOf(['identity:user:write', 'message:read'])]).toEqual(['system']);
    expect(adminTypesOf(['dashboard:view']).size).toBe(0);
  });

  it('refuses a role that mixes two admin types', () => {
    expect(() => adminTypeFor(['identity:user:write', 'audit:log:read'])).toThrow(/三员分立/);
    expect(adminTypeFor(['audit:log:read', 'dashboard:view'])).toBe('audit');
  });

  it('refuses unknown permissions', () => {
    expect(() => adminTypeFor(['root:everything'])).toThrow(/未知的权限/);
  });
});

describe('data scope', () => {
  it('takes the widest scope across roles', () => {
    expect(widestScope(['self', 'tenant', 'org'])).toBe('tenant');
    expect(widestScope([])).toBe('self');
  });
});
