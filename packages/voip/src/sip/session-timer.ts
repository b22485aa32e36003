/**
 * Session timers (RFC 4028): the dialog is refreshed by a re-INVITE every half interval; a side
 * that hears no refresh before the interval ends hangs up. This is what detects calls whose far
 * end vanished without a BYE.
 */
import type { SipMessage } from './message.js';

export type SessionRefresher = 'uac' | 'uas';

export interface SessionTimerConfig {
  /** Interval we ask for in our INVITEs (seconds, default 1800). */
  interval: number;
  /** Smallest interval we accept (Min-SE, seconds, default 90). */
  minSe: number;
}

export const DEFAULT_SESSION_TIMER: SessionTimerConfig = { interval: 1800, minSe: 90 };

export interface SessionExpires {
  seconds: number;
  refresher?: SessionRefresher;
}

/** Parses "1800;refresher=uac" (Session-Expires, compact "x"). */
export function parseSessionExpires(message: SipMessage): SessionExpires | undefined {
  const match = /^\s*(\d{1,9})\s*(;.*)?$/.exec(message.headers.get('Session-Expires') ?? '');
  if (!match) return undefined;
  const refresher = /;\s*refresher\s*=\s*(uac|uas)\b/i.exec(match[2] ?? '')?.[1]?.toLowerCase();
  const result: SessionExpires = { seconds: Number(match[1]) };
  if (refresher === 'uac' || refresher === 'uas') result.refresher = refresher;
  return result;
}

/** Whether a message's Supported or Require lists an option tag. */
export function hasOption(message: SipMessage, tag: string): boolean {
  return [...message.headers.getAll('Supported'), ...message.headers.getAll('Require')].some((v) => v.trim().toLowerCase() === tag);
}

export function minSeOf(message: SipMessage): number {
  const value = Number(message.headers.get('Min-SE')?.split(';')[0]);
  return Number.isFinite(value) ? value : 0;
}

/**
 * The UAS decision for an INVITE (RFC 4028 §9): undefined when the request asked for no timer,
 * 'too-small' when the interval is under our Min-SE (answer 422), or the negotiated timer.
 */
export function negotiateAsUas(request: SipMessage, config: SessionTimerConfig): SessionExpires | 'too-small' | undefined {
  const asked = parseSessionExpires(request);
  if (!asked) return undefined;
  const uacSupports = hasOption(request, 'timer');
  if (asked.seconds < config.minSe) {
    // Only a UAC that understands timers can act on 422; for the others we just raise it.
    if (uacSupports) return 'too-small';
    return { seconds: config.minSe, refresher: 'uas' };
  }
  // Without timer support the UAC cannot refresh, so we must (§9).
  return { seconds: asked.seconds, refresher: uacSupports ? (asked.refresher ?? 'uac') : 'uas' };
}

/** RFC 4028 names the refresher by its role in the refresh transaction, not in the call. */
export function weRefresh(timer: SessionExpires, weAreUac: boolean): boolean {
  return timer.refresher === (weAreUac ? 'uac' : 'uas');
}

/**
 * Runs one side's timer: as refresher, call `refresh` at half the interval; otherwise call
 * `expire` when the interval runs out less min(32 s, interval/3) (§10), unless `reset` came first.
 */
export class SessionTimer {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly refresh: () => void,
    private readonly expire: () => void,
  ) {}

  reset(seconds: number, refresher: boolean): void {
    this.stop();
    if (refresher) this.timer = setTimeout(this.refresh, (seconds / 2) * 1000);
    else this.timer = setTimeout(this.expire, (seconds - Math.min(32, seconds / 3)) * 1000);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
