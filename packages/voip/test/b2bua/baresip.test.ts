/**
 * baresip (Debian) as a real agent phone: it registers with the engine's registrar, the IVR
 * transfers a caller to its extension, baresip auto-answers and sends a sine (ausine), the call
 * is recorded, and both channels of the recording carry audio.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { B2bua } from '../../src/b2bua/index.js';
import { parseWav } from '../../src/media/wav.js';
import type { SipStack } from '../../src/sip/index.js';
import { BARESIP, Caller, DOMAIN, EventLog, binaryAvailable, delay, freePort, peerStack, rms, startEngine, tempDir } from './helpers.js';

const dir = tempDir('b2bua-baresip-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let engine: B2bua | undefined;
let stack: SipStack | undefined;
let caller: Caller | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  // baresip tries to unregister on SIGTERM and can hang once we are gone: kill it outright.
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await caller?.close();
  await engine?.close();
  await stack?.close();
  engine = undefined;
  stack = undefined;
  caller = undefined;
});

async function startBaresip(proxyPort: number): Promise<{ output: () => string }> {
  const conf = tempDir('baresip-conf-');
  const sipPort = await freePort();
  writeFileSync(join(conf, 'config'), [
    'poll_method epoll',
    `sip_listen 127.0.0.1:${sipPort}`,
    'audio_source ausine,440',
    'ausrc_srate 48000',
    'ausrc_channels 2',
    'rtp_ports 40000-59999',
    'module_path /usr/lib/baresip/modules',
    'module g711.so',
    'module ausine.so',
    'module_app account.so',
    'module_app menu.so',
    '',
  ].join('\n'));
  writeFileSync(join(conf, 'accounts'), `<sip:1002@${DOMAIN}>;auth_pass=agent1002;outbound="sip:127.0.0.1:${proxyPort}";regint=60;answermode=auto;audio_codecs=PCMU,PCMA\n`);
  const child = spawn(BARESIP, ['-f', conf, '-t', '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.once('exit', () => rmSync(conf, { recursive: true, force: true }));
  let output = '';
  const append = (b: Buffer): void => {
    output = (output + b.toString('utf8')).slice(-50_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return { output: () => output };
}

describe.skipIf(!binaryAvailable(BARESIP, ['-h']))('baresip as the agent', () => {
  it('a caller is bridged to baresip (registered extension) and the recording has audio on both channels', async () => {
    engine = await startEngine(
      { start: 'hello', nodes: { hello: { type: 'play', prompt: { silenceMs: 100 }, next: 't' }, t: { type: 'transfer', target: '1002' } } },
      { recordingsDir: dir, sip: { udpPort: 0, host: '127.0.0.1', publicAddress: '127.0.0.1', domain: DOMAIN, sessionTimers: false, users: (u) => (u === '1002' ? 'agent1002' : undefined) } },
    );
    const log = new EventLog(engine);
    const registered = new Promise<void>((resolve) => engine?.stack.on('register', () => resolve()));
    const phone = await startBaresip(engine.stack.udpPort ?? 0);
    await Promise.race([registered, delay(15_000).then(() => Promise.reject(new Error(`baresip did not register:\n${phone.output().slice(-2000)}`)))]);
    stack = await peerStack();
    caller = new Caller(stack);
    await caller.dial(engine, '12345', { from: `sip:13912345678@${DOMAIN}` });
    caller.talk(700);
    await log.waitFor('call.bridged', 15_000);
    await delay(1500);
    await caller.call.hangup();
    const cdr = await log.waitCdr();
    expect(cdr.agent).toBe('1002');
    expect(cdr.endReason).toBe('caller-hangup');
    const wav = parseWav(readFileSync(cdr.recordingPath ?? ''));
    expect(wav.channels).toBe(2);
    const left = wav.samples.filter((_, i) => i % 2 === 0);
    const right = wav.samples.filter((_, i) => i % 2 === 1);
    expect(left.length / 8000).toBeGreaterThan(1.2);
    expect(rms(left), 'citizen channel').toBeGreaterThan(1000);
    expect(rms(right), `agent channel\n${phone.output().slice(-1500)}`).toBeGreaterThan(300);
    expect(engine.stats()).toMatchObject({ activeCalls: 0, portsInUse: 0 });
  });
});
