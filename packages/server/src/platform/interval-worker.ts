/**
 * A periodic background job: one run at a time (a slow run is never overlapped by the next tick),
 * errors go to `onError` instead of ending the process, the timer never keeps the process alive,
 * and stop() waits for the run in progress.
 */
export class IntervalWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
    private readonly defaultIntervalMs: number,
  ) {}

  start(intervalMs = this.defaultIntervalMs): void {
    this.timer = setInterval(() => {
      this.running ??= this.run()
        .catch(this.onError)
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
