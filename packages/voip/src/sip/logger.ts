/**
 * Logging port. The shape matches pino's `(obj, msg)` call style so a pino logger (or a child of
 * one) can be passed directly; the default is silent so tests and embedders see no console noise.
 */
export type SipLogFn = (fields: Record<string, unknown>, message: string) => void;

export interface SipLogger {
  debug: SipLogFn;
  info: SipLogFn;
  warn: SipLogFn;
  error: SipLogFn;
}

const noop: SipLogFn = () => undefined;

export const silentLogger: SipLogger = { debug: noop, info: noop, warn: noop, error: noop };

/** Adapts a single callback `(level, message, fields)` into a SipLogger. */
export function callbackLogger(fn: (level: keyof SipLogger, message: string, fields: Record<string, unknown>) => void): SipLogger {
  return {
    debug: (f, m) => fn('debug', m, f),
    info: (f, m) => fn('info', m, f),
    warn: (f, m) => fn('warn', m, f),
    error: (f, m) => fn('error', m, f),
  };
}
