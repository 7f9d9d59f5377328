// One writer at a time across all projects: node:sqlite is synchronous, but a sync awaits between batches.
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(() => fn());
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }
}
