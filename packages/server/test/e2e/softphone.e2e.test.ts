import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createSocket, type Socket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IvrFlow } from '@hotline/voip';
import type { Platform } from '../../src/bootstrap.js';
import { ids, login, provisionUser } from '../harness.js';
import { loadMediaConfig } from '../../src/modules/telephony/media.config.js';
import { createMediaRole, type MediaRole } from '../../src/modules/telephony/media.role.js';
import { SHOTS, screenshotFailures, startBrowserSession, submitLogin, type BrowserSession } from './browser.js';

/**
 * Demo: "a real call is answered on the call platform". A citizen (SIPp, a real SIP UA on
 * loopback) dials 12345; the IVR puts the call in the queue, which rings the agent's extension;
 * the agent answers in Chromium through the softphone page (WebRTC to the server's gateway, a
 * fake microphone that plays a beep), holds and resumes the citizen, and transfers the call to a
 * colleague's extension; the colleague answers in another tab and hangs up. The CDR names the
 * agent and the transfer, and the stereo recording holds the citizen on the left and the
 * browsers on the right.
 */
const SIPP = process.env.SIPP_PATH ?? '/usr/bin/sipp';
const SCENARIO = fileURLToPath(new URL('./scenarios/softphone-caller.xml', import.meta.url));
const EXTENSION = '8001';
const COLLEAGUE = '8002';
// Straight to the queue: the IVR itself is covered by the media role's and the engine's tests.
const QUEUE_FLOW: IvrFlow = {
  name: 'e2e queue',
  start: 'queue',
  nodes: { queue: { type: 'transfer', queue: 'general', next: 'bye' }, bye: { type: 'hangup' } },
};

function sippAvailable(): boolean {
  if (existsSync(SIPP) && spawnSync(SIPP, ['-v'], { timeout: 5_000 }).error === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`${SIPP} is required in CI but missing`);
  return false;
}

async function bindUdp(port: number): Promise<Socket | undefined> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => resolve(undefined));
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

/** `count` consecutive free UDP ports from an even base (SIPp's -mp takes audio and video RTP/RTCP pairs). */
async function freeUdpPorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = await bindUdp(0);
    if (!probe) continue;
    const base = probe.address().port & ~1;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const held = await Promise.all(Array.from({ length: count }, (_, i) => (base + i <= 65535 ? bindUdp(base + i) : undefined)));
    await Promise.all(held.map((s) => (s ? new Promise<void>((resolve) => s.close(() => resolve())) : undefined)));
    if (held.every(Boolean)) return base;
  }
  throw new Error('no free UDP ports');
}

interface SippRun {
  done: Promise<{ code: number | null; output: string }>;
  kill(): void;
}

