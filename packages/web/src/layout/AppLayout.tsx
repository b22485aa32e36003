import { useEffect, useMemo, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { ProLayout, type MenuDataItem } from '@ant-design/pro-components';
import { Alert, Avatar, Button, Dropdown, Tag, Tooltip } from 'antd';
import type { MenuProps } from 'antd';
import {
  BankOutlined,
  DesktopOutlined,
  KeyOutlined,
  LogoutOutlined,
  SafetyCertificateOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { MenuNode } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useLocale } from '../i18n/LocaleProvider';
import { LangSwitch } from './LangSwitch';
import { NotificationBell } from './NotificationBell';
import { menuIcon } from './icons';
import { AppFooter } from './AppFooter';

function toMenuData(nodes: MenuNode[], t: TFunction): MenuDataItem[] {
  return nodes.map((n) => {
    const children = n.children && n.children.length > 0 ? toMenuData(n.children, t) : undefined;
    return {
      key: n.key || n.path,
      path: n.path || `/__group/${n.key}`,
      name: t(n.titleKey, { defaultValue: n.titleKey || n.key }),
      icon: menuIcon(n.icon),
      children,
    };
  });
}

/** Names from the root to the menu item of `pathname` (for the breadcrumb). */
function menuTrail(nodes: MenuDataItem[], pathname: string, trail: string[] = []): string[] | undefined {
  for (const n of nodes) {
    const here = [...trail, n.name ?? ''];
    if (n.path === pathname) return here;
    const sub = n.children ? menuTrail(n.children, pathname, here) : undefined;
    if (sub) return sub;
  }
  return undefined;
}

function findTitle(nodes: MenuDataItem[], pathname: string): string | undefined {
  for (const n of nodes) {
    if (n.path === pathname) return n.name;
    const sub = n.children ? findTitle(n.children, pathname) : undefined;
    if (sub) return sub;
  }
  return undefined;
}

export function AppLayout() {
  const { me, logout, flags } = useAuth();
  const { t } = useTranslation();
  const { locale } = useLocale();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);

  const menuData = useMemo(() => toMenuData(me?.menus ?? [], t), [me, t]);
  const productName = t('app.productName');

  useEffect(() => {
    const title =
      findTitle(menuData, location.pathname) ??
      (location.pathname.startsWith('/profile') ? t('profile.title') : undefined);
    document.title = title ? `${title} - ${productName}` : productName;
  }, [menuData, location.pathname, productName, t]);

  if (!me) return null;
  const user = me.user;

  const userMenu: MenuProps['items'] = [
    { key: 'profile', icon: <UserOutlined />, label: t('profile.title') },
    { key: 'password', icon: <KeyOutlined />, label: t('profile.tab.password') },
    { key: 'mfa', icon: <SafetyCertificateOutlined />, label: t('profile.tab.mfa') },
    { key: 'sessions', icon: <DesktopOutlined />, label: t('profile.tab.sessions') },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: t('auth.logout'), danger: true },
  ];

  const doLogout = async () => {
    await logout();
    navigate('/login', { replace: true });
  };

  return (
    <ProLayout
      className="app-layout"
      title={productName}
      logo={<img src="/favicon.svg" alt="12345" />}
      layout="mix"
      fixSiderbar
      fixedHeader
      splitMenus={false}
      siderWidth={224}
      collapsed={collapsed}
      onCollapse={setCollapsed}
      locale={locale === 'zh-CN' ? 'zh-CN' : 'en-US'}
      location={{ pathname: location.pathname }}
      route={{ path: '/', children: menuData }}
      menu={{ locale: false, defaultOpenAll: true, ignoreFlatMenu: true }}
      pageTitleRender={false}
      // Breadcrumbs follow the server's menu tree (product → page), not the URL segments.
      breadcrumbRender={() => {
        const trail =
          menuTrail(menuData, location.pathname) ??
          (location.pathname.startsWith('/profile') ? [t('profile.title')] : undefined);
        return trail && trail.length > 1 ? trail.map((title) => ({ title })) : [];
      }}
      onMenuHeaderClick={() => navigate('/dashboard')}
      menuItemRender={(item, dom) =>
        item.path && !item.path.startsWith('/__group/') ? <Link to={item.path}>{dom}</Link> : dom
      }
      headerTitleRender={(logo) => (
        <Link to="/dashboard" className="brand">
          {logo}
          <span className="brand-text">
            <span className="brand-name" data-testid="product-name">{productName}</span>
            <span className="brand-sub">{t('app.platformName')}</span>
          </span>
        </Link>
      )}
      token={{
        header: {
          colorBgHeader: '#0f3c8c',
          colorHeaderTitle: '#ffffff',
          colorTextRightActionsItem: 'rgba(255,255,255,0.92)',
          colorBgRightActionsItemHover: 'rgba(255,255,255,0.12)',
          heightLayoutHeader: 60,
        },
        sider: {
          colorMenuBackground: '#ffffff',
          colorTextMenuSelected: '#1456b8',
          colorBgMenuItemSelected: '#e8f0fc',
          colorTextMenuActive: '#1456b8',
        },
        pageContainer: {
          paddingBlockPageContainerContent: 16,
          paddingInlinePageContainerContent: 20,
        },
      }}
      actionsRender={() => [
        <Tooltip key="tenant" title={t('layout.currentTenant')} placement="bottom">
          <Tag icon={<BankOutlined />} className="tenant-tag" data-testid="current-tenant">
            {user.tenantName}
          </Tag>
        </Tooltip>,
        <LangSwitch key="lang" theme="dark" />,
        <NotificationBell key="bell" />,
        <Dropdown
          key="user"
          placement="bottomRight"
          menu={{
            items: userMenu,
            onClick: ({ key }) => {
              if (key === 'logout') void doLogout();
              else if (key === 'profile') navigate('/profile');
              else navigate(`/profile?tab=${key}`);
            },
          }}
        >
          <span className="header-action user-menu" data-testid="user-menu">
            <Avatar size="small" style={{ background: '#f5a623' }} icon={<UserOutlined />} />
            <span className="user-name">{user.displayName || user.username}</span>
          </span>
        </Dropdown>,
        <Tooltip key="logout" title={t('auth.logout')} placement="bottom">
          <Button
            type="text"
            className="header-logout"
            data-testid="logout"
            icon={<LogoutOutlined />}
            onClick={() => void doLogout()}
            aria-label={t('auth.logout')}
          >
            <span className="header-logout-text">{t('auth.logout')}</span>
          </Button>
        </Tooltip>,
      ]}
      footerRender={() => <AppFooter />}
    >
      {(flags.mfaEnrollRequired || flags.mustChangePassword) && !location.pathname.startsWith('/profile') && (
        <div className="layout-banners">
          {flags.mustChangePassword && (
            <Alert
              type="warning"
              showIcon
              banner
              message={t('auth.mustChangePasswordBanner')}
              action={
                <Button size="small" type="primary" onClick={() => navigate('/profile?tab=password')}>
                  {t('auth.goChangePassword')}
                </Button>
              }
            />
          )}
          {flags.mfaEnrollRequired && (
            <Alert
              type="warning"
              showIcon
              banner
              message={t('auth.mfaEnrollBanner')}
              action={
                <Button size="small" type="primary" onClick={() => navigate('/profile?tab=mfa')}>
                  {t('auth.goEnrollMfa')}
                </Button>
              }
            />
          )}
        </div>
      )}
      <Outlet />
    </ProLayout>
  );
}
