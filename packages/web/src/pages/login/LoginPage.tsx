import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { Alert, Button, Form, Input, Typography } from 'antd';
import {
  ArrowLeftOutlined,
  LockOutlined,
  SafetyCertificateOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { LangSwitch } from '../../layout/LangSwitch';
import { applyFieldErrors } from '../../utils/forms';

interface LoginValues {
  username: string;
  password: string;
}

interface MfaValues {
  code: string;
}

function targetAfterLogin(
  res: { mustChangePassword: boolean; mfaEnrollRequired: boolean },
  from: string | undefined,
): string {
  if (res.mustChangePassword) return '/profile?tab=password';
  if (res.mfaEnrollRequired) return '/profile?tab=mfa';
  return from && from !== '/login' ? from : '/dashboard';
}

export function LoginPage() {
  const { t } = useTranslation();
  const { login, verifyMfa, isAuthenticated, me } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const [form] = Form.useForm<LoginValues>();
  const [mfaForm] = Form.useForm<MfaValues>();
  const [submitting, setSubmitting] = useState(false);
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  // A new MFA challenge starts with an empty code (the form is mounted once mfaToken is set).
  useEffect(() => {
    if (mfaToken) mfaForm.resetFields();
  }, [mfaToken, mfaForm]);

  if (isAuthenticated && me && !submitting) return <Navigate to="/dashboard" replace />;

  const onLogin = async (values: LoginValues) => {
    setSubmitting(true);
    setError(null);
    try {
      const res = await login(values.username.trim(), values.password);
      if (res.status === 'mfa_required') {
        setMfaToken(res.mfaToken);
        return;
      }
      navigate(targetAfterLogin(res, from), { replace: true });
    } catch (e) {
      if (isApiError(e)) {
        setError(e.detail || e.message);
        applyFieldErrors(form, e);
      }
      form.setFieldValue('password', '');
    } finally {
      setSubmitting(false);
    }
  };

  const onMfa = async (values: MfaValues) => {
    if (!mfaToken) return;
    setSubmitting(true);
    setError(null);
    try {
      const res = await verifyMfa(mfaToken, values.code.replace(/\s+/g, ''));
      navigate(targetAfterLogin(res, from), { replace: true });
    } catch (e) {
      if (isApiError(e)) {
        setError(e.detail || e.message);
        // An expired MFA challenge cannot be retried: start over.
        if (e.code === 'AUTH_MFA_EXPIRED' || e.code === 'AUTH_LOCKED' || e.code === 'AUTH_SESSION_EXPIRED') setMfaToken(null);
      }
      mfaForm.setFieldValue('code', '');
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-topbar">
        <LangSwitch />
      </div>
      <div className="login-hero">
        <div className="login-hero-inner">
          <div className="login-emblem">
            <img src="/favicon.svg" alt="" />
          </div>
          <Typography.Title level={1} className="login-hero-title">
            {t('app.productName')}
          </Typography.Title>
          <div className="login-hero-sub">{t('app.platformName')}</div>
          <ul className="login-hero-points">
            <li>{t('login.point1')}</li>
            <li>{t('login.point2')}</li>
            <li>{t('login.point3')}</li>
          </ul>
        </div>
      </div>
      <div className="login-panel">
        <div className="login-card">
          {mfaToken === null ? (
            <>
              <Typography.Title level={3} className="login-card-title">
                {t('login.title')}
              </Typography.Title>
              <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
              {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
              <Form<LoginValues> key="password-step" form={form} layout="vertical" size="large" onFinish={(v) => void onLogin(v)} requiredMark={false}>
                <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('login.usernameRequired') }]}>
                  <Input
                    data-testid="login-username"
                    prefix={<UserOutlined />}
                    placeholder={t('login.usernamePlaceholder')}
                    autoComplete="username"
                    autoFocus
                    maxLength={64}
                  />
                </Form.Item>
                <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
                  <Input.Password
                    data-testid="login-password"
                    prefix={<LockOutlined />}
                    placeholder={t('login.passwordPlaceholder')}
                    autoComplete="current-password"
                    maxLength={128}
                  />
                </Form.Item>
                <Form.Item style={{ marginBottom: 8 }}>
                  <Button data-testid="login-submit" type="primary" htmlType="submit" block loading={submitting}>
                    {t('auth.login')}
                  </Button>
                </Form.Item>
              </Form>
              <Typography.Paragraph type="secondary" className="login-hint">
                {t('login.securityHint')}
              </Typography.Paragraph>
            </>
          ) : (
            <>
              <Typography.Title level={3} className="login-card-title">
                <SafetyCertificateOutlined /> {t('login.mfaTitle')}
              </Typography.Title>
              <Typography.Paragraph type="secondary">{t('login.mfaHint')}</Typography.Paragraph>
              {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
              <Form<MfaValues> key="mfa-step" form={mfaForm} layout="vertical" size="large" onFinish={(v) => void onMfa(v)} requiredMark={false}>
                <Form.Item
                  name="code"
                  label={t('login.mfaCode')}
                  rules={[{ required: true, message: t('login.mfaCodeRequired') }]}
                >
                  <Input
                    data-testid="mfa-code"
                    prefix={<SafetyCertificateOutlined />}
                    placeholder={t('login.mfaCodePlaceholder')}
                    autoComplete="one-time-code"
                    inputMode="text"
                    autoFocus
                    maxLength={64}
                    dir="ltr"
                  />
                </Form.Item>
                <Form.Item style={{ marginBottom: 8 }}>
                  <Button data-testid="mfa-submit" type="primary" htmlType="submit" block loading={submitting}>
                    {t('login.verify')}
                  </Button>
                </Form.Item>
              </Form>
              <Button
                type="link"
                icon={<ArrowLeftOutlined className="flip-rtl" />}
                onClick={() => {
                  setMfaToken(null);
                  setError(null);
                }}
                style={{ paddingInline: 0 }}
              >
                {t('login.backToPassword')}
              </Button>
            </>
          )}
        </div>
        <div className="login-footer">{t('app.footer.owner')}</div>
      </div>
    </div>
  );
}
