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
