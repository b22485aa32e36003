import dgram from 'node:dgram';
import net from 'node:net';
import { createAudioSdp, serializeSdp, SipStack } from '../../src/sip/index.js';
import type { SipStackOptions } from '../../src/sip/index.js';

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
