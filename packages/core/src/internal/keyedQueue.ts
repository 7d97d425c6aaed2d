/**
 * Runs tasks one at a time per key, in arrival order; tasks of different keys never wait for each other.
 * Cheaper than a promise chain per key: an idle key costs nothing and a key's entry is dropped once drained.
 */
export class KeyedQueue {
  readonly #waiting = new Map<string, Array<() => void>>();

  /** True when no task of any key is running or waiting. */
  get idle(): boolean {
    return this.#waiting.size === 0;
  }

  /**
   * Marks `key` busy on behalf of a task that started outside the queue (while it was idle) and is about to
   * yield: later tasks of `key` wait until the returned release is called.
   */
  hold(key: string): () => void {
    if (!this.#waiting.has(key)) this.#waiting.set(key, []);
    return () => this.#next(key);
  }

  /** Runs `task` once every earlier task of `key` has settled; a task may finish synchronously. */
  run<T>(key: string, task: () => T | Promise<T>): Promise<T> {
    const waiting = this.#waiting.get(key);
    if (waiting === undefined) {
      this.#waiting.set(key, []);
      return this.#start(key, task);
    }
    return new Promise<T>((resolve, reject) => {
      waiting.push(() => {
        this.#start(key, task).then(resolve, reject);
      });
    });
  }

  #start<T>(key: string, task: () => T | Promise<T>): Promise<T> {
    let p: Promise<T>;
    try {
      // Even a task that finished synchronously releases its key on a later tick: releasing it here would run
      // the next waiter inside this call, and a long queue of synchronous tasks would nest that deep.
      p = Promise.resolve(task());
    } catch (error) {
      p = Promise.reject(error);
    }
    return p.finally(() => this.#next(key));
  }

  #next(key: string): void {
    const waiting = this.#waiting.get(key);
    const next = waiting?.shift();
    if (next === undefined) this.#waiting.delete(key);
    else next();
  }
}
