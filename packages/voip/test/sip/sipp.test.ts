/**
 * Interoperability with a real peer: SIPp scenarios against our stack on loopback. Each run is
 * one call (-m 1, -timeout 20s); we check SIPp's exit code, its statistics, and our own view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerAudioOffer, parseSdp, serializeSdp, SipStack } from '../../src/sip/index.js';
import type { SipCallEnd, SipCallerId, SipInboundCall, SipRegisterEvent } from '../../src/sip/index.js';
import { audioSdp, next } from './helpers.js';
import { runSipp, sippAvailable, startSipp } from './sipp.js';
import type { SippResult } from './sipp.js';

const available = sippAvailable();
const USERS: Record<string, string> = { '1001': 'secret1001' };

function expectSuccess(result: SippResult): void {
  const detail = `exit ${result.exitCode}\n${result.errors}\n${result.output.slice(-3_000)}`;
  expect(result.exitCode, detail).toBe(0);
  expect(result.successful, detail).toBe(1);
  expect(result.failed, detail).toBe(0);
}

/** Answers like the B2BUA will: ring, then 200 with an SDP answer built from the offer. */
function answerWithSdp(call: SipInboundCall): void {
  call.ringing();
  const answer = answerAudioOffer(parseSdp(call.remoteSdp ?? ''), { address: '127.0.0.1', port: 41_000 });
  if (!answer) return call.reject(488);
  call.answer(serializeSdp(answer.sdp));
}

