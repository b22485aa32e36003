import { describe, expect, it } from 'vitest';
import { parseSipMessage, serializeSipMessage, SipParseError, SipStreamFramer } from '../../src/sip/index.js';
import type { SipMessage, SipStreamEvent } from '../../src/sip/index.js';
import { parseNameAddr, parseSipUri, parseVia } from '../../src/sip/uri.js';

const INVITE = [
  'INVITE sip:1001@hotline.test SIP/2.0',
  'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;rport',
  'Via: SIP/2.0/UDP 10.0.0.2:5070;branch=z9hG4bK1',
  'Max-Forwards: 70',
  'To: <sip:1001@hotline.test>',
  'From: "Zhang San" <sip:13800000000@carrier.example>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example',
  'CSeq: 314159 INVITE',
  'Contact: <sip:13800000000@10.0.0.1>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\n',
].join('\r\n');

function parseError(input: string | Buffer): SipParseError {
  try {
    parseSipMessage(input);
  } catch (err) {
    if (err instanceof SipParseError) return err;
    throw err;
  }
  throw new Error('expected a parse error');
}

describe('parseSipMessage', () => {
  it('parses a request with multiple Via and a Content-Length body', () => {
    const msg = parseSipMessage(INVITE);
    expect(msg.kind).toBe('request');
    if (msg.kind !== 'request') return;
    expect(msg.method).toBe('INVITE');
    expect(msg.uri).toBe('sip:1001@hotline.test');
    expect(msg.headers.getAll('Via')).toHaveLength(2);
    expect(msg.body.toString()).toBe('v=0\n');
  });

  it('understands compact forms, folding, odd case and comma-joined Via', () => {
    const text = [
      'BYE sip:a@b SIP/2.0',
      'v: SIP/2.0/TCP h1;branch=z9hG4bK1, SIP/2.0/UDP h2:5080;branch=z9hG4bK2',
      'f: <sip:x@y>;tag=1',
      't: <sip:a@b>',
      '  ;tag=2',
      'i: abc',
      'cSEQ: 2 BYE',
      'l: 0',
      '',
      '',
    ].join('\r\n');
    const msg = parseSipMessage(text);
    expect(msg.headers.getAll('Via').map((v) => parseVia(v).host)).toEqual(['h1', 'h2']);
    expect(msg.headers.get('To')).toBe('<sip:a@b> ;tag=2');
    expect(msg.headers.get('Call-ID')).toBe('abc');
    expect(msg.headers.get('CSeq')).toBe('2 BYE');
  });

  it('parses responses and round-trips through the serializer', () => {
    const response = ['SIP/2.0 180 Ringing', 'Via: SIP/2.0/UDP h;branch=z9hG4bKx', 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>;tag=2', 'Call-ID: x', 'CSeq: 1 INVITE', '', ''].join('\r\n');
    const msg = parseSipMessage(response);
    expect(msg.kind === 'response' && msg.status).toBe(180);
    const again = parseSipMessage(serializeSipMessage(msg));
    expect(again.kind === 'response' && again.reason).toBe('Ringing');
    expect(serializeSipMessage(again).toString()).toContain('Content-Length: 0\r\n\r\n');
    const invite = parseSipMessage(serializeSipMessage(parseSipMessage(INVITE)));
    expect(invite.body.toString()).toBe('v=0\n');
  });

  it('uses the rest of a datagram as the body when Content-Length is absent', () => {
    const text = INVITE.replace('Content-Length: 4\r\n', '');
    expect(parseSipMessage(text).body.toString()).toBe('v=0\n');
  });

  it.each([
    ['garbage bytes', Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37]), 'incomplete'],
    ['an empty string', '', 'incomplete'],
    ['CRLF keep-alive only', '\r\n\r\n', 'incomplete'],
    ['a bad start line', INVITE.replace('SIP/2.0\r\n', 'HTTP/1.1\r\n'), 'bad-start-line'],
    ['a bad status code', 'SIP/2.0 99 Odd\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n', 'bad-start-line'],
    ['a missing Call-ID', INVITE.replace(/Call-ID:[^\r]*\r\n/, ''), 'missing-header'],
    ['a missing Via', INVITE.replace(/Via:[^\r]*\r\n/g, ''), 'missing-header'],
    ['a CSeq method mismatch', INVITE.replace('314159 INVITE', '314159 BYE'), 'bad-cseq'],
    ['a CSeq over 2^31', INVITE.replace('314159', '4294967295'), 'bad-cseq'],
    ['a huge Content-Length', INVITE.replace('Content-Length: 4', 'Content-Length: 99999999'), 'too-large'],
    ['a Content-Length beyond the datagram', INVITE.replace('Content-Length: 4', 'Content-Length: 400'), 'bad-content-length'],
    ['a non-numeric Content-Length', INVITE.replace('Content-Length: 4', 'Content-Length: -4'), 'bad-content-length'],
    ['a header without colon', INVITE.replace('Max-Forwards: 70', 'Max-Forwards 70'), 'bad-header'],
    ['a malformed Via', INVITE.replace('SIP/2.0/UDP 10.0.0.1:5060', 'SIP/2.0 10.0.0.1'), 'bad-via'],
    ['invalid UTF-8 in the head', Buffer.concat([Buffer.from('INVITE sip:a@b SIP/2.0\r\nSubject: '), Buffer.from([0xc3, 0x28]), Buffer.from('\r\n\r\n')]), 'bad-encoding'],
    ['an oversized message', 'X'.repeat(70_000), 'too-large'],
  ])('rejects %s with a typed error', (_name, input, code) => {
    expect(parseError(input).code).toBe(code);
  });

  it('rejects too many headers', () => {
    const many = INVITE.replace('Max-Forwards: 70', Array.from({ length: 300 }, (_, i) => `X-H${i}: v`).join('\r\n'));
    expect(parseError(many).code).toBe('too-large');
  });
});

