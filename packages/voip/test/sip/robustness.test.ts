/**
 * The stack against a hand-driven peer: lost ACKs, retransmissions, NAT, hostile bytes, and
 * clean release of every socket and timer.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { extractSdp, SipHeaders, createRequest } from '../../src/sip/index.js';
import type { SipCallEnd, SipInboundCall, SipStack } from '../../src/sip/index.js';
import { audioSdp, delay, isMethod, isStatus, loopbackStack, next, rawInvite as invite, rawUdpPeer, udpExchange } from './helpers.js';
import type { RawPeer } from './helpers.js';

const stacks: SipStack[] = [];
const peers: RawPeer[] = [];
const sockets: dgram.Socket[] = [];

afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
  for (const p of peers.splice(0)) p.close();
  for (const s of sockets.splice(0)) s.close();
});

async function rawPeer(): Promise<RawPeer> {
  const peer = await rawUdpPeer();
  peers.push(peer);
  return peer;
}

async function stack(options: Parameters<typeof loopbackStack>[0] = {}): Promise<SipStack> {
  const s = await loopbackStack(options);
  stacks.push(s);
  return s;
}

describe('UAS reliability over UDP', () => {
  it('retransmits the 2xx until the ACK timeout, then sends BYE', async () => {
    const s = await stack({ timers: { t1: 20, t2: 160, t4: 200, timerD: 200 } });
    const peer = await rawPeer();
    const ended = new Promise<SipCallEnd>((resolve) => s.once('invite', (c) => (c.on('terminated', resolve), c.answer(audioSdp(40_000)))));
    peer.send(invite(peer.port, s.udpPort ?? 0), s.udpPort ?? 0);
    expect(await ended).toEqual({ reason: 'ack-timeout' });
    const bye = await peer.waitFor(isMethod('BYE'));
    expect(bye.kind === 'request' && bye.uri).toBe(`sip:caller@127.0.0.1:${peer.port}`);
    // T1 = 20 ms doubling to T2 = 160 ms over 64*T1 = 1.28 s: 20,60,140,300,460,... about 10 copies.
    expect(peer.received.filter(isStatus(200)).length).toBeGreaterThanOrEqual(7);
  });

  it('absorbs INVITE retransmissions: one call, the last provisional repeated', async () => {
    const s = await stack();
    const peer = await rawPeer();
    let invites = 0;
    s.on('invite', (c) => {
      invites++;
      c.ringing();
    });
    const text = invite(peer.port, s.udpPort ?? 0);
    peer.send(text, s.udpPort ?? 0);
    await peer.waitFor(isStatus(180));
    peer.send(text, s.udpPort ?? 0);
    await delay(100);
    expect(invites).toBe(1);
    expect(peer.received.filter(isStatus(180))).toHaveLength(2);
  });

  it('follows the source address for in-dialog requests when the Contact is unreachable (NAT)', async () => {
    const s = await stack();
    const peer = await rawPeer();
    const answered = new Promise<SipInboundCall>((resolve) => s.once('invite', (c) => (c.answer(audioSdp(40_000)), resolve(c))));
    peer.send(invite(peer.port, s.udpPort ?? 0, { contact: '<sip:caller@10.255.255.1:5060>' }), s.udpPort ?? 0);
    const call = await answered;
    const ok = await peer.waitFor(isStatus(200));
    const toTag = /tag=([^;\s>]+)/.exec(ok.headers.get('To') ?? '')?.[1] ?? '';
    peer.send(`ACK sip:1001@127.0.0.1:${s.udpPort} SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKack1
From: <sip:caller@127.0.0.1>;tag=raw
To: <sip:1001@127.0.0.1>;tag=${toTag}
Call-ID: raw-call-1
CSeq: 1 ACK
Content-Length: 0

`, s.udpPort ?? 0);
    await next(call, 'ack');
    void call.bye();
    const bye = await peer.waitFor(isMethod('BYE'));
    expect(bye.kind === 'request' && bye.uri).toBe('sip:caller@10.255.255.1:5060');
  });

  it('answers unanswered calls 408 when the invite timeout reaps them', async () => {
    const s = await stack({ dialogs: { inviteTimeoutMs: 1_000 } });
    const peer = await rawPeer();
    const ended = new Promise<SipCallEnd>((resolve) => s.once('invite', (c) => (c.on('terminated', resolve), c.ringing())));
    peer.send(invite(peer.port, s.udpPort ?? 0), s.udpPort ?? 0);
    await peer.waitFor(isStatus(180));
    s.reap(Date.now() + 2_000);
    expect(await ended).toEqual({ reason: 'timeout', status: 408 });
    await peer.waitFor(isStatus(408));
  });

  it('refuses a merged request (same Call-ID, From tag and CSeq by another branch) with 482', async () => {
    const s = await stack();
    const peer = await rawPeer();
    let invites = 0;
    s.on('invite', (c) => {
      invites++;
      c.ringing();
    });
    peer.send(invite(peer.port, s.udpPort ?? 0), s.udpPort ?? 0);
    await peer.waitFor(isStatus(180));
    peer.send(invite(peer.port, s.udpPort ?? 0, { branch: 'z9hG4bKforked' }), s.udpPort ?? 0);
    await peer.waitFor(isStatus(482));
    expect(invites).toBe(1);
  });

  it('answers 400 with a Warning to a broken request it can still address', async () => {
    const s = await stack();
    const peer = await rawPeer();
    peer.send(invite(peer.port, s.udpPort ?? 0).replace('CSeq: 1 INVITE', 'CSeq: 1 BYE'), s.udpPort ?? 0);
    const reply = await peer.waitFor(isStatus(400));
    expect(reply.headers.get('Warning')).toContain('bad-cseq');
    expect(reply.headers.get('Call-ID')).toBe('raw-call-1');
  });

  it('answers 481 to CANCEL and in-dialog requests it cannot match', async () => {
    const s = await stack();
    const peer = await rawPeer();
    peer.send(invite(peer.port, s.udpPort ?? 0).replace(/INVITE/g, 'CANCEL').replace(/Content-Type[\s\S]*$/, 'Content-Length: 0\n\n'), s.udpPort ?? 0);
    await peer.waitFor(isStatus(481));
  });
});

describe('UAC and forking', () => {
  it('ACKs a second 2xx from another fork and ends that dialog with BYE', async () => {
    const s = await stack();
    const peer = await rawPeer();
    const call = s.call(`sip:fork@127.0.0.1:${peer.port}`, audioSdp(30_000));
    const inv = await peer.waitFor(isMethod('INVITE'));
    const answer = (tag: string): string => {
      const h = inv.headers;
      const sdp = audioSdp(31_000);
      return [
        'SIP/2.0 200 OK',
        ...h.getAll('Via').map((v) => `Via: ${v}`),
        `From: ${h.get('From') ?? ''}`,
        `To: ${h.get('To') ?? ''};tag=${tag}`,
        `Call-ID: ${h.get('Call-ID') ?? ''}`,
        `CSeq: ${h.get('CSeq') ?? ''}`,
        `Contact: <sip:fork@127.0.0.1:${peer.port}>`,
        'Content-Type: application/sdp',
        `Content-Length: ${Buffer.byteLength(sdp)}`,
        '',
        sdp.replace(/\r\n/g, '\n'),
      ].join('\n');
    };
    peer.send(answer('forkA'), s.udpPort ?? 0);
    await call.waitAnswer();
    peer.send(answer('forkB'), s.udpPort ?? 0);
    peer.send(answer('forkB'), s.udpPort ?? 0);
    const byeB = await peer.waitFor((m) => isMethod('BYE')(m) && (m.headers.get('To') ?? '').includes('forkB'));
    expect(byeB.headers.get('CSeq')).toBe('2 BYE');
    const acks = peer.received.filter(isMethod('ACK'));
    expect(acks.filter((m) => (m.headers.get('To') ?? '').includes('forkA'))).toHaveLength(1);
    expect(acks.filter((m) => (m.headers.get('To') ?? '').includes('forkB'))).toHaveLength(2);
    expect(call.state).toBe('confirmed');
    expect(call.dialog?.remoteTag).toBe('forkA');
  });
});

describe('UAC cancel', () => {
  it('gives up 64*T1 after a CANCEL that never gets a final response', async () => {
    const s = await stack({ timers: { t1: 20, t2: 160, t4: 200, timerD: 200 } });
    const peer = await rawPeer();
    const call = s.call(`sip:deaf@127.0.0.1:${peer.port}`, audioSdp(30_000));
    const inv = await peer.waitFor(isMethod('INVITE'));
    const h = inv.headers;
    peer.send([
      'SIP/2.0 180 Ringing',
      ...h.getAll('Via').map((v) => `Via: ${v}`),
      `From: ${h.get('From') ?? ''}`,
      `To: ${h.get('To') ?? ''};tag=deaf`,
      `Call-ID: ${h.get('Call-ID') ?? ''}`,
      `CSeq: ${h.get('CSeq') ?? ''}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\n'), s.udpPort ?? 0);
    await next(call, 'progress');
    const started = Date.now();
    call.cancel();
    await expect(call.waitAnswer()).rejects.toMatchObject({ status: 487 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(64 * 20 - 50);
    expect(call.end?.reason).toBe('cancelled');
    expect(peer.received.filter(isMethod('CANCEL')).length).toBeGreaterThanOrEqual(1);
  });
});

describe('hostile input', () => {
  it('survives a flood of junk datagrams and keeps serving', async () => {
    const s = await stack();
    const port = s.udpPort ?? 0;
    const socket = dgram.createSocket('udp4');
    sockets.push(socket);
    const junk = [Buffer.alloc(0), Buffer.from('\r\n\r\n'), Buffer.alloc(1400, 0xff), Buffer.from('INVITE sip:x SIP/2.0\r\n\r\n'), Buffer.from('SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n')];
    for (let i = 0; i < 500; i++) socket.send(junk[i % junk.length] ?? Buffer.alloc(1), port, '127.0.0.1');
    // A response nobody asked for, and an ACK for nothing, are dropped quietly.
    socket.send(Buffer.from('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKno\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: q\r\nCSeq: 1 INVITE\r\n\r\n'), port, '127.0.0.1');
    await delay(100);
    const a = await stack();
    expect((await a.request('OPTIONS', `sip:127.0.0.1:${port}`)).status).toBe(200);
  });

  it('over TCP: answers keep-alive pings, drops connections whose framing is broken', async () => {
    const s = await stack();
    const tcpPort = s.tcpPort ?? 0;
    const client = net.connect(tcpPort, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    let data = '';
    client.on('data', (chunk) => (data += chunk.toString()));
    const options = 'OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bKtcp1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: t1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
    client.write(`\r\n\r\n${options.slice(0, 40)}`);
    await delay(30);
    client.write(options.slice(40));
    await delay(100);
    expect(data.startsWith('\r\n')).toBe(true);
    expect(data).toContain('SIP/2.0 200 OK');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.write(options.replace('Content-Length: 0', 'Content-Length: 999999999'));
    await closed;
    expect(s.openConnections).toBe(0);

    const flood = net.connect(tcpPort, '127.0.0.1');
    flood.on('error', () => undefined);
    const floodClosed = new Promise<void>((resolve) => flood.once('close', () => resolve()));
    flood.write(Buffer.alloc(80_000, 0x41));
    await floodClosed;
  });
});

describe('connections', () => {
  it('closes idle TCP connections after tcpIdleTimeoutMs', async () => {
    const s = await stack({ tcpIdleTimeoutMs: 200 });
    const client = net.connect(s.tcpPort ?? 0, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    await delay(50);
    expect(s.openConnections).toBe(1);
    await new Promise<void>((resolve) => client.once('close', () => resolve()));
    // The client can see the close a moment before the server's own 'close' event runs.
    for (let i = 0; i < 50 && s.openConnections > 0; i++) await delay(10);
    expect(s.openConnections).toBe(0);
  });
});

describe('bodies', () => {
  it('finds SDP inside a multipart body (SIP-I)', () => {
    const body = '--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nm=audio 1 RTP/AVP 0\r\n--b1\r\nContent-Type: application/isup;version=itu-t92+\r\n\r\n\x01\x02\r\n--b1--\r\n';
    const req = createRequest('INVITE', 'sip:a@b', new SipHeaders([['Content-Type', 'multipart/mixed;boundary=b1']]), body);
    expect(extractSdp(req)).toBe('v=0\r\nm=audio 1 RTP/AVP 0');
  });
});

describe('resource release', () => {
  it('close() ends calls, transactions, connections, sockets and timers', async () => {
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const a = await loopbackStack();
    const b = await loopbackStack();
    const ended: string[] = [];
    b.on('invite', (c) => {
      c.on('terminated', (e) => ended.push(`b:${e.reason}`));
      c.answer(audioSdp(40_000));
    });
    const call = a.call(`sip:x@127.0.0.1:${b.tcpPort};transport=tcp`, audioSdp(30_000));
    call.on('terminated', (e) => ended.push(`a:${e.reason}`));
    await call.waitAnswer();
    const udpPort = b.udpPort ?? 0;
    expect(b.openConnections).toBe(1);
    await b.close();
    await delay(50);
    expect(ended).toContain('b:shutdown');
    expect(ended).toContain('a:remote-bye');
    await a.close();
    expect(a.calls.length + b.calls.length).toBe(0);
    expect(a.transactionCount + b.transactionCount).toBe(0);
    expect(a.openConnections + b.openConnections).toBe(0);
    expect(await udpExchange(udpPort, 'OPTIONS sip:x SIP/2.0\r\n\r\n', 50)).toEqual([]);
    await delay(20);
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(timersAfter).toBeLessThanOrEqual(timersBefore);
  });
});
