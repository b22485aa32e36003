import { lazy, Suspense, useEffect, type ComponentType, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { App as AntApp, Spin } from 'antd';
import { setRestrictedHandler, setUnauthorizedHandler } from './api/client';
import { setFeedback } from './api/feedback';
import { AuthProvider, useAuth } from './auth/AuthContext';
import { MenuGuard, RequireAuth } from './auth/RequireAuth';
import { LocaleProvider } from './i18n/LocaleProvider';
import { AppLayout } from './layout/AppLayout';
import { NotificationProvider } from './realtime/NotificationContext';
import { LoginPage } from './pages/login/LoginPage';
import { NotFoundPage } from './pages/errors/NotFoundPage';

function page(loader: () => Promise<{ default: ComponentType }>) {
  return lazy(loader);
}

const DashboardPage = page(() => import('./pages/dashboard/DashboardPage'));
const TenantsPage = page(() => import('./pages/system/TenantsPage'));
const OrgsPage = page(() => import('./pages/system/OrgsPage'));
const UsersPage = page(() => import('./pages/system/UsersPage'));
const RolesPage = page(() => import('./pages/system/RolesPage'));
const DictsPage = page(() => import('./pages/system/DictsPage'));
const ConfigPage = page(() => import('./pages/system/ConfigPage'));
const SessionsPage = page(() => import('./pages/security/SessionsPage'));
const AuditLogsPage = page(() => import('./pages/audit/AuditLogsPage'));
const LoginLogsPage = page(() => import('./pages/audit/LoginLogsPage'));
const AccessLogsPage = page(() => import('./pages/audit/AccessLogsPage'));
const MessagesPage = page(() => import('./pages/messages/MessagesPage'));
const ProfilePage = page(() => import('./pages/profile/ProfilePage'));
const TimeLimitsPage = page(() => import('./pages/catalog/TimeLimitsPage'));
const EnterprisesPage = page(() => import('./pages/catalog/EnterprisesPage'));
const ResponsibilitiesPage = page(() => import('./pages/catalog/ResponsibilitiesPage'));
const ElementsPage = page(() => import('./pages/catalog/ElementsPage'));
const CatalogItemsPage = page(() => import('./pages/catalog/ItemsPage'));
const CatalogReviewsPage = page(() => import('./pages/catalog/ReviewsPage'));
const NewTicketPage = page(() => import('./pages/tickets/NewTicketPage'));
const TicketDispatchPage = page(() => import('./pages/tickets/DispatchPage'));
const TicketReviewPage = page(() => import('./pages/tickets/ReviewPage'));
const TicketTasksPage = page(() => import('./pages/tickets/TasksPage'));
const TicketCallbacksPage = page(() => import('./pages/tickets/CallbacksPage'));
const TicketSupervisionPage = page(() => import('./pages/tickets/SupervisionPage'));
const SlaRulesPage = page(() => import('./pages/tickets/SlaRulesPage'));
const TicketSearchPage = page(() => import('./pages/tickets/TicketSearchPage'));
const TicketDetailPage = page(() => import('./pages/tickets/TicketDetailPage'));
const CallRecordsPage = page(() => import('./pages/telephony/CallRecordsPage'));
const SoftphonePage = page(() => import('./pages/telephony/SoftphonePage'));
const AgentsPage = page(() => import('./pages/telephony/AgentsPage'));
const AssistModelsPage = page(() => import('./pages/assist/AssistModelsPage'));
const KbSearchPage = page(() => import('./pages/knowledge/SearchPage'));
const KbArticlesPage = page(() => import('./pages/knowledge/ArticlesPage'));
const KbReviewsPage = page(() => import('./pages/knowledge/ReviewsPage'));
const KbRecyclePage = page(() => import('./pages/knowledge/RecyclePage'));
const KbConfigPage = page(() => import('./pages/knowledge/ConfigPage'));
const H5SubmitPage = page(() => import('./pages/tickets/h5/H5SubmitPage'));
const H5QueryPage = page(() => import('./pages/tickets/h5/H5QueryPage'));
const H5EvaluatePage = page(() => import('./pages/tickets/h5/H5EvaluatePage'));

/** Hands antd's context-aware message/notification/modal to non-React code (api client). */
function FeedbackBridge() {
  const { message, notification, modal } = AntApp.useApp();
  useEffect(() => setFeedback({ message, notification, modal }), [message, notification, modal]);
  return null;
}

/** On 401 (session expired / required) the client clears the token; we reset state and go to /login. */
function SessionBridge() {
  const navigate = useNavigate();
  const location = useLocation();
  const { reset, loadMe } = useAuth();
  const from = location.pathname + location.search;
  useEffect(() => {
    setUnauthorizedHandler(() => {
      reset();
      if (window.location.pathname !== '/login') navigate('/login', { replace: true, state: { from } });
    });
    setRestrictedHandler((restriction) => {
      // Refresh /me so the restriction (and empty menus) show, then send the user to the fix.
      void loadMe().catch(() => undefined);
      navigate(`/profile?tab=${restriction === 'password-change' ? 'password' : 'mfa'}`, { replace: true });
    });
  }, [navigate, reset, loadMe, from]);
  return null;
}

function PageFallback() {
  return (
    <div style={{ padding: 80, textAlign: 'center' }}>
      <Spin size="large" />
    </div>
  );
}

function guarded(path: string, element: ReactNode) {
  return (
    <MenuGuard path={path}>
      <Suspense fallback={<PageFallback />}>{element}</Suspense>
    </MenuGuard>
  );
}

function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      {/* Citizen H5 pages: public, outside the app layout. */}
      <Route path="/h5/submit" element={<Suspense fallback={<PageFallback />}><H5SubmitPage /></Suspense>} />
      <Route path="/h5/query" element={<Suspense fallback={<PageFallback />}><H5QueryPage /></Suspense>} />
      <Route path="/h5/evaluate" element={<Suspense fallback={<PageFallback />}><H5EvaluatePage /></Suspense>} />
      <Route
        path="/"
        element={
          <RequireAuth>
            <NotificationProvider>
              <AppLayout />
            </NotificationProvider>
          </RequireAuth>
        }
      >
        <Route index element={<Navigate to="/dashboard" replace />} />
        <Route path="dashboard" element={<Suspense fallback={<PageFallback />}><DashboardPage /></Suspense>} />
        <Route path="system/tenants" element={guarded('/system/tenants', <TenantsPage />)} />
        <Route path="system/orgs" element={guarded('/system/orgs', <OrgsPage />)} />
        <Route path="system/users" element={guarded('/system/users', <UsersPage />)} />
        <Route path="system/roles" element={guarded('/system/roles', <RolesPage />)} />
        <Route path="system/dicts" element={guarded('/system/dicts', <DictsPage />)} />
        <Route path="system/config" element={guarded('/system/config', <ConfigPage />)} />
        <Route path="security/sessions" element={guarded('/security/sessions', <SessionsPage />)} />
        <Route path="audit/logs" element={guarded('/audit/logs', <AuditLogsPage />)} />
        <Route path="audit/login-logs" element={guarded('/audit/login-logs', <LoginLogsPage />)} />
        <Route path="audit/access-logs" element={guarded('/audit/access-logs', <AccessLogsPage />)} />
        <Route path="messages" element={guarded('/messages', <MessagesPage />)} />
        <Route path="catalog/enterprises" element={guarded('/catalog/enterprises', <EnterprisesPage />)} />
        <Route path="catalog/time-limits" element={guarded('/catalog/time-limits', <TimeLimitsPage />)} />
        <Route path="catalog/responsibilities" element={guarded('/catalog/responsibilities', <ResponsibilitiesPage />)} />
        <Route path="catalog/elements" element={guarded('/catalog/elements', <ElementsPage />)} />
        <Route path="catalog/items" element={guarded('/catalog/items', <CatalogItemsPage />)} />
        <Route path="catalog/reviews" element={guarded('/catalog/reviews', <CatalogReviewsPage />)} />
        <Route path="tickets" element={<Navigate to="/tickets/search" replace />} />
        <Route path="tickets/search" element={guarded('/tickets/search', <TicketSearchPage />)} />
        <Route path="tickets/new" element={guarded('/tickets/new', <NewTicketPage />)} />
        <Route path="tickets/dispatch" element={guarded('/tickets/dispatch', <TicketDispatchPage />)} />
        <Route path="tickets/review" element={guarded('/tickets/review', <TicketReviewPage />)} />
        <Route path="tickets/tasks" element={guarded('/tickets/tasks', <TicketTasksPage />)} />
        <Route path="tickets/callbacks" element={guarded('/tickets/callbacks', <TicketCallbacksPage />)} />
        <Route path="tickets/supervision" element={guarded('/tickets/supervision', <TicketSupervisionPage />)} />
        <Route path="tickets/sla-rules" element={guarded('/tickets/sla-rules', <SlaRulesPage />)} />
        <Route path="assist/models" element={guarded('/assist/models', <AssistModelsPage />)} />
        <Route path="kb" element={<Navigate to="/kb/search" replace />} />
        <Route path="kb/search" element={guarded('/kb/search', <KbSearchPage />)} />
        <Route path="kb/articles" element={guarded('/kb/articles', <KbArticlesPage />)} />
        <Route path="kb/reviews" element={guarded('/kb/reviews', <KbReviewsPage />)} />
        <Route path="kb/recycle" element={guarded('/kb/recycle', <KbRecyclePage />)} />
        <Route path="kb/config" element={guarded('/kb/config', <KbConfigPage />)} />
        {/* The detail is reached from lists and links; the server decides who may see the ticket. */}
        <Route path="tickets/:id" element={<Suspense fallback={<PageFallback />}><TicketDetailPage /></Suspense>} />
        <Route path="telephony/calls" element={guarded('/telephony/calls', <CallRecordsPage />)} />
        <Route path="telephony/softphone" element={guarded('/telephony/softphone', <SoftphonePage />)} />
        <Route path="telephony/agents" element={guarded('/telephony/agents', <AgentsPage />)} />
        <Route path="profile" element={<Suspense fallback={<PageFallback />}><ProfilePage /></Suspense>} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <LocaleProvider>
      <FeedbackBridge />
      <BrowserRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <AuthProvider>
          <SessionBridge />
          <AppRoutes />
        </AuthProvider>
      </BrowserRouter>
    </LocaleProvider>
  );
}
