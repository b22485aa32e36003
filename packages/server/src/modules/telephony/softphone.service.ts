import { SoftphoneGateway } from '@hotline/voip';
import type { SipLogger, SoftphoneServerMessage, SoftphoneSession } from '@hotline/voip';
import type { Actor, Deps } from '../../platform/context.js';
import { hmacSm3Hex } from '../../platform/crypto/sm3.js';
import { extensionOf } from './agents.service.js';
import type { MediaRole } from './media.role.js';

/**
 * The browser softphone (坐席软电话): each logged-in agent's page holds a WebSocket to the server,
 * and the server holds, for that agent, a SIP registration of the agent's extension through the
 * WebRTC gateway of @hotline/voip. The media role bridges callers to that extension exactly as to a
 * desk phone, so the B2BUA, CDRs and recordings do not know the agent is in a browser.
 *
 * The gateway's registrations are authenticated like any phone's: each extension's digest
 * password is derived from the installation's index key, so only this server can register
 * extensions on behalf of browser agents, and nothing has to be configured or stored.
 */
export function softphonePassword(indexKeyHex: string, extension: string): string {
  return hmacSm3Hex(indexKeyHex, `sip-softphone:${extension}`).slice(0, 32);
}

export interface SoftphoneNetwork {
  /** Ports towards the media role, a range of their own so the engine and the gateway never race. */
  rtp: { min: number; max: number };
  /** The address browsers reach for WebRTC (default: every non-loopback interface). */
  iceHostAddress?: string;
  /** Fixed UDP ports for WebRTC, for the firewall between agents and the server. */
  icePortRange?: [number, number];
}

function portRange(env: Record<string, string | undefined>, name: string, min: number, max: number): [number, number] {
  const lo = Number(env[`${name}_MIN`] || min);
  const hi = Number(env[`${name}_MAX`] || max);
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1024 || hi > 65535 || hi - lo < 3) {
    throw new Error(`${name}_MIN/MAX must be integers 1024-65535 at least 4 apart`);
  }
  return [lo, hi];
}

/** HOTLINE_SOFTPHONE_RTP_PORT_MIN/MAX, HOTLINE_SOFTPHONE_ICE_ADDRESS, HOTLINE_SOFTPHONE_ICE_PORT_MIN/MAX. */
export function softphoneNetwork(env: Record<string, string | undefined>): SoftphoneNetwork {
  const [min, max] = portRange(env, 'HOTLINE_SOFTPHONE_RTP_PORT', 30000, 30999);
  return {
    rtp: { min, max },
    ...(env.HOTLINE_SOFTPHONE_ICE_ADDRESS ? { iceHostAddress: env.HOTLINE_SOFTPHONE_ICE_ADDRESS } : {}),
    ...(env.HOTLINE_SOFTPHONE_ICE_PORT_MIN ? { icePortRange: portRange(env, 'HOTLINE_SOFTPHONE_ICE_PORT', 0, 0) } : {}),
  };
}

export interface SoftphoneStatus {
  /** The media role runs in this process and the gateway is up. */
  enabled: boolean;
  /** The caller's extension, if one is assigned. */
  extension: string | null;
}

/** A connection from the page: messages to send to the browser, and a way to close it. */
export interface SoftphoneLink {
  send(message: SoftphoneServerMessage): void;
  close(code: number, reason: string): void;
}

export class SoftphoneService {
  private gateway: SoftphoneGateway | undefined;

  constructor(private readonly deps: Deps) {}

  /** Starts the gateway in front of the media role's registrar (main.ts, when media is enabled). */
  async start(media: MediaRole, opts: SoftphoneNetwork & { logger?: SipLogger }): Promise<void> {
    const logger = opts.logger;
    const { config } = media;
    const port = media.engine.stack.udpPort ?? config.sipPort;
    const host = config.sipHost === '0.0.0.0' ? '127.0.0.1' : config.sipHost;
    const indexKey = this.deps.config.keys.indexKeyHex;
    this.gateway = await SoftphoneGateway.create({
      registrar: { host, port, domain: config.sipDomain },
      password: (extension) => softphonePassword(indexKey, extension),
      rtp: { ...opts.rtp, bindAddress: host },
      sip: { host },
      ...(opts.iceHostAddress ? { iceHostAddress: opts.iceHostAddress } : {}),
      ...(opts.icePortRange ? { icePortRange: opts.icePortRange } : {}),
      ...(logger ? { logger } : {}),
    });
  }

  async status(actor: Actor): Promise<SoftphoneStatus> {
    return { enabled: this.gateway !== undefined, extension: (await extensionOf(this.deps.db, actor.userId)) ?? null };
  }

  /**
   * Registers the agent's extension for this connection. Refusals are messages the page shows
   * (no extension, media not running, registration refused), then the socket closes.
   */
  async connect(actor: Actor, link: SoftphoneLink): Promise<SoftphoneSession | undefined> {
    const refuse = (code: string, message: string): undefined => {
      link.send({ type: 'error', code, message });
      link.close(4000, code);
      return undefined;
    };
    if (!this.gateway) return refuse('MEDIA_DISABLED', '话务媒体服务未启用，软电话不可用，请联系管理员');
    const extension = await extensionOf(this.deps.db, actor.userId);
    if (!extension) return refuse('NO_EXTENSION', '您还没有分配坐席分机号，请联系管理员在“坐席分机”中分配');
    let session: SoftphoneSession;
    try {
      session = await this.gateway.attach(extension, { displayName: actor.displayName });
    } catch {
      return refuse('REGISTER_FAILED', `分机${extension}注册失败，请稍后重试`);
    }
    session.on('message', (m) => {
      link.send(m);
      if (m.type === 'closed') link.close(4001, m.reason);
    });
    return session;
  }

  async close(): Promise<void> {
    await this.gateway?.close();
    this.gateway = undefined;
  }
}
