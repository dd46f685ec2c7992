/**
 * Runs tasks one at a time per key, in the order they were given, and tasks
 * of different keys at once. For stores whose conditional update is not
 * atomic (FerretDB matches a document, then writes it, in two steps): two
 * writers of one document in this process never overlap.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
