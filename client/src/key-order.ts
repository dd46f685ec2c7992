/**
 * Runs the writes to one key one after another, in call order: each waits
 * for the previous one's answer (SPEC §9: a write sent after the previous
 * one was answered is applied after it). Writes to other keys do not wait.
 */
export class KeyOrder {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, write: () => Promise<void>): void {
    const tail = (this.tails.get(key) ?? Promise.resolve()).then(write);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
  }
}
