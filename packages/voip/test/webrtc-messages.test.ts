/**
 * Browser messages are untrusted: validation turns anything malformed into an error message in
 * Chinese for the agent, never a throw. Checked on the validator and through a real session
 * (registered with a real registrar) fed garbage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipStack } from '../src/sip/index.js';
import { SoftphoneGateway, validateClientMessage } from '../src/webrtc/index.js';
import type { SoftphoneSession } from '../src/webrtc/index.js';
import { DOMAIN, randomRange } from './b2bua/helpers.js';
import { MessageLog } from './webrtc-helpers.js';

const ANSWER = 'v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=rtpmap:0 PCMU/8000\r\n';

describe('validateClientMessage', () => {
  it('accepts every well-formed message', () => {
    const good: unknown[] = [
      { type: 'answer', callId: 'c0123', sdp: ANSWER },
      { type: 'reject', callId: 'c0123' },
      { type: 'hangup', callId: 'c0123' },
      { type: 'hold', callId: 'c0123', on: true },
      { type: 'hold', callId: 'c0123', on: false },
      { type: 'transfer', callId: 'c0123', target: '1002' },
      { type: 'transfer', callId: 'c0123', target: 'sip:dept@gw.example' },
      { type: 'dtmf', callId: 'c0123', digits: '12*#a' },
      { type: 'dial', target: '13800000000' },
    ];
    for (const m of good) expect(validateClientMessage(m), JSON.stringify(m)).toMatchObject({ ok: true });
    expect(validateClientMessage({ type: 'dtmf', callId: 'c1', digits: 'ab' })).toEqual({ ok: true, message: { type: 'dtmf', callId: 'c1', digits: 'AB' } });
    // Extra fields are dropped, not passed on.
    expect(validateClientMessage({ type: 'hangup', callId: 'c1', evil: { a: 1 } })).toEqual({ ok: true, message: { type: 'hangup', callId: 'c1' } });
  });

  it('refuses malformed input with a coded error and a Chinese message', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'bad-message'],
      [undefined, 'bad-message'],
      [42, 'bad-message'],
      ['answer', 'bad-message'],
      [[{ type: 'hangup', callId: 'c1' }], 'bad-message'],
      [{}, 'bad-message'],
      [{ type: 7 }, 'bad-message'],
      [{ type: 'explode', callId: 'c1' }, 'unknown-type'],
      [{ type: '__proto__' }, 'unknown-type'],
      [{ type: 'hangup' }, 'bad-field'],
      [{ type: 'hangup', callId: '' }, 'bad-field'],
      [{ type: 'hangup', callId: 'x'.repeat(129) }, 'bad-field'],
      [{ type: 'hangup', callId: 'c1\r\nBYE' }, 'bad-field'],
      [{ type: 'hangup', callId: { toString: () => 'c1' } }, 'bad-field'],
      [{ type: 'answer', callId: 'c1' }, 'bad-field'],
      [{ type: 'answer', callId: 'c1', sdp: 'hello' }, 'bad-field'],
      [{ type: 'answer', callId: 'c1', sdp: 'v=0\r\nm=video 9 RTP/AVP 96\r\n' }, 'bad-field'],
      [{ type: 'answer', callId: 'c1', sdp: `v=0\r\nm=audio 9 X 0\r\n${'a=x\r\n'.repeat(20_000)}` }, 'bad-field'],
      [{ type: 'hold', callId: 'c1', on: 'yes' }, 'bad-field'],
      [{ type: 'hold', callId: 'c1' }, 'bad-field'],
      [{ type: 'transfer', callId: 'c1', target: '' }, 'bad-field'],
      [{ type: 'transfer', callId: 'c1', target: '1002\r\nVia: SIP/2.0/UDP evil' }, 'bad-field'],
      [{ type: 'transfer', callId: 'c1', target: 'sip:a b@c' }, 'bad-field'],
      [{ type: 'transfer', callId: 'c1', target: 'http://x' }, 'bad-field'],
      [{ type: 'dtmf', callId: 'c1', digits: '' }, 'bad-field'],
      [{ type: 'dtmf', callId: 'c1', digits: '12E' }, 'bad-field'],
      [{ type: 'dtmf', callId: 'c1', digits: '1'.repeat(33) }, 'bad-field'],
      [{ type: 'dial' }, 'bad-field'],
      [{ type: 'dial', target: 'x'.repeat(300) }, 'bad-field'],
    ];
    for (const [input, code] of cases) {
      const result = validateClientMessage(input);
      expect(result.ok, JSON.stringify(input)?.slice(0, 80)).toBe(false);
      if (result.ok) continue;
      expect(result.error.code, JSON.stringify(input)?.slice(0, 80)).toBe(code);
      expect(result.error.type).toBe('error');
      expect(result.error.message).toMatch(/[\u4e00-\u9fff]/);
      // Nothing of the input is echoed back (the page shows the message as text).
      expect(result.error.message.length).toBeLessThan(60);
    }
  });
});

describe('SoftphoneSession.handle with bad input', () => {
  let registrar: SipStack;
  let gateway: SoftphoneGateway;
  let session: SoftphoneSession;
  let log: MessageLog;

  beforeAll(async () => {
    registrar = await SipStack.create({ udp: { port: 0, host: '127.0.0.1' }, domain: DOMAIN, publicAddress: '127.0.0.1', registrar: { users: (u) => (u === '1001' ? 'pw' : undefined) } });
    gateway = await SoftphoneGateway.create({
      registrar: { host: '127.0.0.1', port: registrar.udpPort ?? 0, domain: DOMAIN },
      password: () => 'pw',
      rtp: { ...randomRange(20), bindAddress: '127.0.0.1' },
      iceHostAddress: '127.0.0.1',
    });
    session = await gateway.attach('1001');
    log = new MessageLog(session);
    await log.waitFor('registered');
  });
  afterAll(async () => {
    await gateway.close();
    await registrar.close();
  });

  it('answers unknown call ids, garbage and 100 KB of junk with error messages and keeps working', async () => {
    const before = log.messages.length;
    await session.handle({ type: 'hangup', callId: 'c-nonexistent' });
    expect(log.messages.at(-1)).toEqual({ type: 'error', code: 'unknown-call', message: '通话不存在或已结束', callId: 'c-nonexistent' });
    await session.handle({ type: 'answer', callId: 'c-nonexistent', sdp: ANSWER });
    expect(log.messages.at(-1)).toMatchObject({ type: 'error', code: 'unknown-call' });
    const junk = Buffer.alloc(100 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) & 0xff;
    const garbage: unknown[] = [
      junk.toString('latin1'),
      { type: 'answer', callId: 'c1', sdp: junk.toString('latin1') },
      { type: junk.toString('latin1') },
      Array.from({ length: 10_000 }, (_, i) => i),
      JSON.parse(`{"type":"hold","callId":"c1","on":true,"__proto__":{"polluted":true}}`),
      { type: 'transfer', callId: 'c1', target: { length: 4 } },
      Object.create(null),
      new Proxy({}, { get: () => { throw new Error('hostile getter'); } }),
    ];
    for (const g of garbage) await expect(session.handle(g)).resolves.toBeUndefined();
    const errors = log.messages.slice(before).filter((m) => m.type === 'error');
    expect(errors).toHaveLength(2 + garbage.length);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(errors.at(-1)).toMatchObject({ code: expect.stringMatching(/^(bad-message|internal)$/) });
    // Still registered and serving: a well-formed message gets its normal answer.
    await session.handle({ type: 'dial', target: '12345' });
    await log.waitFor('incoming');
    await session.handle({ type: 'dial', target: '12346' });
    expect(log.messages.at(-1)).toMatchObject({ type: 'error', code: 'busy' });
    expect(gateway.sessions).toBe(1);
  });
});
