/**
 * The media role end to end on loopback: configuration from the environment, the default
 * Mandarin IVR (espeak-ng prompts cached under dataDir/prompts), a caller choosing 1, call events
 * on the bus and a CDR line on disk.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PortAllocator, RtpSession, SipStack, createAudioSdp, parseSdp, serializeSdp } from '@hotline/voip';
import type { CallEvent } from '@hotline/voip';
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
