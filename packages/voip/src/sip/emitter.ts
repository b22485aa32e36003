import { EventEmitter } from 'node:events';
import type { SipLogger } from './logger.js';

type Listener = (...args: never[]) => void;
type Untyped = (...args: unknown[]) => void;

/**
 * EventEmitter with typed events. A listener that throws is logged and does not unwind into the
 * SIP state machine that emitted the event (which would leave a transaction half-handled).
 */
export class TypedEmitter<E extends { [K in keyof E]: Listener }> {
  private readonly emitter = new EventEmitter();

  constructor(readonly logger: SipLogger) {
    // Many B2BUA legs may watch one stack; the default cap of 10 would print warnings.
    this.emitter.setMaxListeners(0);
  }

  on<K extends keyof E & string>(event: K, listener: E[K]): this {
    this.emitter.on(event, listener as unknown as Untyped);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: E[K]): this {
    this.emitter.once(event, listener as unknown as Untyped);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: E[K]): this {
    this.emitter.off(event, listener as unknown as Untyped);
    return this;
  }

  listenerCount<K extends keyof E & string>(event: K): number {
    return this.emitter.listenerCount(event);
  }

  protected emit<K extends keyof E & string>(event: K, ...args: Parameters<E[K]>): boolean {
    try {
      return this.emitter.emit(event, ...args);
    } catch (err) {
      this.logger.error({ event, err: String(err), stack: err instanceof Error ? err.stack : undefined }, 'sip event listener threw');
      return true;
    }
  }

  protected removeAllListeners(): void {
    this.emitter.removeAllListeners();
  }
}
