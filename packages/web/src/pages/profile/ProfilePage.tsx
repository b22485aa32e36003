import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { PageContainer, ProDescriptions, ProForm, ProFormText } from '@ant-design/pro-components';
import { Alert, Avatar, Button, Card, Col, Empty, Form, Input, Popconfirm, Result, Row, Space, Steps, Table, Tag, Typography } from 'antd';
import {
  CheckCircleOutlined,
  CopyOutlined,
  DisconnectOutlined,
  LockOutlined,
  SafetyCertificateOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { ItemsOf, MeUser, MfaEnrollResponse, MySession } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime, shortUserAgent } from '../../utils/format';
import { passwordStrengthOk } from '../../utils/forms';

const TABS = ['info', 'password', 'mfa', 'sessions'] as const;
type TabKey = (typeof TABS)[number];

function isTab(v: string | null): v is TabKey {
  return v !== null && (TABS as readonly string[]).includes(v);
}

export default function ProfilePage() {
  const { t } = useTranslation();
  const { me, flags } = useAuth();
  const [params, setParams] = useSearchParams();
  const raw = params.get('tab');
  const tab: TabKey = isTab(raw) ? raw : 'info';
  if (!me) return null;
  const user = me.user;

  return (
    <PageContainer
      title={t('profile.title')}
      content={
        <Space size={16} align="center" className="profile-head">
          <Avatar size={56} icon={<UserOutlined />} style={{ background: '#1456b8' }} />
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {user.displayName}
            </Typography.Title>
            <Typography.Text type="secondary">
              {user.username} · {user.tenantName}
              {user.orgName ? ` · ${user.orgName}` : ''}
            </Typography.Text>
          </div>
        </Space>
      }
      tabActiveKey={tab}
      onTabChange={(k) => setParams(k === 'info' ? {} : { tab: k }, { replace: true })}
      tabList={[
        { key: 'info', tab: t('profile.tab.info') },
        { key: 'password', tab: t('profile.tab.password') },
        { key: 'mfa', tab: t('profile.tab.mfa') },
        { key: 'sessions', tab: t('profile.tab.sessions') },
      ]}
    >
      {flags.mustChangePassword && tab !== 'password' && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t('auth.mustChangePasswordBanner')} />
      )}
      {flags.mfaEnrollRequired && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="mfa-required-banner"
          message={t('auth.mfaEnrollBannerTitle')}
          description={t('auth.mfaEnrollBanner')}
          action={
            tab !== 'mfa' ? (
              <Button size="small" type="primary" onClick={() => setParams({ tab: 'mfa' }, { replace: true })}>
                {t('auth.goEnrollMfa')}
              </Button>
            ) : undefined
          }
        />
      )}
      {tab === 'info' && <InfoTab user={user} />}
      {tab === 'password' && <PasswordTab />}
      {tab === 'mfa' && <MfaTab user={user} />}
      {tab === 'sessions' && <SessionsTab />}
    </PageContainer>
  );
}

function InfoTab({ user }: { user: MeUser }) {
  const { t } = useTranslation();
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <Card title={t('profile.basicInfo')}>
          <ProDescriptions<MeUser>
            column={1}
            dataSource={user}
            columns={[
              { title: t('user.username'), dataIndex: 'username', copyable: true },
              { title: t('user.displayName'), dataIndex: 'displayName' },
              { title: t('user.tenant'), dataIndex: 'tenantName' },
              { title: t('user.org'), dataIndex: 'orgName', render: (_, r) => r.orgName ?? '-' },
              {
                title: t('user.roles'),
                dataIndex: 'roles',
                render: (_, r) => (
                  <Space size={[0, 4]} wrap>
                    {r.roles.map((role) => (
                      <Tag key={role.id} color="blue">
                        {role.name}
                      </Tag>
                    ))}
                  </Space>
                ),
              },
              {
                title: t('profile.mfaStatus'),
                dataIndex: 'mfaEnabled',
                render: (_, r) =>
                  r.mfaEnabled ? (
                    <Tag color="success" icon={<SafetyCertificateOutlined />}>
                      {t('profile.mfaOn')}
                    </Tag>
                  ) : (
                    <Tag>{t('profile.mfaOff')}</Tag>
                  ),
              },
              { title: 'ID', dataIndex: 'id', copyable: true },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Card title={t('profile.permissions', { count: user.permissions.length })}>
          {user.permissions.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
          ) : (
            <Space size={[4, 6]} wrap>
              {user.permissions.map((p) => (
                <Tag key={p} bordered={false} title={p}>
                  {t(`perm.${p}`, { defaultValue: p })}
                </Tag>
              ))}
            </Space>
          )}
        </Card>
      </Col>
    </Row>
  );
}

interface PasswordValues {
  oldPassword: string;
  newPassword: string;
  confirm: string;
}

