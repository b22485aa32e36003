/** IPv6: bracketed hosts in URIs and Via, udp6 sockets. Skipped where the host has no ::1. */
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { SipStack } from '../../src/sip/index.js';
import { audioSdp, FAST_TIMERS } from './helpers.js';

const hasIpv6Loopback = await new Promise<boolean>((resolve) => {
  const socket = dgram.createSocket('udp6');
  socket.once('error', () => resolve(false));
  socket.bind(0, '::1', () => socket.close(() => resolve(true)));
});

describe.skipIf(!hasIpv6Loopback)('SIP over IPv6', () => {
  it('calls, holds and hangs up over UDP and TCP on ::1', async () => {
    const make = (): Promise<SipStack> =>
      SipStack.create({ udp: { port: 0, host: '::1' }, tcp: { port: 0, host: '::1' }, domain: 'hotline.test', publicAddress: '::1', timers: FAST_TIMERS });
    const a = await make();
    const b = await make();
    try {
      const vias: string[] = [];
      b.on('invite', (c) => {
        vias.push(c.request.headers.get('Via') ?? '');
        c.answer(audioSdp(4_000));
      });
      for (const suffix of ['', ';transport=tcp']) {
        const port = suffix ? b.tcpPort : b.udpPort;
        const call = a.call(`sip:x@[::1]:${port}${suffix}`, audioSdp(3_000));
        await call.waitAnswer();
        await call.hold();
        await call.bye();
      }
      expect(vias.map((v) => /^SIP\/2\.0\/(UDP|TCP) \[::1\]:\d+;/.test(v))).toEqual([true, true]);
      expect((await a.request('OPTIONS', `sip:[::1]:${b.udpPort}`)).status).toBe(200);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
