import { EventEmitter } from 'node:events';

/**
 * Fan-out of live events to connected browsers. The embedded default is in-process; a Redis or
 * NATS adapter implements the same port when several API nodes must see each other's events.
 */
export interface Bus {
  publish(channel: string, message: unknown): Promise<void>;
  subscribe(channel: string, handler: (message: unknown) => void): () => void;
  close(): Promise<void>;
}

export class InProcessBus implements Bus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  async publish(channel: string, message: unknown): Promise<void> {
    this.emitter.emit(channel, message);
  }
  subscribe(channel: string, handler: (message: unknown) => void): () => void {
    this.emitter.on(channel, handler);
    return () => this.emitter.off(channel, handler);
  }
  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
