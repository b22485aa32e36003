import dgram from 'node:dgram';
import net from 'node:net';
import { createAudioSdp, parseSipMessage, serializeSdp, SipStack } from '../../src/sip/index.js';
import type { SipMessage, SipStackOptions } from '../../src/sip/index.js';

/** Fast timers: loopback round trips are sub-millisecond, so T1 = 50 ms keeps tests quick. */
export const FAST_TIMERS = { t1: 50, t2: 400, t4: 500, timerD: 500 };

export function audioSdp(port: number, direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive' = 'sendrecv'): string {
  return serializeSdp(createAudioSdp({ address: '127.0.0.1', port, direction }));
}

export async function loopbackStack(options: Partial<SipStackOptions> = {}): Promise<SipStack> {
  return SipStack.create({
    udp: { port: 0, host: '127.0.0.1' },
    tcp: { port: 0, host: '127.0.0.1' },
    domain: 'hotline.test',
    publicAddress: '127.0.0.1',
    timers: FAST_TIMERS,
    ...options,
  });
}

/** Resolves with the arguments of the next emission of `event`. */
export function next<T extends unknown[]>(emitter: { once: (event: never, fn: never) => unknown }, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), timeoutMs);
    const listener = (...args: T): void => {
      clearTimeout(timer);
      resolve(args);
    };
    (emitter.once as (event: string, fn: (...args: T) => void) => unknown)(event, listener);
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A free port for both UDP and TCP on 127.0.0.1 (as free as a probe can tell). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const p = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port');
}

async function bindUdp(port: number): Promise<dgram.Socket | undefined> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => resolve(undefined));
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

/**
 * A media port for SIPp's -mp: SIPp binds audio RTP/RTCP there and video RTP/RTCP two above, so
 * all four UDP ports must be free (one free port was not enough: its video socket once hit a port
 * another suite's RTP session held).
 */
export async function freeMediaPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = await bindUdp(0);
    if (!probe) continue;
    const base = probe.address().port & ~1;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    if (base + 3 > 65535) continue;
    const held = await Promise.all([0, 1, 2, 3].map((i) => bindUdp(base + i)));
    await Promise.all(held.map((s) => (s ? new Promise<void>((resolve) => s.close(() => resolve())) : undefined)));
    if (held.every(Boolean)) return base;
  }
  throw new Error('no four consecutive free UDP ports');
}

/** Sends raw bytes over UDP and collects replies for a while. */
export async function udpExchange(port: number, payload: string | Buffer, waitMs = 300): Promise<string[]> {
  const socket = dgram.createSocket('udp4');
  const replies: string[] = [];
  socket.on('message', (data) => replies.push(data.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  await new Promise<void>((resolve, reject) => socket.send(payload, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  await delay(waitMs);
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return replies;
}

/** A scripted UDP peer that records every SIP message it receives. */
export interface RawPeer {
  port: number;
  received: SipMessage[];
  /** Sends text with LF line ends turned into CRLF. */
  send: (text: string, port: number) => void;
  waitFor: (predicate: (m: SipMessage) => boolean, ms?: number) => Promise<SipMessage>;
  close: () => void;
}

export async function rawUdpPeer(): Promise<RawPeer> {
  const socket = dgram.createSocket('udp4');
  const received: SipMessage[] = [];
  socket.on('message', (data) => {
    try {
      received.push(parseSipMessage(data));
    } catch {
      // not SIP; ignore
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  return {
    port,
    received,
    send: (text, to) => socket.send(Buffer.from(text.replace(/\n/g, '\r\n')), to, '127.0.0.1'),
    waitFor: async (predicate, ms = 5_000) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const found = received.find(predicate);
        if (found) return found;
        await delay(10);
      }
      throw new Error('expected message did not arrive');
    },
    close: () => socket.close(),
  };
}

/** A hand-written INVITE from a raw peer; `headers` adds lines such as Session-Expires. */
export function rawInvite(fromPort: number, toPort: number, options: { branch?: string; contact?: string; callId?: string; headers?: string[] } = {}): string {
  const sdp = audioSdp(30_000).replace(/\r\n/g, '\n');
  return `INVITE sip:1001@127.0.0.1:${toPort} SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:${fromPort};branch=${options.branch ?? 'z9hG4bKraw1'};rport
From: <sip:caller@127.0.0.1>;tag=raw
To: <sip:1001@127.0.0.1>
Call-ID: ${options.callId ?? 'raw-call-1'}
CSeq: 1 INVITE
Contact: ${options.contact ?? `<sip:caller@127.0.0.1:${fromPort}>`}
Max-Forwards: 70
${(options.headers ?? []).map((h) => `${h}\n`).join('')}Content-Type: application/sdp
Content-Length: ${Buffer.byteLength(sdp.replace(/\n/g, '\r\n'))}

${sdp}`;
}

export const isStatus = (status: number) => (m: SipMessage): boolean => m.kind === 'response' && m.status === status;
export const isMethod = (method: string) => (m: SipMessage): boolean => m.kind === 'request' && m.method === method;
