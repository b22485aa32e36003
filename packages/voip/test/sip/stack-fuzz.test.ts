/**
 * Stateful fuzzing: mutated requests of every method into a live stack. The transport would catch
 * a throwing handler and log "sip handler threw"; this test fails on any such log, on unhandled
 * rejections, and if the stack stops answering afterwards.
 */
import dgram from 'node:dgram';
import { afterEach, expect, it } from 'vitest';
import { callbackLogger } from '../../src/sip/index.js';
import type { SipStack } from '../../src/sip/index.js';
import { audioSdp, delay, loopbackStack } from './helpers.js';

const stacks: SipStack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

/** To tags we learned from the stack's responses, so in-dialog requests can hit live dialogs. */
const learnedTags = new Map<string, string>();

function base(method: string, port: number, i: number): string {
  const callId = `fuzz-${Math.floor(i / 11) % 60}`;
  const tag = learnedTags.get(callId);
  const body = method === 'INVITE' ? audioSdp(30_000) : method === 'INFO' ? 'Signal=5\r\nDuration=160\r\n' : '';
  const lines = [
    `${method} sip:1001@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKfz${Math.floor(i / 2)};rport`,
    `From: "F" <sip:fuzz@127.0.0.1>;tag=f${Math.floor(i / 11) % 60}`,
    `To: <sip:1001@127.0.0.1>${method !== 'INVITE' && tag !== undefined && i % 4 !== 0 ? `;tag=${tag}` : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: ${1 + (i % 9)} ${method}`,
    'Contact: <sip:fuzz@127.0.0.1:9>',
    'Max-Forwards: 70',
    `Session-Expires: ${i % 200};refresher=uac`,
    'Supported: timer, replaces',
    'Refer-To: <sip:2000@hotline.test>',
    'Event: refer',
    'Expires: 60',
    `Content-Type: ${method === 'INFO' ? 'application/dtmf-relay' : method === 'NOTIFY' ? 'message/sipfrag' : 'application/sdp'}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

function mutate(text: string, random: () => number): Buffer {
  const lines = text.split('\r\n');
  const edits = Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = 1 + Math.floor(random() * (lines.length - 3));
    const choice = Math.floor(random() * 5);
    if (choice === 0) lines.splice(at, 1);
    else if (choice === 1) lines[at] = (lines[at] ?? '').replace(/<[^>]*>/, '<garbage>');
    else if (choice === 2) lines[at] = (lines[at] ?? '').replace(/:\s.*/, ': ');
    else if (choice === 3) lines[at] = `${lines[at] ?? ''};x="${'y'.repeat(Math.floor(random() * 50))}`;
    else lines[at] = (lines[at] ?? '').replace(/\d+/, String(Math.floor(random() * 1e10)));
  }
  return Buffer.from(lines.join('\r\n'));
}

it('3,000 mutated requests of every method: no handler throws, the stack keeps serving', async () => {
  const errors: string[] = [];
  const logger = callbackLogger((level, message, fields) => {
    if (level === 'error') errors.push(`${message} ${String(fields.err ?? '')} ${String(fields.stack ?? '')}`);
  });
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    const s = await loopbackStack({ logger, registrar: { users: () => 'pw' } });
    stacks.push(s);
    s.on('invite', (call) => {
      // Exercise every answer path the B2BUA might take.
      const n = Number(call.callId.replace(/\D/g, '')) % 4;
      if (n === 0) call.answer(audioSdp(40_000));
      else if (n === 1) call.ringing();
      else if (n === 2) call.reject(486);
      else call.progress(audioSdp(40_000));
      call.on('refer', (r) => r.notify(200));
    });
    const port = s.udpPort ?? 0;
    const socket = dgram.createSocket('udp4');
    socket.on('message', (data) => {
      const text = data.toString('latin1');
      const callId = /^Call-ID:\s*(\S+)/im.exec(text)?.[1];
      const tag = /^To:.*;tag=([^;\s>]+)/im.exec(text)?.[1];
      if (callId && tag) learnedTags.set(callId, tag);
    });
    // Responses come back here through rport, whatever port the Via names.
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    let seed = 4242;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const methods = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', 'INFO', 'REFER', 'NOTIFY', 'UPDATE', 'FOO'];
    for (let i = 0; i < 3_000; i++) {
      const method = methods[i % methods.length] ?? 'OPTIONS';
      socket.send(mutate(base(method, port, i), random), port, '127.0.0.1');
      if (i % 100 === 99) await delay(5);
    }
    await delay(300);
    socket.close();
    const probe = await loopbackStack();
    stacks.push(probe);
    expect((await probe.request('OPTIONS', `sip:127.0.0.1:${port}`)).status).toBe(200);
    // The mutations must reach the call logic, not just bounce off the parser.
    const stats = s.stats();
    expect(stats.callsStarted).toBeGreaterThan(50);
    expect(stats.callsEnded).toBeGreaterThan(10);
    expect(stats.malformed).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    expect(rejections).toEqual([]);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
});
