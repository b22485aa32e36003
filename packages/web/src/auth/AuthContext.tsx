import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { api, clearToken, getToken, setToken } from '../api/client';
import type { LoginResult, MeResponse, MenuNode, SessionRestriction } from '../api/types';
import { hasPermission } from './permissions';

const FLAGS_KEY = 'hotline.authFlags';

export interface AuthFlags {
  mustChangePassword: boolean;
  mfaEnrollRequired: boolean;
}

const NO_FLAGS: AuthFlags = { mustChangePassword: false, mfaEnrollRequired: false };

function readFlags(): AuthFlags {
  try {
    const raw = sessionStorage.getItem(FLAGS_KEY);
    if (!raw) return NO_FLAGS;
    const v = JSON.parse(raw) as Partial<AuthFlags>;
    return { mustChangePassword: v.mustChangePassword === true, mfaEnrollRequired: v.mfaEnrollRequired === true };
  } catch {
    return NO_FLAGS;
  }
}

function writeFlags(flags: AuthFlags): void {
  if (flags.mustChangePassword || flags.mfaEnrollRequired) sessionStorage.setItem(FLAGS_KEY, JSON.stringify(flags));
  else sessionStorage.removeItem(FLAGS_KEY);
}

type OkResult = Extract<LoginResult, { status: 'ok' }>;

interface AuthContextValue {
  me: MeResponse | null;
  flags: AuthFlags;
  /** Server-side restriction of the session (only the profile page works until resolved). */
  restriction: SessionRestriction | null;
  isAuthenticated: boolean;
  login: (username: string, password: string) => Promise<LoginResult>;
  verifyMfa: (mfaToken: string, code: string) => Promise<OkResult>;
  logout: () => Promise<void>;
  loadMe: () => Promise<MeResponse>;
  /** Forget local state after the server said the session is gone. */
  reset: () => void;
  clearFlag: (flag: keyof AuthFlags) => void;
  can: (permission: string) => boolean;
  /** Every path present in the menu tree, for route guarding. */
  menuPaths: Set<string>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside <AuthProvider>');
  return ctx;
}

/** Returns a permission predicate for the signed-in user. */
export function useCan(): (permission: string) => boolean {
  return useAuth().can;
}

function collectPaths(nodes: MenuNode[] | undefined, into: Set<string>): Set<string> {
  for (const n of nodes ?? []) {
    if (n.path) into.add(n.path);
    collectPaths(n.children, into);
  }
  return into;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<MeResponse | null>(null);
  const [flags, setFlags] = useState<AuthFlags>(readFlags);
  const [hasToken, setHasToken] = useState<boolean>(() => Boolean(getToken()));

  const loadMe = useCallback(async () => {
    const res = await api.get<MeResponse>('/me');
    setMe(res);
    setHasToken(Boolean(getToken()));
    return res;
  }, []);

  const acceptToken = useCallback(
    async (res: OkResult) => {
      setToken(res.token);
      setHasToken(true);
      const next: AuthFlags = {
        mustChangePassword: res.mustChangePassword === true,
        mfaEnrollRequired: res.mfaEnrollRequired === true,
      };
      writeFlags(next);
      setFlags(next);
      await loadMe();
    },
    [loadMe],
  );

  const login = useCallback(
    async (username: string, password: string) => {
      const res = await api.post<LoginResult>('/auth/login', { username, password }, { anonymous: true, silent: true });
      if (res.status === 'ok') await acceptToken(res);
      return res;
    },
    [acceptToken],
  );

  const verifyMfa = useCallback(
    async (mfaToken: string, code: string) => {
      const res = await api.post<LoginResult>('/auth/mfa', { mfaToken, code }, { anonymous: true, silent: true });
      if (res.status !== 'ok') throw new Error('unexpected MFA response');
      await acceptToken(res);
      return res;
    },
    [acceptToken],
  );

  const reset = useCallback(() => {
    clearToken();
    sessionStorage.removeItem(FLAGS_KEY);
    setFlags(NO_FLAGS);
    setMe(null);
    setHasToken(false);
  }, []);

  const logout = useCallback(async () => {
    try {
      if (getToken()) await api.post('/auth/logout', {}, { silent: true });
    } catch {
      /* the session may already be gone; logging out locally is what matters */
    }
    reset();
  }, [reset]);

  const clearFlag = useCallback((flag: keyof AuthFlags) => {
    setFlags((prev) => {
      const next = { ...prev, [flag]: false };
      writeFlags(next);
      return next;
    });
  }, []);

  // Effective flags: what the login answer said, or what /me reports as the session restriction.
  const restriction = me?.restriction ?? null;
  const effectiveFlags = useMemo<AuthFlags>(
    () => ({
      mustChangePassword: flags.mustChangePassword || restriction === 'password-change',
      mfaEnrollRequired: flags.mfaEnrollRequired || restriction === 'mfa-enroll',
    }),
    [flags, restriction],
  );

  const permissions = me?.user.permissions;
  const can = useCallback((p: string) => hasPermission(permissions ?? [], p), [permissions]);
  const menuPaths = useMemo(() => collectPaths(me?.menus, new Set<string>()), [me]);

  const value = useMemo<AuthContextValue>(
    () => ({
      me,
      flags: effectiveFlags,
      restriction,
      isAuthenticated: hasToken,
      login,
      verifyMfa,
      logout,
      loadMe,
      reset,
      clearFlag,
      can,
      menuPaths,
    }),
    [me, effectiveFlags, restriction, hasToken, login, verifyMfa, logout, loadMe, reset, clearFlag, can, menuPaths],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
