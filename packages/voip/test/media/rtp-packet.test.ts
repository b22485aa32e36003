import { describe, expect, it } from 'vitest';
import {
  buildBye, buildReceiverReport, buildSdesCname, buildSenderReport, ntpMiddle, parseRtcp,
} from '../../src/media/rtcp.js';
import { parseRtp, seqDelta, serializeRtp } from '../../src/media/rtp-packet.js';
import { prng } from './helpers.js';

describe('RTP packet', () => {
  it('round-trips header fields, CSRCs and an extension', () => {
    const packet = {
      payloadType: 8, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, marker: true, csrcs: [1, 2],
      extension: { profile: 0xbede, data: Buffer.from([1, 2, 3, 4]) }, payload: Buffer.from('hello'),
    };
    const parsed = parseRtp(serializeRtp(packet));
    expect(parsed).toMatchObject({ payloadType: 8, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, marker: true, csrcs: [1, 2] });
    expect(parsed?.extension?.data).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(parsed?.payload.toString()).toBe('hello');
  });

  it('parses a hand-built packet byte for byte', () => {
    const bytes = Buffer.from('80e0 0102 00000010 0000abcd ffff'.replace(/ /g, ''), 'hex');
    expect(parseRtp(bytes)).toMatchObject({ marker: true, payloadType: 96, sequence: 258, timestamp: 16, ssrc: 0xabcd });
  });

  it('strips padding and rejects malformed input without throwing', () => {
    const padded = Buffer.concat([serializeRtp({ payloadType: 0, sequence: 1, timestamp: 1, ssrc: 1, marker: false, csrcs: [], payload: Buffer.from([9, 9]) }), Buffer.from([0, 0, 3])]);
    padded[0] = (padded[0] ?? 0) | 0x20;
    expect(parseRtp(padded)?.payload).toEqual(Buffer.from([9, 9]));
    expect(parseRtp(Buffer.alloc(11))).toBeUndefined();
    expect(parseRtp(Buffer.from('40000000000000000000000000', 'hex'))).toBeUndefined(); // version 1
    expect(parseRtp(Buffer.from('8f000000000000000000000000', 'hex'))).toBeUndefined(); // 15 CSRCs missing
    expect(parseRtp(Buffer.from('a0000000000000000000000000', 'hex'))).toBeUndefined(); // padding 0
    const rand = prng(7);
    for (let i = 0; i < 5000; i++) {
      const buf = Buffer.from(Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)));
      expect(() => parseRtp(buf)).not.toThrow();
      expect(() => parseRtcp(buf)).not.toThrow();
    }
  });

  it('measures sequence distance across the wrap', () => {
    expect(seqDelta(65535, 0)).toBe(1);
    expect(seqDelta(0, 65535)).toBe(-1);
    expect(seqDelta(100, 200)).toBe(100);
  });
});

describe('RTCP', () => {
  const block = { ssrc: 42, fractionLost: 25, cumulativeLost: -3, highestSeq: 70000, jitter: 12, lastSr: 0x12345678, delaySinceLastSr: 6553 };

  it('round-trips a compound SR + SDES + BYE', () => {
    const sr = buildSenderReport(7, { ntpSec: 3900000000, ntpFrac: 0x80000000, rtpTimestamp: 1234, packetCount: 50, octetCount: 8000 }, [block]);
    const compound = Buffer.concat([sr, buildSdesCname(7, 'agent-1@hotline'), buildBye([7], 'hangup')]);
    const parsed = parseRtcp(compound);
    expect(parsed).toEqual([
      { type: 'sr', ssrc: 7, sender: { ntpSec: 3900000000, ntpFrac: 0x80000000, rtpTimestamp: 1234, packetCount: 50, octetCount: 8000 }, reports: [block] },
      { type: 'sdes', ssrc: 7, cname: 'agent-1@hotline' },
      { type: 'bye', ssrcs: [7], reason: 'hangup' },
    ]);
  });

  it('round-trips a receiver report and rejects broken framing', () => {
    const rr = buildReceiverReport(9, [block]);
    expect(parseRtcp(rr)).toEqual([{ type: 'rr', ssrc: 9, reports: [block] }]);
    expect(parseRtcp(rr.subarray(0, rr.length - 4))).toBeUndefined();
    expect(ntpMiddle(0x00011234, 0x56780000)).toBe(0x12345678);
  });
});
