import { describe, expect, it } from 'vitest';
import { buildResponse, callbackLogger, createRequest, SipDialog, SipHeaders } from '../../src/sip/index.js';
import { audioSdp, loopbackStack, next } from './helpers.js';

function invite(recordRoutes: string[] = []) {
  const headers = new SipHeaders([
    ['Via', 'SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKa'],
    ['From', '"Caller" <sip:alice@example.com>;tag=from1'],
    ['To', '<sip:1001@hotline.test>'],
    ['Call-ID', 'dlg-1'],
    ['CSeq', '7 INVITE'],
    ['Contact', '<sip:alice@10.0.0.9:5070;transport=tcp>'],
  ]);
  for (const rr of recordRoutes) headers.append('Record-Route', rr);
  return createRequest('INVITE', 'sip:1001@hotline.test', headers);
}

describe('SipDialog', () => {
  it('UAS side: ids, remote target, route set in Record-Route order, CSeq ordering', () => {
    const req = invite(['<sip:p1.example;lr>', '<sip:p2.example;lr>']);
    const dialog = SipDialog.fromRequest(req, 'local1', 'udp', undefined);
    expect(dialog.key).toBe('dlg-1|local1|from1');
    expect(dialog.remoteTarget).toBe('sip:alice@10.0.0.9:5070;transport=tcp');
    expect(dialog.routeSet).toEqual(['<sip:p1.example;lr>', '<sip:p2.example;lr>']);
    const bye = dialog.createRequest('BYE');
    expect(bye.uri).toBe('sip:alice@10.0.0.9:5070;transport=tcp');
    expect(bye.headers.getAll('Route')).toEqual(['<sip:p1.example;lr>', '<sip:p2.example;lr>']);
    expect(bye.headers.get('From')).toBe('<sip:1001@hotline.test>;tag=local1');
    expect(bye.headers.get('To')).toContain('tag=from1');
    expect(bye.headers.get('CSeq')).toBe('1 BYE');
    expect(dialog.nextHopUri()).toBe('sip:p1.example;lr');

    const later = createRequest('INFO', 'sip:x', new SipHeaders([['CSeq', '8 INFO']]));
    const older = createRequest('INFO', 'sip:x', new SipHeaders([['CSeq', '6 INFO']]));
    expect(dialog.acceptRemoteSeq(later)).toBe(true);
    expect(dialog.acceptRemoteSeq(older)).toBe(false);
  });

  it('UAC side: reversed Record-Route, strict routers get the Request-URI', () => {
    const req = invite();
    const ok = buildResponse(req, 200, { toTag: 'to9' });
    ok.headers.append('Contact', '<sip:1001@192.168.1.5>');
    ok.headers.append('Record-Route', '<sip:strict.example>');
    ok.headers.append('Record-Route', '<sip:loose.example;lr>');
    const dialog = SipDialog.fromResponse(req, ok, 'udp', undefined);
    expect(dialog.routeSet).toEqual(['<sip:loose.example;lr>', '<sip:strict.example>']);
    expect(dialog.createRequest('BYE').uri).toBe('sip:1001@192.168.1.5');

    dialog.routeSet = ['<sip:strict.example>', '<sip:loose.example;lr>'];
    const viaStrict = dialog.createRequest('BYE');
    expect(viaStrict.uri).toBe('sip:strict.example');
    expect(viaStrict.headers.getAll('Route')).toEqual(['<sip:loose.example;lr>', '<sip:1001@192.168.1.5>']);
    expect(dialog.createRequest('ACK', { seq: 7 }).headers.get('CSeq')).toBe('7 ACK');

    dialog.refreshTarget('<sip:1001@192.168.1.77:5080>');
    expect(dialog.remoteTarget).toBe('sip:1001@192.168.1.77:5080');
  });
});

describe('logging', () => {
  it('goes through the injected logger only', async () => {
    const lines: string[] = [];
    const logger = callbackLogger((level, message) => lines.push(`${level} ${message}`));
    const a = await loopbackStack({ logger });
    const b = await loopbackStack({ logger });
    b.once('invite', (c) => c.answer(audioSdp(2)));
    const call = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(1));
    await call.waitAnswer();
    const ended = next(call, 'terminated');
    await b.calls[0]?.hangup();
    await ended;
    await Promise.all([a.close(), b.close()]);
    expect(lines).toContain('info sip outbound call');
    expect(lines).toContain('info sip inbound call');
    expect(lines.filter((l) => l === 'info sip call ended')).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('debug sip receive'))).toBe(true);
  });
});
