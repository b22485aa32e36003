import { useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { Button, Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { useAuth } from './AuthContext';

/** Gate for every page behind the login: needs a token and a loaded /me. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { me, isAuthenticated, loadMe, restriction } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();
  const [failed, setFailed] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!isAuthenticated || me) return;
    let cancelled = false;
    setFailed(null);
    loadMe().catch((e: unknown) => {
      if (!cancelled) setFailed(isApiError(e) ? e.detail || e.message : String(e));
    });
    return () => {
      cancelled = true;
    };
  }, [isAuthenticated, me, loadMe, attempt]);

  if (!isAuthenticated) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (!me) {
    if (failed) {
      return (
        <Result
          status="error"
          title={t('error.loadProfile')}
          subTitle={failed}
          extra={
            <Button type="primary" onClick={() => setAttempt((n) => n + 1)}>
              {t('common.retry')}
            </Button>
          }
        />
      );
    }
    return (
      <div style={{ height: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        <Spin size="large" tip={t('common.loading')}>
          <div style={{ width: 160, height: 80 }} />
        </Spin>
      </div>
    );
  }
  // A restricted session (initial password, MFA enrolment) can only use the profile page.
  if (restriction && location.pathname !== '/profile') {
    return <Navigate to={`/profile?tab=${restriction === 'password-change' ? 'password' : 'mfa'}`} replace />;
  }
  return <>{children}</>;
}

/** Pages reachable only when the server lists their path in the user's menus. */
export function MenuGuard({ path, children }: { path: string; children: ReactNode }) {
  const { menuPaths } = useAuth();
  const { t } = useTranslation();
  if (!menuPaths.has(path)) {
    return <Result status="403" title="403" subTitle={t('error.noPageAccess')} />;
  }
  return <>{children}</>;
}