/** Deterministic PRNG so a failing mutation can be reproduced from the seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = ['\r\n', ':', ';', ',', '<', '>', '"', ' ', '\t', '\0', 'SIP/2.0', 'tag=', '=', '@', '[', ']', '\u00e9', '\r', '\n\n', '9999999999'];

function mutate(base: Buffer, random: () => number): Buffer {
  const bytes = [...base];
  const edits = 1 + Math.floor(random() * 8);
  for (let e = 0; e < edits; e++) {
    const pos = Math.floor(random() * (bytes.length + 1));
    const kind = Math.floor(random() * 5);
    if (kind === 0) bytes[pos] = Math.floor(random() * 256);
    else if (kind === 1) bytes.splice(pos, 1 + Math.floor(random() * 20));
    else if (kind === 2) bytes.splice(pos, 0, ...Buffer.from(TOKENS[Math.floor(random() * TOKENS.length)] ?? ''));
    else if (kind === 3) bytes.splice(pos, 0, ...bytes.slice(Math.floor(random() * bytes.length), Math.floor(random() * bytes.length)));
    else bytes.length = Math.min(bytes.length, pos);
  }
  return Buffer.from(bytes);
}

describe('fuzzing', () => {
  it('10,000 random mutations of valid messages throw nothing but SipParseError', () => {
    const bases = [INVITE, INVITE.replace('Content-Length: 4\r\n', ''), ['SIP/2.0 200 OK', 'v: SIP/2.0/UDP h;branch=z9hG4bK1', 'f: <sip:a@b>;tag=1', 't: "B" <sip:c@d>;tag=2', 'i: x', 'CSeq: 1 INVITE', 'l: 0', '', ''].join('\r\n')].map((s) => Buffer.from(s));
    const random = prng(12345);
    let parsed = 0;
    for (let i = 0; i < 10_000; i++) {
      const input = mutate(bases[i % bases.length] as Buffer, random);
      try {
        const msg: SipMessage = parseSipMessage(input);
        parsed++;
        // Whatever parses must also serialise and re-parse.
        parseSipMessage(serializeSipMessage(msg));
      } catch (err) {
        if (!(err instanceof SipParseError)) throw new Error(`mutation ${i} threw ${String(err)}: ${JSON.stringify(input.toString('latin1'))}`);
      }
    }
    // Sanity: the mutations are not all fatal, so the happy path is fuzzed too.
    expect(parsed).toBeGreaterThan(500);
  });

  it('the stream framer survives the same mutations fed in random chunks', () => {
    const random = prng(777);
    for (let i = 0; i < 2_000; i++) {
      const framer = new SipStreamFramer({ maxMessageSize: 4_096 });
      const input = mutate(Buffer.from(INVITE), random);
      try {
        for (let off = 0; off < input.length; ) {
          const size = 1 + Math.floor(random() * 64);
          framer.push(input.subarray(off, off + size));
          off += size;
        }
      } catch (err) {
        if (!(err instanceof SipParseError)) throw err;
      }
    }
  });
});

describe('SipStreamFramer (TCP)', () => {
  const kinds = (events: SipStreamEvent[]): string[] => events.map((e) => e.type);

  it('frames by Content-Length across arbitrary chunk boundaries', () => {
    const framer = new SipStreamFramer();
    const stream = Buffer.from(INVITE + INVITE.replace('314159', '314160'));
    const events: SipStreamEvent[] = [];
    for (let i = 0; i < stream.length; i += 7) events.push(...framer.push(stream.subarray(i, i + 7)));
    expect(kinds(events)).toEqual(['message', 'message']);
    expect(framer.pendingBytes).toBe(0);
  });

  it('answers CRLFCRLF pings and ignores pongs', () => {
    const framer = new SipStreamFramer();
    expect(framer.push(Buffer.from('\r\n\r\n'))).toEqual([{ type: 'keepalive', ping: true }]);
    expect(framer.push(Buffer.from('\r\n'))).toEqual([{ type: 'keepalive', ping: false }]);
    expect(kinds(framer.push(Buffer.from(`\r\n${INVITE}`)))).toEqual(['keepalive', 'message']);
  });

  it('yields a per-message error but keeps framing', () => {
    const framer = new SipStreamFramer();
    const bad = INVITE.replace(/Call-ID:[^\r]*\r\n/, '');
    expect(kinds(framer.push(Buffer.from(bad + INVITE)))).toEqual(['error', 'message']);
  });

  it('throws on lost framing: oversized head or bad Content-Length', () => {
    expect(() => new SipStreamFramer({ maxMessageSize: 1_000 }).push(Buffer.alloc(2_000, 65))).toThrow(SipParseError);
    expect(() => new SipStreamFramer().push(Buffer.from(INVITE.replace('Content-Length: 4', 'Content-Length: x')))).toThrow(SipParseError);
    expect(() => new SipStreamFramer({ maxMessageSize: 1_000 }).push(Buffer.from(INVITE.replace('Content-Length: 4', 'Content-Length: 5000')))).toThrow(SipParseError);
  });

  it('waits for the rest of a body', () => {
    const framer = new SipStreamFramer();
    expect(framer.push(Buffer.from(INVITE.slice(0, -2)))).toEqual([]);
    expect(kinds(framer.push(Buffer.from(INVITE.slice(-2))))).toEqual(['message']);
  });
});

describe('URIs and addresses', () => {
  it('parses SIP URIs with user, port, params and headers', () => {
    const uri = parseSipUri('sip:alice:pw@[2001:db8::1]:5070;transport=tcp;lr?subject=x');
    expect(uri).toMatchObject({ scheme: 'sip', user: 'alice', password: 'pw', host: '[2001:db8::1]', port: 5070, headers: 'subject=x' });
    expect(uri.params.get('transport')).toBe('tcp');
    expect(uri.params.get('lr')).toBeNull();
    expect(() => parseSipUri('http://x')).toThrow(SipParseError);
    expect(() => parseSipUri('sip:a@host:99999')).toThrow(SipParseError);
  });

  it('parses name-addr with quoted display names and header params', () => {
    const a = parseNameAddr('"Wang, \\"Boss\\"" <sip:w@x;transport=tcp>;tag=9');
    expect(a.displayName).toBe('Wang, "Boss"');
    expect(a.uri).toBe('sip:w@x;transport=tcp');
    expect(a.params.get('tag')).toBe('9');
    const bare = parseNameAddr('sip:w@x;tag=3');
    expect(bare.uri).toBe('sip:w@x');
    expect(bare.params.get('tag')).toBe('3');
  });
});
