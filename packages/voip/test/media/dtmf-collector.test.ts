import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { collectDigits } from '../../src/media/dtmf-collector.js';
import type { DtmfEvent } from '../../src/media/telephone-event.js';
import { sleep } from './helpers.js';

function keypad(): { source: EventEmitter<{ dtmf: [DtmfEvent] }>; press: (keys: string) => void } {
  const source = new EventEmitter<{ dtmf: [DtmfEvent] }>();
  const press = (keys: string): void => {
    for (const digit of keys) source.emit('dtmf', { digit, durationMs: 100, source: 'rfc4733' });
  };
  return { source, press };
}

describe('DTMF collection for IVR menus', () => {
  it('stops at the maximum length', async () => {
    const { source, press } = keypad();
    const p = collectDigits(source, { maxDigits: 3 });
    press('1234');
    expect(await p).toEqual({ digits: '123', reason: 'max' });
    expect(source.listenerCount('dtmf')).toBe(0);
  });

  it('stops on a terminator, which is not part of the entry', async () => {
    const { source, press } = keypad();
    const p = collectDigits(source, { maxDigits: 18, terminators: '#' });
    press('6501#');
    expect(await p).toEqual({ digits: '6501', reason: 'terminator', terminator: '#' });
  });

  it('times out before the first digit and between digits', async () => {
    const { source, press } = keypad();
    expect(await collectDigits(source, { firstDigitTimeoutMs: 30 })).toEqual({ digits: '', reason: 'timeout' });
    const p = collectDigits(source, { maxDigits: 4, firstDigitTimeoutMs: 1000, interDigitTimeoutMs: 40 });
    press('12');
    await sleep(10);
    press('3');
    expect(await p).toEqual({ digits: '123', reason: 'timeout' });
  });

  it('counts the digit that barged in and can be aborted', async () => {
    const { source } = keypad();
    expect(await collectDigits(source, { initial: '0' })).toEqual({ digits: '0', reason: 'max' });
    const c = new AbortController();
    const p = collectDigits(source, { maxDigits: 2 });
    const q = collectDigits(source, { signal: c.signal });
    c.abort();
    expect(await q).toEqual({ digits: '', reason: 'aborted' });
    source.emit('dtmf', { digit: '*', durationMs: 80, source: 'inband' });
    source.emit('dtmf', { digit: '9', durationMs: 80, source: 'inband' });
    expect(await p).toEqual({ digits: '*9', reason: 'max' });
  });
});