async function callHotline(sipPort: number): Promise<SippRun> {
  const work = mkdtempSync(join(tmpdir(), 'sipp-softphone-'));
  const args = [
    `127.0.0.1:${sipPort}`, '-sf', SCENARIO, '-t', 'u1', '-i', '127.0.0.1', '-p', String(await freeUdpPorts(1)), '-mp', String(await freeUdpPorts(4)),
    '-s', '12345', '-m', '1', '-timeout', '120s', '-timeout_error', '-nostdin',
  ];
  const child = spawn(SIPP, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (b: Buffer) => {
    output = (output + b.toString('latin1')).slice(-8_000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('close', (code) => {
      rmSync(work, { recursive: true, force: true });
      resolve({ code, output });
    }),
  );
  return { done, kill: () => child.kill('SIGKILL') };
}

/** RMS of one channel of a 16-bit stereo WAV (0 = left). */
function channelRms(wav: Buffer, channel: 0 | 1): number {
  const data = wav.indexOf('data');
  const start = data + 8;
  let sum = 0;
  let n = 0;
  for (let i = start + channel * 2; i + 1 < wav.length; i += 4) {
    const s = wav.readInt16LE(i);
    sum += s * s;
    n++;
  }
  return n === 0 ? 0 : Math.sqrt(sum / n);
}

const run = sippAvailable() ? describe : describe.skip;

run('softphone in the browser', () => {
  let session: BrowserSession | undefined;
  let platform: Platform;
  let page: Page;
  let colleague: Page;
  let media: MediaRole | undefined;
  let sipp: SippRun | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'softphone-e2e-'));

  beforeAll(async () => {
    session = await startBrowserSession({ fakeMicrophone: true });
    platform = session.platform;
    page = session.page;
    const base = 43_000 + 2 * Math.floor(Math.random() * 3000);
    const config = loadMediaConfig(
      {
        HOTLINE_MEDIA_ENABLED: 'true', HOTLINE_SIP_HOST: '127.0.0.1', HOTLINE_SIP_PORT: '0',
        HOTLINE_RTP_PORT_MIN: String(base), HOTLINE_RTP_PORT_MAX: String(base + 199), HOTLINE_MEDIA_QUEUE_TARGET: EXTENSION,
      },
      dataDir,
    );
    media = await createMediaRole(config, { bus: platform.deps.bus, db: platform.deps.db, blobs: platform.deps.blobs, dataDir, flow: QUEUE_FLOW, softphoneKey: platform.deps.config.keys.indexKeyHex });
    await platform.softphone.start(media, { rtp: { min: base + 200, max: base + 399 } });
  }, 90_000);

  afterAll(async () => {
    sipp?.kill();
    await platform?.softphone.close();
    await media?.close();
    await session?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  screenshotFailures('e2e-softphone', () => page);

  it('the agent goes online with the assigned extension', async () => {
    await submitLogin(page, 'agent01');
    await page.waitForURL('**/dashboard');
    await page.goto('/telephony/softphone');
    await expect.poll(() => page.getByTestId('softphone-line').getAttribute('data-state'), { timeout: 15_000 }).toBe('registered');
    expect(await page.getByTestId('softphone-extension').innerText()).toContain(EXTENSION);
  });

  it('a citizen calls 12345, the call rings in the browser and the agent answers', async () => {
    sipp = await callHotline(media!.engine.stack.udpPort!);
    await page.getByTestId('softphone-answer').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('softphone-caller').innerText()).toBe('13800138000');
    await page.getByTestId('softphone-answer').click();
    await expect.poll(() => page.getByTestId('softphone-call').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    // The citizen's voice reaches the page: the remote track carries audio.
    await expect
      .poll(() => page.evaluate(async () => {
        const audio = document.querySelector<HTMLAudioElement>('[data-testid="softphone-audio"]');
        const stream = audio?.srcObject as MediaStream | null;
        return stream?.getAudioTracks()[0]?.readyState ?? 'none';
      }), { timeout: 10_000 })
      .toBe('live');
    await page.screenshot({ path: `${SHOTS}/softphone-connected.png` });
  });

  it('holds and resumes the citizen', async () => {
    await page.waitForTimeout(1500);
    await page.getByTestId('softphone-hold').click();
    await expect.poll(() => page.getByTestId('softphone-call').getAttribute('data-state'), { timeout: 10_000 }).toBe('held');
    await page.waitForTimeout(1000);
    await page.getByTestId('softphone-hold').click();
    await expect.poll(() => page.getByTestId('softphone-call').getAttribute('data-state'), { timeout: 10_000 }).toBe('connected');
  });

  it('transfers the citizen to a colleague, who answers in another tab and hangs up', async () => {
    const I = await ids(platform);
    await provisionUser(platform, { tenantId: await I.tenant('650000'), orgId: await I.org('RX-SL1'), username: 'agent_e2e2', roleCode: 'hotline_agent' });
    const sys = await login(platform, 'sysadmin');
    expect((await sys.put(`/api/v1/telephony/agents/${await I.user('agent_e2e2')}`, { extension: COLLEAGUE })).status).toBe(200);
    colleague = await session!.newPage();
    await submitLogin(colleague, 'agent_e2e2', 'Changed@Pass2026y');
    await colleague.waitForURL('**/dashboard');
    await colleague.goto('/telephony/softphone');
    await expect.poll(() => colleague.getByTestId('softphone-line').getAttribute('data-state'), { timeout: 15_000 }).toBe('registered');

    await page.getByTestId('softphone-transfer-target').fill(COLLEAGUE);
    await page.getByTestId('softphone-transfer').click();
    // A blind transfer completes when the colleague answers; until then the first agent is told it is under way.
    await page.getByTestId('softphone-transferring').waitFor();
    await colleague.getByTestId('softphone-answer').click({ timeout: 20_000 });
    expect(await colleague.getByTestId('softphone-caller').innerText()).toBe('13800138000');
    await expect.poll(() => colleague.getByTestId('softphone-call').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    await expect.poll(() => page.getByTestId('softphone-call').getAttribute('data-state'), { timeout: 15_000 }).toBe('ended');
    expect(await page.getByTestId('softphone-call').innerText()).toContain('已转接');

    await colleague.waitForTimeout(2000);
    await colleague.getByTestId('softphone-hangup').click();
    await expect.poll(() => colleague.getByTestId('softphone-call').getAttribute('data-state'), { timeout: 10_000 }).toBe('ended');
    const outcome = await sipp!.done;
    expect(outcome.code, outcome.output).toBe(0);
  });

  it('the call record names the agent and the transfer, and its recording holds both parties', async () => {
    // The CDR is written when the call ends; the agent finds it on the call records page.
    await expect.poll(async () => (await platform.deps.db.selectFrom('telephony_cdr').select('id').execute()).length, { timeout: 10_000 }).toBe(1);
    const cdr = await platform.deps.db.selectFrom('telephony_cdr').selectAll().executeTakeFirstOrThrow();
    expect(cdr.agent).toContain(EXTENSION);
    expect(JSON.stringify(cdr.record)).toContain(COLLEAGUE);
    expect(cdr.hold_seconds).toBeGreaterThan(0);
    expect(cdr.recording_key).toBeTruthy();
    await page.goto('/telephony/calls');
    await page.getByTestId(`call-detail-${cdr.id}`).waitFor();
    expect(await page.getByTestId('call-records-table').innerText()).toContain('13800138000');
    // The detail drawer plays the recording (each play is audited).
    await page.getByTestId(`call-detail-${cdr.id}`).click();
    await page.getByTestId('call-recording-play').click();
    await page.getByTestId('call-recording-audio').waitFor();
    await expect.poll(async () => (await platform.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'telephony.recording.play').where('target_id', '=', cdr.id).execute()).length).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/call-record-detail.png` });

    // The recording, through the API the page's player uses (an audited play).
    const wav = Buffer.from(
      await page.evaluate(async (id) => {
        const token = sessionStorage.getItem('hotline.token') ?? '';
        const res = await fetch(`/api/v1/telephony/calls/${id}/recording`, { headers: { Authorization: `Bearer ${token}` } });
        if (!res.ok) throw new Error(`recording: HTTP ${res.status}`);
        return Array.from(new Uint8Array(await res.arrayBuffer()));
      }, cdr.id),
    );
    expect(channelRms(wav, 0), 'citizen (left)').toBeGreaterThan(100);
    expect(channelRms(wav, 1), 'agent in the browser (right)').toBeGreaterThan(100);
  });
});
