/**
 * Interoperability with a real SIP user agent: Debian's baresip registers to our registrar with
 * digest auth, auto-answers our call, and places a call through us that we challenge.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSdp, sdpCodecs, SipStack, answerAudioOffer, serializeSdp } from '../../src/sip/index.js';
import type { SipInboundCall, SipRegisterEvent } from '../../src/sip/index.js';
import { audioSdp, delay, freePort, next } from './helpers.js';

const BARESIP = process.env.BARESIP_PATH ?? '/usr/bin/baresip';

function baresipAvailable(): boolean {
  if (existsSync(BARESIP) && spawnSync(BARESIP, ['-h'], { timeout: 5_000 }).error === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`baresip is required in CI but ${BARESIP} is missing`);
  return false;
}

interface Baresip {
  output: () => string;
  waitForOutput: (text: string, ms?: number) => Promise<void>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
const stacks: SipStack[] = [];

afterEach(async () => {
  // baresip tries to unregister on SIGTERM and can hang when we are gone: kill it outright.
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await Promise.all(stacks.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts baresip with account 1002@hotline.test using our stack as outbound proxy and registrar. */
async function startBaresip(proxyPort: number, commands: string[] = []): Promise<Baresip> {
  const dir = mkdtempSync(join(tmpdir(), 'baresip-'));
  dirs.push(dir);
  const sipPort = await freePort();
  // ausine only produces 48 kHz stereo; baresip resamples to G.711 itself.
  writeFileSync(join(dir, 'config'), [
    'poll_method epoll',
    `sip_listen 127.0.0.1:${sipPort}`,
    'audio_source ausine,440',
    'ausrc_srate 48000',
    'ausrc_channels 2',
    'rtp_ports 20000-60000',
    'module_path /usr/lib/baresip/modules',
    'module g711.so',
    'module ausine.so',
    'module_app account.so',
    'module_app menu.so',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'accounts'), `<sip:1002@hotline.test>;auth_pass=secret1002;outbound="sip:127.0.0.1:${proxyPort}";regint=60;answermode=auto\n`);
  const args = ['-f', dir, '-t', '25', ...commands.flatMap((c) => ['-e', c])];
  const child = spawn(BARESIP, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-50_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return {
    output: () => output,
    waitForOutput: async (text, ms = 10_000) => {
      const deadline = Date.now() + ms;
      while (!output.includes(text)) {
        if (Date.now() > deadline) throw new Error(`baresip never printed "${text}":\n${output.slice(-2_000)}`);
        await delay(20);
      }
    },
  };
}

async function ourStack(authenticateCalls: boolean): Promise<SipStack> {
  const stack = await SipStack.create({
    udp: { port: 0, host: '127.0.0.1' },
    domain: 'hotline.test',
    publicAddress: '127.0.0.1',
    registrar: { users: (u) => (u === '1002' ? 'secret1002' : undefined), authenticateCalls },
    timers: { t1: 100, t2: 800, t4: 1_000, timerD: 1_000 },
  });
  stacks.push(stack);
  return stack;
}

describe.skipIf(!baresipAvailable())('baresip interoperability', () => {
  it('registers with digest auth, auto-answers our call, and hangs up on our BYE', async () => {
    const stack = await ourStack(false);
    const registered = next<[SipRegisterEvent]>(stack, 'register', 15_000);
    const phone = await startBaresip(stack.udpPort ?? 0);
    const [event] = await registered;
    expect(event.username).toBe('1002');
    const binding = stack.lookup('1002@hotline.test')[0];
    if (!binding) throw new Error('no binding');
    expect(binding.userAgent).toMatch(/baresip/);

    const call = stack.call(binding.contact, audioSdp(46_000), { destination: stack.bindingDestination(binding) });
    const answer = parseSdp((await call.waitAnswer()) ?? '');
    expect(sdpCodecs(answer.media[0] ?? { type: '', port: 0, protocol: '', formats: [], other: [], attributes: [] }).map((c) => c.name)).toContain('PCMA');
    await phone.waitForOutput('Call established');
    await call.bye();
    await phone.waitForOutput('session closed: Connection reset by peer'); // baresip's words for a remote BYE
  });

  it('places a call through us: 401 challenge, digest retry, answer, ACK, our BYE', async () => {
    const stack = await ourStack(true);
    const inbound = new Promise<SipInboundCall>((resolve) => {
      stack.once('invite', (call) => {
        call.ringing();
        const offer = answerAudioOffer(parseSdp(call.remoteSdp ?? ''), { address: '127.0.0.1', port: 46_002 });
        if (!offer) return call.reject(488);
        call.answer(serializeSdp(offer.sdp));
        resolve(call);
      });
    });
    const phone = await startBaresip(stack.udpPort ?? 0, ['/dial sip:12345@hotline.test']);
    const call = await inbound;
    expect(call.authenticatedUser).toBe('1002');
    expect(call.calledUri).toContain('12345');
    if (call.state !== 'confirmed') await next(call, 'ack', 10_000);
    await phone.waitForOutput('Call established');
    const ended = next(call, 'terminated');
    await call.bye();
    await ended;
    await phone.waitForOutput('session closed: Connection reset by peer'); // baresip's words for a remote BYE
  });
});
