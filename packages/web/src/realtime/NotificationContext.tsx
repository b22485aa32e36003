import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BellOutlined } from '@ant-design/icons';
import { api, getToken } from '../api/client';
import { getNotification } from '../api/feedback';
import type { NotificationPage, RealtimeNotification } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { PERM } from '../auth/permissions';
import { RealtimeSocket, type SocketState } from './socket';

interface NotificationContextValue {
  /** The user has an inbox (message:read). */
  enabled: boolean;
  unread: number;
  /** Increments on every realtime notification so lists can reload. */
  version: number;
  /** Realtime notifications received since the page was opened, newest first. */
  recent: RealtimeNotification[];
  socketState: SocketState;
  refreshUnread: () => Promise<void>;
  /** Takes the unread count reported by a list response. */
  syncUnread: (count: number) => void;
  markRead: (id: string) => Promise<void>;
}

const NotificationContext = createContext<NotificationContextValue>({
  enabled: false,
  unread: 0,
  version: 0,
  recent: [],
  socketState: 'idle',
  refreshUnread: async () => undefined,
  syncUnread: () => undefined,
  markRead: async () => undefined,
});

export function useNotifications(): NotificationContextValue {
  return useContext(NotificationContext);
}

function isRealtimeNotification(v: unknown): v is { type: 'notification'; data: RealtimeNotification } {
  if (!v || typeof v !== 'object') return false;
  const o = v as { type?: unknown; data?: unknown };
  return o.type === 'notification' && typeof o.data === 'object' && o.data !== null;
}

export function NotificationProvider({ children }: { children: ReactNode }) {
  const { me, can } = useAuth();
  // Without message:read there is no inbox: no polling, no socket, no bell.
  const enabled = can(PERM.notificationRead);
  const { t } = useTranslation();
  const [unread, setUnread] = useState(0);
  const [version, setVersion] = useState(0);
  const [recent, setRecent] = useState<RealtimeNotification[]>([]);
  const [socketState, setSocketState] = useState<SocketState>('idle');
  const tRef = useRef(t);
  tRef.current = t;

  const refreshUnread = useCallback(async () => {
    if (!enabled) return;
    try {
      const res = await api.get<NotificationPage>('/notifications', { unread: true, page: 1, pageSize: 1 }, { silent: true });
      setUnread(typeof res.unread === 'number' ? res.unread : (res.total ?? 0));
    } catch {
      /* the bell is best-effort */
    }
  }, [enabled]);

  const markRead = useCallback(async (id: string) => {
    await api.post(`/notifications/${encodeURIComponent(id)}/read`, {});
    setUnread((n) => Math.max(0, n - 1));
    setRecent((list) => list.filter((x) => x.id !== id));
    setVersion((v) => v + 1);
  }, []);

  const userId = me?.user.id;
  useEffect(() => {
    if (!userId || !enabled) return;
    void refreshUnread();
    const socket = new RealtimeSocket({
      token: () => getToken(),
      onState: setSocketState,
      onMessage: (msg) => {
        if (!isRealtimeNotification(msg)) return;
        const n = msg.data;
        setUnread((c) => c + 1);
        setVersion((v) => v + 1);
        setRecent((list) => [n, ...list.filter((x) => x.id !== n.id)].slice(0, 20));
        getNotification().open({
          key: `notification-${n.id}`,
          icon: <BellOutlined style={{ color: '#1456b8' }} />,
          message: n.title || tRef.current('messages.newNotification'),
          description: n.body,
          placement: document.documentElement.dir === 'rtl' ? 'topLeft' : 'topRight',
          duration: 6,
        });
      },
      onReconnected: () => {
        // Anything missed while disconnected is counted again from the server.
        void refreshUnread();
      },
    });
    socket.start();
    return () => socket.stop();
  }, [userId, enabled, refreshUnread]);

  const syncUnread = useCallback((count: number) => setUnread(count), []);

  const value = useMemo(
    () => ({ enabled, unread, version, recent, socketState, refreshUnread, syncUnread, markRead }),
    [enabled, unread, version, recent, socketState, refreshUnread, syncUnread, markRead],
  );
  return <NotificationContext.Provider value={value}>{children}</NotificationContext.Provider>;
}
