import type { ReactNode } from 'react';
import {
  ApartmentOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BankOutlined,
  BellOutlined,
  BookOutlined,
  ClusterOutlined,
  ControlOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  DesktopOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  GlobalOutlined,
  HistoryOutlined,
  HomeOutlined,
  IdcardOutlined,
  KeyOutlined,
  LockOutlined,
  LoginOutlined,
  MessageOutlined,
  NotificationOutlined,
  PhoneOutlined,
  ProfileOutlined,
  SafetyCertificateOutlined,
  SafetyOutlined,
  SettingOutlined,
  SolutionOutlined,
  TeamOutlined,
  ToolOutlined,
  UnorderedListOutlined,
  UserOutlined,
  UserSwitchOutlined,
} from '@ant-design/icons';

// Menu icons by the `icon` name sent by the server. Names are normalised, so 'TeamOutlined',
// 'team', 'team-outlined' and 'Team' all resolve to the same icon.
const ICONS: Record<string, ReactNode> = {
  apartment: <ApartmentOutlined />,
  appstore: <AppstoreOutlined />,
  audit: <AuditOutlined />,
  bank: <BankOutlined />,
  bell: <BellOutlined />,
  book: <BookOutlined />,
  cluster: <ClusterOutlined />,
  control: <ControlOutlined />,
  dashboard: <DashboardOutlined />,
  database: <DatabaseOutlined />,
  desktop: <DesktopOutlined />,
  filesearch: <FileSearchOutlined />,
  filetext: <FileTextOutlined />,
  global: <GlobalOutlined />,
  history: <HistoryOutlined />,
  home: <HomeOutlined />,
  idcard: <IdcardOutlined />,
  key: <KeyOutlined />,
  lock: <LockOutlined />,
  login: <LoginOutlined />,
  message: <MessageOutlined />,
  notification: <NotificationOutlined />,
  phone: <PhoneOutlined />,
  profile: <ProfileOutlined />,
  safetycertificate: <SafetyCertificateOutlined />,
  safety: <SafetyOutlined />,
  setting: <SettingOutlined />,
  solution: <SolutionOutlined />,
  team: <TeamOutlined />,
  tool: <ToolOutlined />,
  unorderedlist: <UnorderedListOutlined />,
  user: <UserOutlined />,
  userswitch: <UserSwitchOutlined />,
  // common aliases
  system: <SettingOutlined />,
  settings: <SettingOutlined />,
  security: <SafetyCertificateOutlined />,
  shield: <SafetyCertificateOutlined />,
  tenant: <BankOutlined />,
  tenants: <BankOutlined />,
  org: <ApartmentOutlined />,
  orgs: <ApartmentOutlined />,
  users: <TeamOutlined />,
  role: <KeyOutlined />,
  roles: <KeyOutlined />,
  dict: <BookOutlined />,
  dicts: <BookOutlined />,
  config: <ControlOutlined />,
  session: <DesktopOutlined />,
  sessions: <DesktopOutlined />,
  log: <FileTextOutlined />,
  logs: <FileTextOutlined />,
  messages: <MessageOutlined />,
  mail: <MessageOutlined />,
};

export function normaliseIconName(name: string): string {
  return name
    .replace(/(Outlined|Filled|TwoTone)$/, '')
    .replace(/[-_\s]/g, '')
    .toLowerCase()
    .replace(/(outlined|filled|twotone)$/, '');
}

export function menuIcon(name: string | undefined): ReactNode {
  if (!name) return undefined;
  return ICONS[normaliseIconName(name)] ?? <AppstoreOutlined />;
}
