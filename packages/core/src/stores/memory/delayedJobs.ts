import type { ActionJob } from '../../store.js';

/** Sooner `runAt` first. Ties need no order: every job due is taken at once, and the claim sorts them. */
function before(a: ActionJob, b: ActionJob): boolean {
  return a.runAt < b.runAt;
}

/**
 * Pending jobs that were not due when they were written (delayed reminders, retries waiting out a backoff),
 * in a binary heap by when they come due. Claiming and waking then read only the jobs that have come due,
 * where a scan read every pending job on every round: a host with 100k reminders a week out paid for all of
 * them on each round. Jobs due when written never enter it, so the common path does not pay for it.
 *
 * Entries are the job objects as they were stored. A job written again since (claimed, rescheduled,
 * finished) is no longer current, which `isCurrent` tells; such entries are dropped when they reach the top,
 * and all at once when they make up most of the heap.
 *
 * @example
 * ```ts
 * const delayed = new DelayedJobs((job) => jobs.get(job.id) === job);
 * delayed.push(reminder); // runAt: a week from now
 * delayed.nextDueAt(); // reminder.runAt
 * delayed.takeDue(Date.now()); // []: not due yet
 * ```
 */
export class DelayedJobs {
  #heap: ActionJob[] = [];
  // Rebuild (dropping every entry no longer current) once the heap grows past this: amortized O(1) a push.
  #rebuildAt = 1024;

  constructor(private readonly isCurrent: (job: ActionJob) => boolean) {}

  get size(): number {
    return this.#heap.length;
  }

  push(job: ActionJob): void {
    const heap = this.#heap;
    heap.push(job);
    this.#up(heap.length - 1);
    if (heap.length > this.#rebuildAt) this.#rebuild();
  }

  /** The current jobs due at `now`, taken out, soonest first. */
  takeDue(now: number): ActionJob[] {
    const out: ActionJob[] = [];
    for (let top = this.#top(); top !== undefined && top.runAt <= now; top = this.#top()) {
      this.#pop();
      out.push(top);
    }
    return out;
  }

  /** When the soonest current job comes due; undefined when none is held. */
  nextDueAt(): number | undefined {
    return this.#top()?.runAt;
  }

  #top(): ActionJob | undefined {
    const heap = this.#heap;
    while (heap.length > 0 && !this.isCurrent(heap[0]!)) this.#pop();
    return heap[0];
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    this.#down(0);
  }

  #rebuild(): void {
    this.#heap = this.#heap.filter((job) => this.isCurrent(job));
    for (let i = (this.#heap.length >> 1) - 1; i >= 0; i--) this.#down(i);
    this.#rebuildAt = Math.max(1024, this.#heap.length * 2);
  }

  #up(i: number): void {
    const heap = this.#heap;
    const job = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(job, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = job;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const job = heap[i]!;
    const n = heap.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap[child + 1]!, heap[child]!)) child += 1;
      if (!before(heap[child]!, job)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = job;
  }
}
