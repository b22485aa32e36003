import { readFileSync } from 'node:fs';
/** Error codes a caller can switch on; messages are Chinese because they reach agents' screens. */
export type NlpErrorCode = 'EMPTY_TEXT' | 'INVALID_INPUT' | 'MODEL_FORMAT' | 'TRAINING_DATA';

export class NlpError extends Error {
  readonly code: NlpErrorCode;
  constructor(code: NlpErrorCode, message: string) {
    super(message);
    this.name = 'NlpError';
    this.code = code;
  }
}

export function isNlpError(e: unknown): e is NlpError {
  return e instanceof NlpError;
}

/** Reads a saved model file as JSON; an unreadable or malformed file is a MODEL_FORMAT error naming the model. */
export function readModelJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new NlpError('MODEL_FORMAT', `${what}无法读取：${(e as Error).message}`);
  }
}
