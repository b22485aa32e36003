/** SIP over TLS (RFC 3261 §26.2): the same stack with the stream transport wrapped in TLS. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { SipInboundCall, SipStack } from '../../src/sip/index.js';
import { audioSdp, loopbackStack, next } from './helpers.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const key = readFileSync(join(fixtures, 'tls-key.pem'));
const cert = readFileSync(join(fixtures, 'tls-cert.pem'));
const stacks: SipStack[] = [];

afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

async function tlsStack(trust: boolean, extra: Parameters<typeof loopbackStack>[0] = {}): Promise<SipStack> {
  const s = await loopbackStack({ tls: { port: 0, host: '127.0.0.1', key, cert, ...(trust ? { ca: cert } : {}) }, ...extra });
  stacks.push(s);
  return s;
}

function answerNext(b: SipStack): Promise<SipInboundCall> {
  return new Promise((resolve) => b.once('invite', (c) => (c.answer(audioSdp(40_000)), resolve(c))));
}

describe('SIP over TLS', () => {
  it.each(['transport=tls', 'sips'] as const)('calls, holds and hangs up (%s)', async (form) => {
    const a = await tlsStack(true);
    const b = await tlsStack(true);
    const target = form === 'sips' ? `sips:x@127.0.0.1:${b.tlsPort}` : `sip:x@127.0.0.1:${b.tlsPort};transport=tls`;
    const inbound = answerNext(b);
    const call = a.call(target, audioSdp(30_000));
    await call.waitAnswer();
    const server = await inbound;
    expect(server.transport).toBe('tls');
    expect(server.request.headers.get('Via')).toMatch(/^SIP\/2\.0\/TLS /);
    expect(server.request.headers.get('Contact')).toContain(';transport=tls');
    await call.hold();
    const ended = next(server, 'terminated');
    await call.bye();
    await ended;
  });

  it('refuses a server certificate it does not trust', async () => {
    const a = await tlsStack(false);
    const b = await tlsStack(true);
    b.on('invite', (c) => c.answer(audioSdp(1)));
    await expect(a.call(`sips:x@127.0.0.1:${b.tlsPort}`, audioSdp(1)).waitAnswer()).rejects.toMatchObject({ status: 503 });
    expect(b.calls).toHaveLength(0);
  });

  it('never downgrades a sips: target to UDP or TCP', async () => {
    const plain = await loopbackStack();
    stacks.push(plain);
    const b = await tlsStack(true);
    await expect(plain.call(`sips:x@127.0.0.1:${b.tlsPort}`, audioSdp(1)).waitAnswer()).rejects.toMatchObject({ status: 503 });
  });

  it('reaches a phone registered over TLS through its own connection', async () => {
    const phone = await tlsStack(true);
    const server = await tlsStack(true, { registrar: {} });
    const ok = await phone.register({ registrar: `sips:127.0.0.1:${server.tlsPort}`, aor: 'sip:1001@hotline.test', expires: 60 });
    expect(ok.status).toBe(200);
    const binding = server.lookup('1001@hotline.test')[0];
    if (!binding) throw new Error('not registered');
    expect(binding.source.transport).toBe('tls');
    const destination = server.bindingDestination(binding);
    expect(destination?.connectionId).toBeDefined();
    const inbound = answerNext(phone);
    const call = server.call(binding.contact, audioSdp(30_000), { destination });
    await call.waitAnswer();
    await inbound;
    // One connection each way would be two; the callback reused the phone's connection.
    expect(server.openConnections).toBe(1);
    await call.bye();
  });
});