function PasswordTab() {
  const { t } = useTranslation();
  const { flags, clearFlag, loadMe } = useAuth();
  const [form] = Form.useForm<PasswordValues>();
  return (
    <Card title={t('profile.changePassword')} style={{ maxWidth: 640 }}>
      {flags.mustChangePassword && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t('auth.mustChangePasswordBanner')} data-testid="must-change-password-banner" />
      )}
      <Typography.Paragraph type="secondary">{t('profile.passwordPolicy')}</Typography.Paragraph>
      <ProForm<PasswordValues>
        form={form}
        layout="vertical"
        submitter={{
          searchConfig: { submitText: t('profile.changePassword'), resetText: t('common.reset') },
        }}
        onFinish={async (v) => {
          try {
            await api.post('/me/password', { oldPassword: v.oldPassword, newPassword: v.newPassword });
            getMessage().success(t('profile.passwordChanged'));
            clearFlag('mustChangePassword');
            form.resetFields();
            // The session restriction is lifted server-side; refresh menus (or the next restriction).
            await loadMe().catch(() => undefined);
            return true;
          } catch {
            return false;
          }
        }}
      >
        <ProFormText.Password
          name="oldPassword"
          label={t('profile.oldPassword')}
          rules={[{ required: true, message: t('validation.required') }]}
          fieldProps={{ autoComplete: 'current-password', prefix: <LockOutlined /> }}
        />
        <ProFormText.Password
          name="newPassword"
          label={t('profile.newPassword')}
          rules={[
            { required: true, message: t('validation.required') },
            { validator: async (_, v: string | undefined) => (!v || passwordStrengthOk(v) ? undefined : Promise.reject(new Error(t('validation.password')))) },
          ]}
          fieldProps={{ autoComplete: 'new-password', prefix: <LockOutlined /> }}
        />
        <ProFormText.Password
          name="confirm"
          label={t('profile.confirmPassword')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('validation.required') },
            ({ getFieldValue }) => ({
              validator: async (_, v: string | undefined) =>
                !v || v === getFieldValue('newPassword') ? undefined : Promise.reject(new Error(t('validation.passwordMismatch'))),
            }),
          ]}
          fieldProps={{ autoComplete: 'new-password', prefix: <LockOutlined /> }}
        />
      </ProForm>
    </Card>
  );
}

function formatSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Fallback for non-secure contexts.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

function MfaTab({ user }: { user: MeUser }) {
  const { t } = useTranslation();
  const { loadMe, clearFlag } = useAuth();
  const [enroll, setEnroll] = useState<MfaEnrollResponse | null>(null);
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState('');
  const [disableCode, setDisableCode] = useState('');

  const start = async () => {
    setBusy(true);
    try {
      setEnroll(await api.post<MfaEnrollResponse>('/me/mfa/enroll', {}));
      setCode('');
    } catch {
      /* shown */
    } finally {
      setBusy(false);
    }
  };

  const activate = async () => {
    setBusy(true);
    try {
      const res = await api.post<{ recoveryCodes: string[] }>('/me/mfa/activate', { code: code.trim() });
      setRecovery(res.recoveryCodes ?? []);
      setEnroll(null);
      clearFlag('mfaEnrollRequired');
      getMessage().success(t('profile.mfaActivated'));
      await loadMe().catch(() => undefined);
    } catch {
      /* shown */
    } finally {
      setBusy(false);
    }
  };

  const disable = async () => {
    setBusy(true);
    try {
      await api.post('/me/mfa/disable', { code: disableCode.trim() });
      getMessage().success(t('profile.mfaDisabled'));
      setDisableCode('');
      await loadMe();
    } catch {
      /* shown */
    } finally {
      setBusy(false);
    }
  };

  if (recovery) {
    const text = recovery.join('\n');
    return (
      <Card style={{ maxWidth: 720 }}>
        <Result
          status="success"
          title={t('profile.mfaActivated')}
          subTitle={t('profile.recoveryHint')}
          extra={[
            <Button
              key="copy"
              icon={<CopyOutlined />}
              data-testid="recovery-copy"
              onClick={() => void copyText(text).then((ok) => (ok ? getMessage().success(t('common.copied')) : getMessage().error(t('common.copyFailed'))))}
            >
              {t('profile.copyRecovery')}
            </Button>,
            <Button
              key="done"
              type="primary"
              data-testid="recovery-done"
              onClick={() => {
                setRecovery(null);
                void loadMe();
              }}
            >
              {t('profile.recoverySaved')}
            </Button>,
          ]}
        >
          <div className="recovery-codes" data-testid="recovery-codes" dir="ltr">
            {recovery.map((c) => (
              <code key={c}>{c}</code>
            ))}
          </div>
        </Result>
      </Card>
    );
  }

  if (user.mfaEnabled) {
    return (
      <Card title={t('profile.mfaTitle')} style={{ maxWidth: 720 }}>
        <Result
          status="success"
          icon={<SafetyCertificateOutlined />}
          title={t('profile.mfaOn')}
          subTitle={t('profile.mfaOnHint')}
        />
        <Typography.Title level={5}>{t('profile.mfaDisableTitle')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('profile.mfaDisableHint')}</Typography.Paragraph>
        <Space.Compact style={{ width: '100%', maxWidth: 420 }}>
          <Input
            value={disableCode}
            onChange={(e) => setDisableCode(e.target.value)}
            placeholder={t('login.mfaCodePlaceholder')}
            maxLength={64}
            data-testid="mfa-disable-code"
            dir="ltr"
          />
          <Popconfirm title={t('profile.mfaDisableConfirm')} okButtonProps={{ danger: true }} onConfirm={disable}>
            <Button danger loading={busy} disabled={!disableCode.trim()} data-testid="mfa-disable">
              {t('profile.mfaDisable')}
            </Button>
          </Popconfirm>
        </Space.Compact>
      </Card>
    );
  }

  return (
    <Card title={t('profile.mfaTitle')} style={{ maxWidth: 860 }}>
      <Steps
        size="small"
        current={enroll ? 1 : 0}
        style={{ marginBottom: 24 }}
        items={[{ title: t('profile.mfaStep1') }, { title: t('profile.mfaStep2') }, { title: t('profile.mfaStep3') }]}
      />
      {!enroll ? (
        <Space direction="vertical" size={16}>
          <Typography.Paragraph>{t('profile.mfaIntro')}</Typography.Paragraph>
          <Button type="primary" icon={<SafetyCertificateOutlined />} loading={busy} onClick={() => void start()} data-testid="mfa-enroll">
            {t('profile.mfaStart')}
          </Button>
        </Space>
      ) : (
        <Row gutter={[24, 16]}>
          <Col xs={24} md={9}>
            <div className="mfa-qr">
              <img src={enroll.qrDataUrl} alt="TOTP QR" data-testid="mfa-qr" />
            </div>
          </Col>
          <Col xs={24} md={15}>
            <Typography.Paragraph>{t('profile.mfaScan')}</Typography.Paragraph>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
              {t('profile.mfaSecret')}
            </Typography.Paragraph>
            <Typography.Paragraph copyable={{ text: enroll.secret }} className="mfa-secret" data-testid="mfa-secret">
              <span dir="ltr">{formatSecret(enroll.secret)}</span>
            </Typography.Paragraph>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
              {t('profile.mfaEnterCode')}
            </Typography.Paragraph>
            <Space.Compact style={{ width: '100%', maxWidth: 360 }}>
              <Input
                value={code}
                onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
                placeholder="123456"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                data-testid="mfa-activate-code"
                dir="ltr"
                onPressEnter={() => code.length === 6 && void activate()}
              />
              <Button type="primary" loading={busy} disabled={code.length !== 6} onClick={() => void activate()} data-testid="mfa-activate">
                {t('profile.mfaActivate')}
              </Button>
            </Space.Compact>
            <div style={{ marginTop: 16 }}>
              <Button type="link" style={{ paddingInline: 0 }} onClick={() => setEnroll(null)}>
                {t('common.cancel')}
              </Button>
            </div>
          </Col>
        </Row>
      )}
    </Card>
  );
}

