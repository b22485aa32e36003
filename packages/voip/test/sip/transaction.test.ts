import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  buildResponse,
  createRequest,
  DEFAULT_SIP_TIMERS,
  InviteClientTransaction,
  InviteServerTransaction,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  SipHeaders,
} from '../../src/sip/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../src/sip/index.js';

function request(method: string): SipRequest {
  return createRequest(method, 'sip:b@h', new SipHeaders([
    ['Via', 'SIP/2.0/UDP a:5060;branch=z9hG4bKtest'],
    ['From', '<sip:a@h>;tag=1'],
    ['To', '<sip:b@h>'],
    ['Call-ID', 'cid'],
    ['CSeq', `1 ${method}`],
  ]));
}

function harness() {
  const sent: SipMessage[] = [];
  const send = vi.fn(async (m: SipMessage) => {
    sent.push(m);
  });
  const responses: SipResponse[] = [];
  const failures: string[] = [];
  const events = { onResponse: (r: SipResponse) => responses.push(r), onFailure: (why: string) => failures.push(why) };
  return { sent, send, responses, failures, events };
}

/** Send times (ms since start) of every transmission. */
async function sendTimes(h: ReturnType<typeof harness>, untilMs: number): Promise<number[]> {
  const times: number[] = [];
  let seen = 0;
  for (let t = 0; t <= untilMs; t += 50) {
    while (seen < h.sent.length) {
      times.push(t);
      seen++;
    }
    await vi.advanceTimersByTimeAsync(50);
  }
  return times;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const T = DEFAULT_SIP_TIMERS;

describe('INVITE client transaction (RFC 3261 §17.1.1)', () => {
  it('retransmits with Timer A doubling and times out with Timer B over UDP', async () => {
    const h = harness();
    const tx = new InviteClientTransaction('k', request('INVITE'), false, T, h.send, h.events);
    tx.start();
    const times = await sendTimes(h, 64 * T.t1 + 100);
    expect(times).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(h.failures).toEqual(['timeout']);
    expect(tx.state).toBe('terminated');
  });

  it('does not retransmit over TCP but still has Timer B', async () => {
    const h = harness();
    new InviteClientTransaction('k', request('INVITE'), true, T, h.send, h.events).start();
    await vi.advanceTimersByTimeAsync(31_999);
    expect(h.sent).toHaveLength(1);
    expect(h.failures).toEqual([]);
    await vi.advanceTimersByTimeAsync(2);
    expect(h.failures).toEqual(['timeout']);
  });

  it('stops retransmitting on 1xx; ACKs a non-2xx itself and re-ACKs retransmissions until Timer D', async () => {
    const h = harness();
    const invite = request('INVITE');
    const tx = new InviteClientTransaction('k', invite, false, T, h.send, h.events);
    tx.start();
    tx.receive(buildResponse(invite, 180, { toTag: 'x' }));
    await vi.advanceTimersByTimeAsync(40_000);
    expect(h.sent).toHaveLength(1);
    expect(h.failures).toEqual([]);
    const busy = buildResponse(invite, 486, { toTag: 'x' });
    tx.receive(busy);
    tx.receive(busy);
    const acks = h.sent.filter((m) => m.kind === 'request' && m.method === 'ACK');
    expect(acks).toHaveLength(2);
    expect(acks[0]?.headers.get('Via')).toBe(invite.headers.get('Via'));
    expect(acks[0]?.headers.get('To')).toContain('tag=x');
    expect(h.responses.map((r) => r.status)).toEqual([180, 486]);
    expect(tx.state).toBe('completed');
    await vi.advanceTimersByTimeAsync(T.timerD);
    expect(tx.state).toBe('terminated');
  });

  it('passes 2xx retransmissions to the TU while Accepted (RFC 6026), then ends with Timer M', async () => {
    const h = harness();
    const invite = request('INVITE');
    const tx = new InviteClientTransaction('k', invite, false, T, h.send, h.events);
    tx.start();
    const ok = buildResponse(invite, 200, { toTag: 'y' });
    tx.receive(ok);
    tx.receive(ok);
    expect(h.responses.map((r) => r.status)).toEqual([200, 200]);
    expect(tx.state).toBe('accepted');
    await vi.advanceTimersByTimeAsync(64 * T.t1);
    expect(tx.state).toBe('terminated');
    expect(h.sent).toHaveLength(1);
  });
});

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('retransmits with Timer E capped at T2 and times out with Timer F', async () => {
    const h = harness();
    new NonInviteClientTransaction('k', request('OPTIONS'), false, T, h.send, h.events).start();
    const times = await sendTimes(h, 64 * T.t1 + 100);
    expect(times).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(h.failures).toEqual(['timeout']);
  });

  it('uses T2 intervals once Proceeding and lingers Timer K after the final', async () => {
    const h = harness();
    const req = request('BYE');
    const tx = new NonInviteClientTransaction('k', req, false, T, h.send, h.events);
    tx.start();
    tx.receive(buildResponse(req, 100));
    const times = await sendTimes(h, 9_000);
    expect(times).toEqual([0, 500, 4500, 8500]);
    tx.receive(buildResponse(req, 200));
    expect(tx.state).toBe('completed');
    await vi.advanceTimersByTimeAsync(T.t4);
    expect(tx.state).toBe('terminated');
    expect(h.responses.map((r) => r.status)).toEqual([100, 200]);
  });
});

