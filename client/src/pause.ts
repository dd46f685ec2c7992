/**
 * A service-wide wait: after a `429` or `503` with `Retry-After`, no request
 * of that resource is sent before the time the server named, so the other
 * batches in flight do not spend their attempts on the same refusal.
 */
export class Pause {
  private until = 0;

  constructor(private readonly sleep: (ms: number) => Promise<void>) {}

  hold(untilMs: number): void {
    this.until = Math.max(this.until, untilMs);
  }

  /** Resolves once the latest hold has passed (at once when none is running). */
  async wait(): Promise<void> {
    const left = this.until - Date.now();
    if (left > 0) await this.sleep(left);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