describe.skipIf(!available)('SIPp interoperability', () => {
  let stack: SipStack;
  const ports = (): Record<'udp' | 'tcp', number> => ({ udp: stack.udpPort ?? 0, tcp: stack.tcpPort ?? 0 });

  beforeAll(async () => {
    stack = await SipStack.create({
      udp: { port: 0, host: '127.0.0.1' },
      tcp: { port: 0, host: '127.0.0.1' },
      domain: 'hotline.test',
      publicAddress: '127.0.0.1',
      registrar: { users: (u) => USERS[u] },
      timers: { t1: 100, t2: 800, t4: 1_000, timerD: 1_000 },
    });
  });

  afterAll(async () => {
    await stack.close();
  });

  it.each(['udp', 'tcp'] as const)('REGISTER with digest auth over %s: 401 then 200', async (transport) => {
    const registered = next<[SipRegisterEvent]>(stack, 'register', 20_000);
    const result = await runSipp({ scenario: 'register-auth.xml', transport, remotePort: ports()[transport], args: ['-au', '1001', '-ap', 'secret1001'] });
    expectSuccess(result);
    const [event] = await registered;
    expect(event.username).toBe('1001');
    expect(stack.lookup('1001@hotline.test').some((b) => b.source.transport === transport)).toBe(true);
  });

  it('REGISTER with a wrong password is refused (403)', async () => {
    const result = await runSipp({ scenario: 'register-bad-password.xml', transport: 'udp', remotePort: ports().udp, args: ['-au', '1001', '-ap', 'wrong'] });
    expectSuccess(result);
  });

  it.each(['udp', 'tcp'] as const)('inbound call over %s: 180, 200 with SDP, ACK, BYE from the caller', async (transport) => {
    const seen: string[] = [];
    const callerIds: SipCallerId[] = [];
    const ended = new Promise<SipCallEnd>((resolve) => {
      stack.once('invite', (call) => {
        seen.push(call.remoteParty.displayName ?? '');
        callerIds.push(call.callerId);
        call.on('ack', () => seen.push('ack'));
        call.on('bye', () => seen.push('bye'));
        call.on('terminated', resolve);
        answerWithSdp(call);
      });
    });
    const result = await runSipp({ scenario: 'uac-call.xml', transport, remotePort: ports()[transport] });
    expectSuccess(result);
    expect(await ended).toEqual({ reason: 'remote-bye' });
    expect(seen).toEqual(['SIPp caller', 'ack', 'bye']);
    expect(callerIds).toEqual([{ number: '13800000000', displayName: 'SIPp caller', uri: 'sip:13800000000@127.0.0.1:' + callerIds[0]?.uri.split(':').pop(), withheld: false, source: 'from' }]);
  });

  it.each(['udp', 'tcp'] as const)('CANCEL during ringing over %s gets 487', async (transport) => {
    const cancelled = new Promise<SipCallEnd>((resolve) => {
      stack.once('invite', (call) => {
        call.on('terminated', resolve);
        call.ringing();
      });
    });
    const result = await runSipp({ scenario: 'uac-cancel.xml', transport, remotePort: ports()[transport] });
    expectSuccess(result);
    expect(await cancelled).toEqual({ reason: 'cancelled', status: 487 });
  });

  it('re-INVITE hold (a=sendonly) and unhold, with INFO DTMF in between', async () => {
    const directions: string[] = [];
    const digits: string[] = [];
    const ended = new Promise<SipCallEnd>((resolve) => {
      stack.once('invite', (call) => {
        call.on('reinvite', (r) => {
          directions.push(r.direction ?? '');
          const previous = call.localSdp !== undefined ? parseSdp(call.localSdp) : undefined;
          const answer = answerAudioOffer(parseSdp(r.offer ?? ''), { address: '127.0.0.1', port: 41_000, ...(previous ? { previous } : {}) });
          if (answer) r.accept(serializeSdp(answer.sdp));
          else r.reject(488);
        });
        call.on('info', (info) => digits.push(info.dtmf?.signal ?? '?'));
        call.on('terminated', resolve);
        answerWithSdp(call);
      });
    });
    const result = await runSipp({ scenario: 'uac-hold.xml', transport: 'udp', remotePort: ports().udp });
    expectSuccess(result);
    expect(await ended).toEqual({ reason: 'remote-bye' });
    expect(directions).toEqual(['sendonly', 'sendrecv']);
    expect(digits).toEqual(['5']);
  });

  it('REFER (blind transfer) in a call: 202, NOTIFY 100 then NOTIFY 200, BYE', async () => {
    const targets: string[] = [];
    const ended = new Promise<SipCallEnd>((resolve) => {
      stack.once('invite', (call) => {
        call.on('refer', (refer) => {
          targets.push(refer.target);
          // The B2BUA would place the new call here; report success once it is up.
          setTimeout(() => refer.notify(200), 50);
        });
        call.on('terminated', resolve);
        answerWithSdp(call);
      });
    });
    const result = await runSipp({ scenario: 'uac-refer.xml', transport: 'udp', remotePort: ports().udp });
    expectSuccess(result);
    expect(await ended).toEqual({ reason: 'remote-bye' });
    expect(targets).toEqual(['sip:2000@hotline.test']);
  });

  it('refuses an unknown method (501), an unsupported one (405) and an unknown dialog (481)', async () => {
    const result = await runSipp({ scenario: 'refusals.xml', transport: 'udp', remotePort: ports().udp });
    expectSuccess(result);
  });

  it.each(['udp', 'tcp'] as const)('OPTIONS over %s', async (transport) => {
    const result = await runSipp({ scenario: 'options.xml', transport, remotePort: ports()[transport] });
    expectSuccess(result);
  });

  it.each(['udp', 'tcp'] as const)('our UAC calls a SIPp UAS over %s and hangs up', async (transport) => {
    const sipp = await startSipp({ scenario: 'uas-answer.xml', transport });
    try {
      // SIPp needs a moment to bind; over UDP our INVITE retransmissions cover the gap anyway.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const suffix = transport === 'tcp' ? ';transport=tcp' : '';
      const call = stack.call(`sip:1001@127.0.0.1:${sipp.localPort}${suffix}`, audioSdp(42_000));
      const progress = next<[{ status: number }]>(call, 'progress', 20_000);
      const answer = await call.waitAnswer();
      expect((await progress)[0].status).toBe(180);
      expect(answer).toContain('PCMA/8000');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await call.bye();
      expectSuccess(await sipp.done);
    } finally {
      sipp.kill();
    }
  });

  it('leaves no calls behind', () => {
    expect(stack.calls).toHaveLength(0);
  });
});