describe('INVITE server transaction (RFC 3261 §17.2.1)', () => {
  it('retransmits a non-2xx final with Timer G until Timer H when no ACK arrives', async () => {
    const h = harness();
    const invite = request('INVITE');
    let ackTimeout = false;
    const tx = new InviteServerTransaction('k', invite, false, T, h.send, { onAckTimeout: () => (ackTimeout = true) });
    tx.respond(buildResponse(invite, 486, { toTag: 't' }));
    const times = await sendTimes(h, 64 * T.t1 + 100);
    expect(times).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(ackTimeout).toBe(true);
    expect(tx.state).toBe('terminated');
  });

  it('absorbs the ACK (Confirmed, Timer I) and repeats provisionals for retransmitted INVITEs', async () => {
    const h = harness();
    const invite = request('INVITE');
    const tx = new InviteServerTransaction('k', invite, false, T, h.send, {});
    tx.respond(buildResponse(invite, 180, { toTag: 't' }));
    tx.receiveRequest(invite);
    expect(h.sent.map((m) => (m.kind === 'response' ? m.status : 0))).toEqual([180, 180]);
    tx.respond(buildResponse(invite, 487, { toTag: 't' }));
    tx.receiveRequest(request('ACK'));
    expect(tx.state).toBe('confirmed');
    await vi.advanceTimersByTimeAsync(T.t4);
    expect(tx.state).toBe('terminated');
    expect(h.sent).toHaveLength(3);
  });

  it('moves to Accepted on 2xx and ends after Timer L', async () => {
    const h = harness();
    const invite = request('INVITE');
    const tx = new InviteServerTransaction('k', invite, true, T, h.send, {});
    tx.respond(buildResponse(invite, 200, { toTag: 't' }));
    expect(tx.state).toBe('accepted');
    tx.receiveRequest(invite); // absorbed: 2xx retransmission is the TU's job
    expect(h.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(64 * T.t1);
    expect(tx.state).toBe('terminated');
  });
});

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('answers retransmissions with the last response and lingers Timer J over UDP only', async () => {
    const h = harness();
    const bye = request('BYE');
    const udp = new NonInviteServerTransaction('k', bye, false, T, h.send, {});
    udp.respond(buildResponse(bye, 200));
    udp.receiveRequest(bye);
    expect(h.sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(64 * T.t1 - 1);
    expect(udp.state).toBe('completed');
    await vi.advanceTimersByTimeAsync(1);
    expect(udp.state).toBe('terminated');
    const tcp = new NonInviteServerTransaction('k2', bye, true, T, h.send, {});
    tcp.respond(buildResponse(bye, 200));
    expect(tcp.state).toBe('terminated');
  });

  it('reports a transport failure on the client side as a failure, not a hang', async () => {
    const failing = vi.fn((_m: SipMessage): Promise<void> => Promise.reject(new Error('ECONNREFUSED')));
    const h = harness();
    new NonInviteClientTransaction('k', request('OPTIONS'), true, T, failing, h.events).start();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.failures).toEqual(['transport']);
  });
});
