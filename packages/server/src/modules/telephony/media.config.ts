/**
 * Configuration of the media role (SIP/RTP engine). Read from the environment, like the rest of
 * the deployment configuration, next to the platform's AppConfig (which stays untouched so the
 * role can be added or removed without changing the kernel). Off unless HOTLINE_MEDIA_ENABLED=true.
 */
import { resolve } from 'node:path';

export interface MediaRoleConfig {
  enabled: boolean;
  /** SIP listener (UDP, and TCP on the same port). */
  sipHost: string;
  sipPort: number;
  /** Address written into Via/Contact and SDP; needed when sipHost is 0.0.0.0. */
  publicAddress?: string;
  sipDomain: string;
  rtpMin: number;
  rtpMax: number;
  /** Dialled numbers the engine answers, e.g. ['12345']. */
  numbers: string[];
  /** Agent phones allowed to register: username → password (HOTLINE_SIP_USERS="1001:pw,1002:pw"). */
  sipUsers: Map<string, string>;
  /** Where callers waiting in a queue are sent until the CTI's ACD exists (an extension or SIP URI). */
  queueTarget?: string;
  recordingsDir: string;
  promptsDir: string;
  cdrDir: string;
  /** Hang up callers that send no RTP for this long (0 = never). */
  rtpTimeoutMs: number;
  /** Code of the tenant owning the hotline numbers; CDR rows carry its id (default 650000, 自治区). */
  tenantCode: string;
}

type Env = Record<string, string | undefined>;

function int(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer ${min}-${max}, got ${JSON.stringify(value)}`);
  return n;
}

export function loadMediaConfig(env: Env, dataDir: string): MediaRoleConfig {
  const rtpMin = int(env.HOTLINE_RTP_PORT_MIN, 20000, 'HOTLINE_RTP_PORT_MIN', 1024, 65534);
  const rtpMax = int(env.HOTLINE_RTP_PORT_MAX, 29999, 'HOTLINE_RTP_PORT_MAX', 1025, 65535);
  if (rtpMax - rtpMin < 3) throw new Error('HOTLINE_RTP_PORT_MAX must be at least HOTLINE_RTP_PORT_MIN + 3');
  const users = new Map<string, string>();
  for (const entry of (env.HOTLINE_SIP_USERS ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new Error('HOTLINE_SIP_USERS entries are user:password');
    users.set(entry.slice(0, colon), entry.slice(colon + 1));
  }
  const numbers = (env.HOTLINE_MEDIA_NUMBERS ?? '12345').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    enabled: env.HOTLINE_MEDIA_ENABLED === 'true',
    sipHost: env.HOTLINE_SIP_HOST || '0.0.0.0',
    sipPort: int(env.HOTLINE_SIP_PORT, 5060, 'HOTLINE_SIP_PORT', 0, 65535),
    ...(env.HOTLINE_SIP_PUBLIC_ADDRESS ? { publicAddress: env.HOTLINE_SIP_PUBLIC_ADDRESS } : {}),
    sipDomain: env.HOTLINE_SIP_DOMAIN || 'hotline.local',
    rtpMin,
    rtpMax,
    numbers,
    sipUsers: users,
    ...(env.HOTLINE_MEDIA_QUEUE_TARGET ? { queueTarget: env.HOTLINE_MEDIA_QUEUE_TARGET } : {}),
    recordingsDir: resolve(dataDir, 'recordings'),
    promptsDir: resolve(dataDir, 'prompts'),
    cdrDir: resolve(dataDir, 'cdr'),
    rtpTimeoutMs: int(env.HOTLINE_RTP_TIMEOUT_MS, 120_000, 'HOTLINE_RTP_TIMEOUT_MS', 0, 86_400_000),
    tenantCode: env.HOTLINE_MEDIA_TENANT || '650000',
  };
}
