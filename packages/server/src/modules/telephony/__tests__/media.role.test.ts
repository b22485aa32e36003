/**
 * The media role end to end on loopback: configuration from the environment, the default
 * Mandarin IVR (espeak-ng prompts cached under dataDir/prompts), a caller choosing 1, call events
 * on the bus and a CDR line on disk; a call bridged to an agent phone whose recording moves into
 * the blob store when the call ends.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PortAllocator, RtpSession, SipStack, answerAudioOffer, createAudioSdp, parseSdp, serializeSdp } from '@hotline/voip';
import type { CallEvent, SipInboundCall } from '@hotline/voip';
import { FsBlobStore, digestStream } from '../../../platform/blob/index.js';
import { InProcessBus } from '../../../platform/events/bus.js';
import { loadMediaConfig } from '../media.config.js';
import { TELEPHONY_CHANNELS, startMediaRole } from '../media.role.js';

const dataDir = mkdtempSync(join(tmpdir(), 'media-role-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('media role configuration', () => {
  it('is off unless enabled, and reads ports, numbers and agent passwords', () => {
    expect(loadMediaConfig({}, dataDir).enabled).toBe(false);
    const c = loadMediaConfig(
      { HOTLINE_MEDIA_ENABLED: 'true', HOTLINE_SIP_PORT: '5070', HOTLINE_RTP_PORT_MIN: '40000', HOTLINE_RTP_PORT_MAX: '40999', HOTLINE_MEDIA_NUMBERS: '12345, 96345', HOTLINE_SIP_USERS: '1001:a:b,1002:pw' },
      dataDir,
    );
    expect(c).toMatchObject({ enabled: true, sipPort: 5070, rtpMin: 40000, rtpMax: 40999, numbers: ['12345', '96345'], recordingsDir: join(dataDir, 'recordings') });
    expect(c.sipUsers.get('1001')).toBe('a:b');
    expect(() => loadMediaConfig({ HOTLINE_SIP_PORT: 'x' }, dataDir)).toThrow(/HOTLINE_SIP_PORT/);
  });
});

describe('media role', () => {
  it('answers 12345 with the default IVR, queues on 1, publishes call events and writes the CDR', async () => {
    expect(await startMediaRole({ bus: new InProcessBus(), dataDir, env: {} })).toBeUndefined();
    const bus = new InProcessBus();
    const events: CallEvent[] = [];
    bus.subscribe(TELEPHONY_CHANNELS.calls, (m) => events.push(m as CallEvent));
    const base = 41_000 + 2 * Math.floor(Math.random() * 4000);
    const role = await startMediaRole({
      bus,
      dataDir,
      env: { HOTLINE_MEDIA_ENABLED: 'true', HOTLINE_SIP_HOST: '127.0.0.1', HOTLINE_SIP_PORT: '0', HOTLINE_RTP_PORT_MIN: String(base), HOTLINE_RTP_PORT_MAX: String(base + 99) },
    });
    if (!role) throw new Error('role not started');
    const caller = await SipStack.create({ udp: { port: 0, host: '127.0.0.1' }, domain: 'test', publicAddress: '127.0.0.1' });
    const rtp = await RtpSession.open({ allocator: new PortAllocator({ min: base + 200, max: base + 219 }), bindAddress: '127.0.0.1' });
    try {
      let heard = 0;
      rtp.on('audio', () => heard++);
      const call = caller.call(`sip:12345@127.0.0.1:${role.engine.stack.udpPort ?? 0}`, serializeSdp(createAudioSdp({ address: '127.0.0.1', port: rtp.localPort })), { from: 'sip:13999990000@test' });
      const answer = parseSdp((await call.waitAnswer()) ?? '');
      rtp.setRemote({ address: '127.0.0.1', port: answer.media[0]?.port ?? 0 });
      const deadline = Date.now() + 5000;
      while (heard < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(heard).toBeGreaterThanOrEqual(10);
      await rtp.sendDigits('1', { durationMs: 80 });
      while (!events.some((e) => e.type === 'call.queued') && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 20));
      await call.hangup();
      while (!events.some((e) => e.type === 'call.ended') && Date.now() < deadline + 15_000) await new Promise((r) => setTimeout(r, 20));
      expect(events.find((e) => e.type === 'call.queued')?.data).toMatchObject({ queue: 'mandarin' });
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['call.started', 'ivr.digit', 'call.ended']));
    } finally {
      await rtp.close();
      await caller.close();
      await role.close();
    }
    const files = readdirSync(join(dataDir, 'cdr'));
    expect(files).toHaveLength(1);
    const cdr = JSON.parse(readFileSync(join(dataDir, 'cdr', files[0] ?? ''), 'utf8').trim()) as { caller: string; queue: string; endReason: string };
    expect(cdr).toMatchObject({ caller: '13999990000', queue: 'mandarin', endReason: 'caller-hangup' });
    // Prompts are cached as 8 kHz WAV when espeak-ng is installed (CI installs it); without it they play as silence.
    if (existsSync('/usr/bin/espeak-ng') || process.env.CI === 'true') expect(readdirSync(join(dataDir, 'prompts')).length).toBeGreaterThan(3);
  });
});

describe('media role with a blob store', () => {
  it('bridges a caller to the queue target and moves the stereo recording into the blob store when the call ends', async () => {
    const dir = join(dataDir, 'bridged');
    const blobs = new FsBlobStore(join(dir, 'blobs'));
    const bus = new InProcessBus();
    const events: CallEvent[] = [];
    bus.subscribe(TELEPHONY_CHANNELS.calls, (m) => events.push(m as CallEvent));
    const base = 41_000 + 2 * Math.floor(Math.random() * 4000);
    // The agent: a SIP phone that answers at once.
    const agent = await SipStack.create({ udp: { port: 0, host: '127.0.0.1' }, domain: 'test', publicAddress: '127.0.0.1' });
    const agentRtp: RtpSession[] = [];
    agent.on('invite', (call: SipInboundCall) => {
      void (async () => {
        const rtp = await RtpSession.open({ allocator: new PortAllocator({ min: base + 300, max: base + 319 }), bindAddress: '127.0.0.1' });
        agentRtp.push(rtp);
        const answer = answerAudioOffer(parseSdp(call.remoteSdp ?? ''), { address: '127.0.0.1', port: rtp.localPort });
        if (!answer) return call.reject(488);
        rtp.setRemote({ address: answer.remoteAddress, port: answer.remotePort });
        call.answer(serializeSdp(answer.sdp));
      })();
    });
    const role = await startMediaRole({
      bus,
      blobs,
      dataDir: dir,
      env: {
        HOTLINE_MEDIA_ENABLED: 'true', HOTLINE_SIP_HOST: '127.0.0.1', HOTLINE_SIP_PORT: '0', HOTLINE_RTP_PORT_MIN: String(base), HOTLINE_RTP_PORT_MAX: String(base + 99),
        HOTLINE_MEDIA_QUEUE_TARGET: `sip:agent@127.0.0.1:${agent.udpPort ?? 0}`,
      },
    });
    if (!role) throw new Error('role not started');
    const caller = await SipStack.create({ udp: { port: 0, host: '127.0.0.1' }, domain: 'test', publicAddress: '127.0.0.1' });
    const rtp = await RtpSession.open({ allocator: new PortAllocator({ min: base + 200, max: base + 219 }), bindAddress: '127.0.0.1' });
    const waitFor = async (type: string, ms: number) => {
      const deadline = Date.now() + ms;
      while (!events.some((e) => e.type === type)) {
        if (Date.now() > deadline) throw new Error(`no ${type} event`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      const call = caller.call(`sip:12345@127.0.0.1:${role.engine.stack.udpPort ?? 0}`, serializeSdp(createAudioSdp({ address: '127.0.0.1', port: rtp.localPort })), { from: 'sip:13999990001@test' });
      const answer = parseSdp((await call.waitAnswer()) ?? '');
      rtp.setRemote({ address: '127.0.0.1', port: answer.media[0]?.port ?? 0 });
      await new Promise((r) => setTimeout(r, 300));
      await rtp.sendDigits('1', { durationMs: 80 });
      await waitFor('call.bridged', 20_000);
      await new Promise((r) => setTimeout(r, 600));
      await call.hangup();
      await waitFor('call.ended', 10_000);
    } finally {
      await rtp.close();
      await caller.close();
      await role.close();
      await Promise.all(agentRtp.map((r) => r.close()));
      await agent.close();
    }
    const day = readdirSync(join(dir, 'cdr'));
    expect(day).toHaveLength(1);
    const cdr = JSON.parse(readFileSync(join(dir, 'cdr', day[0] ?? ''), 'utf8').trim()) as { id: string; recordingPath: string; stored: { recording: { key: string; size: number; sm3: string } } };
    const stored = cdr.stored.recording;
    expect(stored.key).toBe(`recordings/${day[0]?.slice(0, 8)}/${cdr.id}.wav`);
    // The engine's file is gone; the blob is a WAV whose digest is the one on the CDR.
    expect(existsSync(cdr.recordingPath)).toBe(false);
    const read = await blobs.get(stored.key);
    expect(read.size).toBe(stored.size);
    expect(read.contentType).toBe('audio/wav');
    expect((await digestStream(read.stream)).sm3).toBe(stored.sm3);
    const head = readFileSync(join(dir, 'blobs', ...stored.key.split('/'))).subarray(0, 12).toString('latin1');
    expect(head.startsWith('RIFF') && head.endsWith('WAVE')).toBe(true);
    expect(stored.size).toBeGreaterThan(44);
  });
});
