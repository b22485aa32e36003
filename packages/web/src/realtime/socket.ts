import { wsUrl } from '../api/client';

export type SocketState = 'idle' | 'connecting' | 'open' | 'closed';

export interface RealtimeSocketOptions {
  token: () => string | null;
  onMessage: (msg: unknown) => void;
  onState?: (state: SocketState) => void;
  onReconnected?: () => void;
  /** First retry delay in ms (doubles up to maxDelay, with jitter). */
  baseDelay?: number;
  maxDelay?: number;
}

/** WebSocket to /api/v1/ws?token=… that reconnects with exponential backoff. */
export class RealtimeSocket {
  private ws: WebSocket | null = null;
  private attempts = 0;
  private timer: number | null = null;
  private stopped = true;
  private everOpened = false;
  private heartbeat: number | null = null;

  constructor(private readonly opts: RealtimeSocketOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = null;
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onclose = ws.onerror = ws.onmessage = null;
      try {
        ws.close(1000, 'client stop');
      } catch {
        /* ignore */
      }
    }
    this.opts.onState?.('idle');
  }

  private connect(): void {
    if (this.stopped) return;
    const token = this.opts.token();
    if (!token) {
      this.opts.onState?.('closed');
      return;
    }
    this.opts.onState?.('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(wsUrl(token));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempts = 0;
      this.opts.onState?.('open');
      if (reconnected) this.opts.onReconnected?.();
      // Keep proxies from closing an idle connection; the server answers {type:'pong'}.
      this.stopHeartbeat();
      this.heartbeat = window.setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping' }));
      }, 25_000);
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      try {
        this.opts.onMessage(JSON.parse(ev.data));
      } catch {
        /* ignore malformed frames */
      }
    };
    ws.onclose = () => {
      this.ws = null;
      this.stopHeartbeat();
      this.opts.onState?.('closed');
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) window.clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer !== null) return;
    const base = this.opts.baseDelay ?? 1000;
    const max = this.opts.maxDelay ?? 30_000;
    const delay = Math.min(max, base * 2 ** this.attempts) * (0.75 + Math.random() * 0.5);
    this.attempts += 1;
    this.timer = window.setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }
}
