import { describe, expect, it } from 'vitest';
import {
  answerAudioOffer,
  answerDirection,
  createAudioSdp,
  isSdpHold,
  parseSdp,
  SdpParseError,
  sdpCodecs,
  sdpDirection,
  serializeSdp,
  withSdpDirection,
} from '../../src/sip/index.js';

const OFFER = [
  'v=0',
  'o=carrier 2890844526 2890842807 IN IP4 10.1.2.3',
  's=call',
  'c=IN IP4 10.1.2.3',
  't=0 0',
  'm=audio 49170 RTP/AVP 18 0 8 101',
  'b=AS:64',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=ptime:20',
  'm=video 51372 RTP/AVP 96',
  'a=rtpmap:96 H264/90000',
  '',
].join('\r\n');

describe('SDP', () => {
  it('parses connection, media, rtpmap/fmtp and static payload types', () => {
    const sdp = parseSdp(OFFER);
    expect(sdp.origin.address).toBe('10.1.2.3');
    expect(sdp.connection?.address).toBe('10.1.2.3');
    expect(sdp.media).toHaveLength(2);
    const codecs = sdpCodecs(sdp.media[0]!);
    expect(codecs.map((c) => `${c.payloadType}:${c.name}`)).toEqual(['18:G729', '0:PCMU', '8:PCMA', '101:telephone-event']);
    expect(codecs.find((c) => c.payloadType === 101)?.fmtp).toBe('0-15');
    expect(sdpDirection(sdp)).toBe('sendrecv');
  });

  it('round-trips through serialize', () => {
    const sdp = parseSdp(OFFER);
    expect(parseSdp(serializeSdp(sdp))).toEqual(sdp);
    expect(serializeSdp(sdp)).toContain('m=audio 49170 RTP/AVP 18 0 8 101\r\nb=AS:64\r\n');
  });

  it('answers an offer: first supported codec, telephone-event kept, other streams refused', () => {
    const answer = answerAudioOffer(parseSdp(OFFER), { address: '192.168.1.5', port: 20_000 });
    expect(answer?.codec.name).toBe('PCMU');
    expect(answer?.telephoneEvent?.payloadType).toBe(101);
    expect(answer?.remoteAddress).toBe('10.1.2.3');
    expect(answer?.remotePort).toBe(49170);
    const sdp = answer!.sdp;
    expect(sdp.media.map((m) => m.port)).toEqual([20_000, 0]);
    expect(sdp.media[0]?.formats).toEqual(['0', '101']);
    expect(answerAudioOffer(parseSdp(OFFER.replace('18 0 8 101', '18')), { address: '1.1.1.1', port: 1 })).toBeUndefined();
  });

  it('handles hold directions (RFC 3264 §8.4)', () => {
    const offer = createAudioSdp({ address: '10.0.0.1', port: 4000 });
    const held = withSdpDirection(offer, 'sendonly');
    expect(sdpDirection(held)).toBe('sendonly');
    expect(isSdpHold(held)).toBe(true);
    expect(Number(held.origin.sessionVersion)).toBe(Number(offer.origin.sessionVersion) + 1);
    expect(answerDirection('sendonly')).toBe('recvonly');
    expect(answerDirection('recvonly')).toBe('sendonly');
    expect(answerDirection('inactive')).toBe('inactive');
    expect(answerDirection('sendrecv', 'recvonly')).toBe('recvonly');
    expect(isSdpHold(parseSdp(OFFER.replace('c=IN IP4 10.1.2.3', 'c=IN IP4 0.0.0.0')))).toBe(true);
    const answer = answerAudioOffer(held, { address: '10.0.0.2', port: 5000 });
    expect(answer?.direction).toBe('recvonly');
    // A later answer in the same session keeps o= and bumps the version.
    const again = answerAudioOffer(offer, { address: '10.0.0.2', port: 5000, previous: answer?.sdp });
    expect(again?.sdp.origin.sessionId).toBe(answer?.sdp.origin.sessionId);
    expect(Number(again?.sdp.origin.sessionVersion)).toBe(Number(answer?.sdp.origin.sessionVersion) + 1);
  });

  it('rejects malformed SDP with a typed error', () => {
    expect(() => parseSdp('hello')).toThrow(SdpParseError);
    expect(() => parseSdp('v=0\r\ns=x\r\n')).toThrow(SdpParseError);
    expect(() => parseSdp(OFFER.replace('m=audio 49170', 'm=audio port'))).toThrow(SdpParseError);
    expect(() => parseSdp(OFFER.replace('c=IN IP4 10.1.2.3', 'c=IN'))).toThrow(SdpParseError);
  });
});

describe('SDP fuzzing', () => {
  it('5,000 mutated offers: parse throws only SdpParseError, everything downstream never throws', () => {
    let seed = 99;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pieces = ['\r\n', ' ', '/', ':', '=', 'a=rtpmap:', 'm=audio ', '0', '-1', '99999999999999999999', 'c=IN IP4 ', 'a=sendonly', '\u00ff'];
    let parsed = 0;
    for (let i = 0; i < 5_000; i++) {
      const chars = [...OFFER];
      for (let k = 0; k < 1 + Math.floor(random() * 6); k++) {
        const pos = Math.floor(random() * chars.length);
        if (random() < 0.5) chars.splice(pos, 1 + Math.floor(random() * 10));
        else chars.splice(pos, 0, ...(pieces[Math.floor(random() * pieces.length)] ?? ''));
      }
      const text = chars.join('');
      let sdp;
      try {
        sdp = parseSdp(text);
      } catch (err) {
        if (!(err instanceof SdpParseError)) throw new Error(`mutation ${i} threw ${String(err)}: ${JSON.stringify(text)}`);
        continue;
      }
      parsed++;
      for (const m of sdp.media) sdpCodecs(m);
      sdpDirection(sdp);
      isSdpHold(sdp);
      withSdpDirection(sdp, 'sendonly');
      answerAudioOffer(sdp, { address: '127.0.0.1', port: 4000, previous: sdp });
      parseSdp(serializeSdp(sdp));
    }
    expect(parsed).toBeGreaterThan(500);
  });
});
