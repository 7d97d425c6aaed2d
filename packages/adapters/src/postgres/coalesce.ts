interface Pending<I, O> {
  readonly input: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/** Options of {@link Coalescer}. */
export interface CoalescerOptions {
  /** Batches that may run at once. */
  readonly parallelism: number;
  /** Most inputs in one batch. */
  readonly maxBatch: number;
}

/**
 * Group commit (and group read): calls made while a batch is running wait and then go together in the next
 * one, so N concurrent callers cost one round trip instead of N. A lone caller waits only for the current
 * turn of the event loop, which is when its concurrent peers get to join.
 *
 * @example
 * ```ts
 * const loads = new Coalescer<string, Row | undefined>((keys) => selectMany(keys), { parallelism: 1, maxBatch: 500 });
 * const row = await loads.run('kota/employer_quote/erhq_1');
 * ```
 */
export class Coalescer<I, O> {
  readonly #queue: Array<Pending<I, O>> = [];
  readonly #runBatch: (inputs: I[]) => Promise<O[]>;
  readonly #options: CoalescerOptions;
  #running = 0;
  #scheduled = false;

  constructor(runBatch: (inputs: I[]) => Promise<O[]>, options: CoalescerOptions) {
    this.#runBatch = runBatch;
    this.#options = options;
  }

  run(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#running >= this.#options.parallelism || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#running < this.#options.parallelism && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#options.maxBatch);
      this.#running += 1;
      void this.#execute(batch).finally(() => {
        this.#running -= 1;
        this.#schedule();
      });
    }
  }

  async #execute(batch: Array<Pending<I, O>>): Promise<void> {
    try {
      const outputs = await this.#runBatch(batch.map((p) => p.input));
      batch.forEach((p, i) => {
        p.resolve(outputs[i] as O);
      });
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
