/**
 * The media role's hand-over of a finished call's audio to the blob store: the engine's recording
 * and voicemail files move under recordings/ and voicemail/<yyyymmdd>/<callId>.wav with their SM3
 * digests, and the JSON-lines CDR (no database) names where they went.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Cdr } from '@hotline/voip';
import { FsBlobStore } from '../../../platform/blob/index.js';
import { sm3Hex } from '../../../platform/crypto/index.js';
import { callAudioKey, storeCallAudio, writeCdr } from '../media.role.js';

const dir = mkdtempSync(join(tmpdir(), 'call-audio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 2026-01-04 23:30 UTC is already 01-05 in Beijing; keys follow the engine's UTC day directories.
const startedAt = Date.parse('2026-01-04T23:30:00Z');
const base: Cdr = {
  id: 'mk1a2b-0123456789', sipCallId: 'x@carrier', caller: '13800000000', callerWithheld: false, callee: '12345', startedAt, endedAt: startedAt + 60_000,
  endReason: 'caller-hangup', ivrPath: [], ivrInputs: [], dtmf: '', transfers: [], legs: [], holdSeconds: 0,
};

describe('call audio to the blob store', () => {
  it('moves the recording and the voicemail, with size and SM3, and removes the engine’s files', async () => {
    const blobs = new FsBlobStore(join(dir, 'blobs'));
    mkdirSync(join(dir, 'rec'), { recursive: true });
    const recording = join(dir, 'rec', 'call.wav');
    const voicemail = join(dir, 'rec', 'vm.wav');
    writeFileSync(recording, Buffer.from('RIFF recording bytes'));
    writeFileSync(voicemail, Buffer.from('RIFF voicemail'));
    const stored = await storeCallAudio(blobs, { ...base, recordingPath: recording, voicemailPath: voicemail });
    expect(stored.recording).toMatchObject({ key: 'recordings/20260104/mk1a2b-0123456789.wav', size: 20, sm3: sm3Hex(Buffer.from('RIFF recording bytes')), contentType: 'audio/wav' });
    expect(stored.voicemail).toMatchObject({ key: 'voicemail/20260104/mk1a2b-0123456789.wav', size: 14 });
    expect(existsSync(recording)).toBe(false);
    expect(existsSync(voicemail)).toBe(false);
    expect((await blobs.stat(callAudioKey('recordings', base)))?.size).toBe(20);

    await writeCdr(join(dir, 'cdr'), base, stored);
    const line = JSON.parse(readFileSync(join(dir, 'cdr', '20260104.jsonl'), 'utf8').trim()) as { stored: { recording: { key: string } } };
    expect(line.stored.recording.key).toBe('recordings/20260104/mk1a2b-0123456789.wav');
  });

  it('leaves a file it cannot move where it is, and logs why', async () => {
    const blobs = new FsBlobStore(join(dir, 'blobs2'));
    const errors: string[] = [];
    const logger = { error: (_o: object, msg: string) => errors.push(msg), warn: () => undefined, info: () => undefined, debug: () => undefined };
    const stored = await storeCallAudio(blobs, { ...base, recordingPath: join(dir, 'missing.wav') }, logger);
    expect(stored).toEqual({});
    expect(errors).toEqual(['call audio not moved to the blob store']);
    // A call id that is not a safe key is refused by the store, and the file stays.
    const odd = join(dir, 'odd.wav');
    writeFileSync(odd, 'x');
    expect(await storeCallAudio(blobs, { ...base, id: '../escape', recordingPath: odd }, logger)).toEqual({});
    expect(existsSync(odd)).toBe(true);
  });
});