function SessionsTab() {
  const { t } = useTranslation();
  const { logout } = useAuth();
  const [items, setItems] = useState<MySession[]>([]);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const res = await api.get<ItemsOf<MySession>>('/me/sessions');
      setItems(res.items ?? []);
    } catch {
      setItems([]);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const revoke = async (s: MySession) => {
    await api.del(`/me/sessions/${encodeURIComponent(s.id)}`);
    getMessage().success(t('session.revoked'));
    if (s.current) {
      await logout();
      window.location.assign('/login');
      return;
    }
    void load();
  };

  return (
    <Card title={t('profile.mySessions')} extra={<Button onClick={() => void load()}>{t('common.refresh')}</Button>}>
      <Table<MySession>
        rowKey="id"
        loading={loading}
        dataSource={items}
        pagination={false}
        data-testid="my-sessions"
        scroll={{ x: 800 }}
        columns={[
          {
            title: t('common.userAgent'),
            dataIndex: 'userAgent',
            render: (_, r) => (
              <Space>
                <span title={r.userAgent}>{shortUserAgent(r.userAgent)}</span>
                {r.current && (
                  <Tag color="success" icon={<CheckCircleOutlined />}>
                    {t('profile.currentSession')}
                  </Tag>
                )}
              </Space>
            ),
          },
          { title: t('common.ip'), dataIndex: 'ip', width: 150 },
          { title: t('session.createdAt'), dataIndex: 'createdAt', width: 170, render: (v: string) => formatDateTime(v) },
          { title: t('session.lastSeenAt'), dataIndex: 'lastSeenAt', width: 170, render: (v: string) => formatDateTime(v) },
          {
            title: t('common.actions'),
            width: 120,
            render: (_, r) => (
              <Popconfirm
                title={r.current ? t('profile.revokeCurrentConfirm') : t('session.confirmRevoke', { name: shortUserAgent(r.userAgent) })}
                okButtonProps={{ danger: true }}
                onConfirm={() => revoke(r)}
              >
                <Button type="link" danger size="small" icon={<DisconnectOutlined />}>
                  {r.current ? t('auth.logout') : t('session.revoke')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
  );
}
