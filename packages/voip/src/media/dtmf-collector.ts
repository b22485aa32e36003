/**
 * Collects a DTMF entry for an IVR menu or a number prompt: stops on the
 * maximum length, a terminator key, or a first-digit / inter-digit timeout.
 * Works on any source of DtmfEvents, so RFC 4733, in-band and SIP INFO digits
 * are handled alike.
 */
import type { DtmfSource } from './prompt-player.js';
import type { DtmfEvent } from './telephone-event.js';

export interface CollectOptions {
  readonly maxDigits?: number;
  /** Keys that end the entry and are not part of it. */
  readonly terminators?: string;
  readonly firstDigitTimeoutMs?: number;
  readonly interDigitTimeoutMs?: number;
  /** Digits already pressed, e.g. the one that interrupted the prompt (barge-in). */
  readonly initial?: string;
  readonly signal?: AbortSignal;
}

export interface CollectResult {
  readonly digits: string;
  readonly reason: 'max' | 'terminator' | 'timeout' | 'aborted';
  readonly terminator?: string;
}

export function collectDigits(source: DtmfSource, opts: CollectOptions = {}): Promise<CollectResult> {
  const max = opts.maxDigits ?? 1;
  const terminators = opts.terminators ?? '#';
  let digits = '';
  return new Promise<CollectResult>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (reason: CollectResult['reason'], terminator?: string): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      source.off('dtmf', onDigit);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(terminator === undefined ? { digits, reason } : { digits, reason, terminator });
    };
    const arm = (ms: number): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish('timeout'), ms);
    };
    const press = (digit: string): void => {
      if (terminators.includes(digit)) {
        finish('terminator', digit);
        return;
      }
      digits += digit;
      if (digits.length >= max) finish('max');
      else arm(opts.interDigitTimeoutMs ?? 3000);
    };
    const onDigit = (e: DtmfEvent): void => press(e.digit);
    const onAbort = (): void => finish('aborted');
    if (opts.signal?.aborted) {
      finish('aborted');
      return;
    }
    source.on('dtmf', onDigit);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    arm(opts.firstDigitTimeoutMs ?? 5000);
    for (const d of opts.initial ?? '') if (!done) press(d);
  });
}
