/** The training loop's clock: yielding to queued messages between steps, and throughput for step events. */

/** Lets queued messages (pause, stop) run between steps without the 4 ms clamp of nested setTimeout. */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/** Throughput since the last step event and time since the loop began, for step events. */
export class LogWindow {

  tokens = 0;
  private clock = performance.now();
  private readonly started = this.clock;
  private lastRead = this.clock;

  rates(): { tokensPerSecond: number; elapsedMs: number } {
    const now = (this.lastRead = performance.now());
    return { tokensPerSecond: (this.tokens * 1000) / Math.max(1, now - this.clock), elapsedMs: now - this.started };
  }

  /** After a step event: count tokens afresh from the time it reported. */
  restartAfterLog(): void {
    this.tokens = 0;
    this.clock = this.lastRead;
  }

  /** After an evaluation: its time is not training throughput. */
  restartAfterEval(): void {
    this.clock = performance.now();
  }
}

